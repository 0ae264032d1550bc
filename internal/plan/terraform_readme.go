package plan

import (
	"fmt"
	"io"
	"strings"
)

// writeReadme writes README.md: what the files are, what to fill in, and
// the order to apply them in, which follows the runbook's stages (additive
// first, then each subtractive step with its check).
func (w *tfWriter) writeReadme(out io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(out, format, args...) }
	p("# Terraform: the plan's target\n\n")
	p("Written by `vpcdoctor plan`. This folder and `../runbook.sh` are two ways to the\n")
	p("same target: **pick one**. Do not apply this after running the runbook (or the\n")
	p("other way round) without reading `terraform plan` line by line: both create the\n")
	p("same objects, and the second would create them again.\n\n")
	p("Nothing here changes the account until you run `terraform apply`.\n\n")
	p("## Files\n\n")
	p("| file | holds |\n|---|---|\n")
	p("| `versions.tf` | Terraform >= 1.5 (import blocks), the AWS provider ~> 5.0, one provider per region |\n")
	p("| `variables.tf` | what the plan cannot know: AMIs of replacement instances, certificates, the flow-log bucket |\n")
	p("| `network.tf` | new subnets, route tables, NAT gateways, VPC endpoints, flow logs, the Client VPN endpoint |\n")
	p("| `security_groups.tf` | one group per role and one resource per rule, each with its reason; retired groups |\n")
	p("| `placement.tf` | subnet groups, replacement instances, database and cache copies, and the existing resources whose subnets or groups change |\n")
	p("| `imports.tf` | data sources for what is only read (VPCs), import blocks for what Terraform takes over |\n\n")

	p("## Before you start\n\n")
	var required, defaulted []string
	for _, v := range w.vars {
		if v.required {
			required = append(required, "`"+v.name+"`")
		} else {
			defaulted = append(defaulted, "`"+v.name+"`")
		}
	}
	p("1. Credentials for %s.\n", strings.Join(w.accountRegions(), ", "))
	if len(required) > 0 {
		p("2. Set the variables without a default (in `terraform.tfvars`): %s.\n", strings.Join(required, ", "))
	} else {
		p("2. Every variable has a default.\n")
	}
	if len(defaulted) > 0 {
		p("   Review those with a default: %s. Bake the AMIs first: a replacement\n", strings.Join(defaulted, ", "))
		p("   launched from the old AMI lacks whatever was installed since.\n")
	}
	if len(w.fillIn) > 0 {
		p("3. Complete the imported resources whose configuration the snapshot does not hold.\n")
		p("   For each, fill in the attributes named, or move its block out of `placement.tf`, run\n")
		p("   `terraform plan -generate-config-out=generated.tf`, and copy into `generated.tf`\n")
		p("   the attributes `placement.tf` set (subnets, security groups):\n\n")
		for _, f := range w.fillIn {
			p("   - `%s`: %s\n", f.address, f.what)
		}
		p("\n")
	} else {
		p("3. Every imported resource is complete.\n\n")
	}

	p("## Order\n\n")
	p("```sh\nterraform init\n```\n\n")
	if len(w.additive) > 0 {
		p("**Stage 1, additive** (nothing that exists changes): review that `terraform plan` only creates.\n\n")
		w.targets(out, "additive", w.additive)
	}
	if len(w.copies) > 0 {
		p("**Stage 2, copies**: replacement instances (registered beside the old ones), database and cache copies.\n")
		p("Then, by hand: wait until the replacements are healthy in their target groups and deregister the old\n")
		p("instances; for a database, replicate into the copy (binlog), wait for `Seconds_Behind_Master` 0, and\n")
		p("cut the application over; for a cache, point the application at the new endpoint.\n\n")
		w.targets(out, "copies", w.copies)
	}
	if len(w.switches) > 0 {
		p("**Stage 3, switch the existing resources**, one at a time. Each plan must show an import and an\n")
		p("in-place update, never a destroy or a replacement. Between two, check the flow logs: no new REJECT\n")
		p("for a needed flow (plan.json lists them).\n\n```sh\n")
		for _, a := range w.switches {
			p("terraform plan -target=%s -out=step.tfplan && terraform apply step.tfplan\n", a)
		}
		p("```\n\nThen `terraform plan` must show no change.\n\n")
	}
	p("**Stage 4, outside Terraform**, once nothing uses them:\n\n")
	var cleanup []string
	seen := map[string]bool{}
	for _, rg := range w.regions {
		for _, m := range rg.plan.Moves {
			line := ""
			switch m.Method {
			case MoveReplaceInstance:
				line = fmt.Sprintf("terminate `%s`, replaced (`aws ec2 terminate-instances --region %s --instance-ids %s`)", moveLabel(m), rg.plan.Region, m.Resource)
			case MoveAuroraClone:
				id := m.Resource
				if c := w.clusterOf(rg, m, rg.resourceOf(m)); c != nil {
					id = c.ID
				}
				line = fmt.Sprintf("delete the DB cluster `%s` and its instances after the cut-over (with a final snapshot)", id)
			case MoveRDSReplica:
				line = fmt.Sprintf("delete the DB instance `%s` after the cut-over (with a final snapshot)", m.Resource)
			case MoveCacheSnapshot:
				id := m.Resource
				if res := rg.resourceOf(m); res != nil && res.Cache != nil && res.Cache.ReplicationGroup != "" {
					id = res.Cache.ReplicationGroup
				}
				line = fmt.Sprintf("delete the cache `%s` after the cut-over (with a final snapshot)", id)
			}
			if line != "" && !seen[line] {
				seen[line] = true
				cleanup = append(cleanup, line)
			}
		}
		for _, id := range rg.plan.RetiredGroups {
			cleanup = append(cleanup, fmt.Sprintf("delete the retired group `%s` (`aws ec2 delete-security-group --region %s --group-id %s`)", rg.groupLabel(id), rg.plan.Region, id))
		}
	}
	if len(cleanup) == 0 {
		p("- nothing.\n")
	}
	for _, c := range cleanup {
		p("- %s\n", c)
	}
}

// targets prints one plan-and-apply of many -target options.
func (w *tfWriter) targets(out io.Writer, planName string, addrs []string) {
	fmt.Fprintf(out, "```sh\nterraform plan -out=%s.tfplan \\\n", planName)
	for _, a := range addrs {
		fmt.Fprintf(out, "  -target=%s \\\n", a)
	}
	fmt.Fprintf(out, "  && terraform apply %s.tfplan\n```\n\n", planName)
}

// accountRegions lists "account 111122223333 (ap-northeast-1)".
func (w *tfWriter) accountRegions() []string {
	var out []string
	for _, rg := range w.regions {
		out = append(out, "account "+rg.plan.Account+" ("+rg.plan.Region+")")
	}
	if len(out) == 0 {
		out = []string{"the account"}
	}
	return out
}
