// Package tfplan reads Terraform plans: the JSON `terraform show -json
// PLANFILE` prints (HashiCorp's terraform-json types). It translates the
// planned values of the AWS network resources (docs/terraform.md lists the
// types) into the AWS CLI outputs the snapshot source reads, in a temporary
// snapshot folder, and loads that folder with the snapshot loader: linking
// and every check work on a plan exactly as on an account.
//
// Values known only after apply become placeholders that name the
// resource: AWS's ID prefix and the address, sg-(aws_security_group.web);
// another attribute adds its name, rtb-(aws_vpc.main.default_route_table_id);
// an interface AWS creates for a resource is eni-(aws_db_instance.db); an
// ARN or name is the address alone; a public address is one of
// 203.0.113.0/24 and a private one the subnet's next from .100. References between resources are followed through the
// plan's configuration section, across module outputs and variables.
//
// A plan holds only what its configuration manages: the region's coverage
// says so, and the calls a plan cannot answer (flow logs, peerings, prefix
// lists, classic load balancers, running ECS tasks) are missing, not empty.
// With a base snapshot, the plan is applied on top of it.
package tfplan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// regionName matches AWS region names, as the snapshot layout does.
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// UnknownRegion is the region of resources whose provider configuration
// does not say its region (it comes from the environment, which the plan
// does not record) when no base snapshot says it either.
const UnknownRegion = "unknown-region"

// unknownRegionDir is the folder UnknownRegion is written to: the
// snapshot loader reads only folders named like regions.
const unknownRegionDir = "xx-unknown-1"

// PlanAccount is the account label of a plan read without a base: a plan
// does not say which account it is applied to.
const PlanAccount = "terraform-plan"

// addressKey marks each object written with the Terraform address it
// comes from, for errors; the snapshot loader ignores it.
const addressKey = "TerraformAddress"

// IsPlan reports whether path is a file that looks like `terraform show
// -json` output (not a snapshot folder): a regular file holding a JSON
// object (UTF-8, or UTF-16 with a BOM), or a binary plan file, which Load
// then explains how to convert.
func IsPlan(path string) bool {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return true
	}
	text := bytes.TrimSpace(snapshot.UTF8Text(head))
	return bytes.HasPrefix(text, []byte("{"))
}

// Load reads a plan; with base paths (snapshot folders) non-empty, the
// plan is applied on top of the base: resources the plan creates are added,
// those it updates replace the base's by ID, those it deletes are removed.
// The base must hold one account. Errors name the file and the position;
// no inventory is returned with an error.
func Load(plan string, base ...string) (*model.Inventory, error) {
	p, err := readPlan(plan)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "vpcdoctor-plan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	t := newTranslator(p, plan)
	l := &loader{t: t, plan: plan, tmp: tmp}
	if len(base) == 0 {
		return l.alone()
	}
	return l.onBase(base)
}

// loader writes a translated plan as a snapshot folder and loads it.
type loader struct {
	t         *translator
	plan      string
	tmp       string
	acctDir   string
	basePath  string // the base account folder, when there is one
	baseNames map[string]bool
}

func regionDir(name string) string {
	if isRegion(name) {
		return name
	}
	return unknownRegionDir
}

// alone loads the plan by itself: every call it is translated into counts
// as collected, the others as not in a plan.
func (l *loader) alone() (*model.Inventory, error) {
	l.acctDir = filepath.Join(l.tmp, "plan")
	l.t.newDir = func(region string) *regionDocs {
		d := newRegionDocs(region, filepath.Join(l.acctDir, regionDir(region)), true)
		for _, c := range regional {
			d.present[c.call] = true
		}
		return d
	}
	l.t.assignRegions(UnknownRegion)
	return l.finish()
}

// onBase applies the plan on a copy of the base account.
func (l *loader) onBase(base []string) (*model.Inventory, error) {
	inv, err := snapshot.Load(base...)
	if err != nil {
		return nil, err
	}
	if len(inv.Accounts) != 1 {
		return nil, &snapshot.NotSnapshotError{Path: strings.Join(base, ", "), Reason: fmt.Sprintf("the base holds %d accounts; a plan is applied to one account's snapshot", len(inv.Accounts))}
	}
	acct := inv.Accounts[0]
	l.basePath = acct.Path
	l.acctDir = filepath.Join(l.tmp, filepath.Base(filepath.Clean(acct.Path)))
	if err := copyTree(acct.Path, l.acctDir); err != nil {
		return nil, err
	}
	def := UnknownRegion
	if len(acct.Regions) == 1 {
		def = acct.Regions[0].Name
	}
	l.baseNames = map[string]bool{}
	for _, r := range acct.Regions {
		l.baseNames[r.Name] = true
	}
	var readErr error
	l.t.base = true
	l.t.newDir = func(region string) *regionDocs {
		dir := filepath.Join(l.acctDir, regionDir(region))
		if !l.baseNames[region] {
			d := newRegionDocs(region, dir, true)
			for _, c := range regional {
				d.present[c.call] = true
			}
			return d
		}
		d := newRegionDocs(region, dir, false)
		if err := d.readBase(); err != nil && readErr == nil {
			readErr = err
		}
		return d
	}
	l.t.assignRegions(def)
	inv2, err := l.finish()
	if readErr != nil {
		return nil, readErr
	}
	return inv2, err
}

// finish translates, writes, loads and labels the result.
func (l *loader) finish() (*model.Inventory, error) {
	t := l.t
	t.run()
	if len(t.regions) == 0 && l.basePath == "" {
		// Nothing of the network: still one (empty) region, so that the
		// scan says what it read.
		r := &res{region: t.providerRegion("aws")}
		if !isRegion(r.region) {
			r.region = UnknownRegion
		}
		t.docs(r)
	}
	names := make([]string, 0, len(t.regions))
	for n := range t.regions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := t.regions[n]
		for _, dropped := range d.dropped {
			t.notes = append(t.notes, planNote{region: n, subject: string(dropped), text: "the base did not collect " + string(dropped) + ", so the plan's resources of that call are not read either"})
		}
		if err := d.write(); err != nil {
			return nil, err
		}
	}
	inv, err := snapshot.Load(l.acctDir)
	if err != nil {
		return nil, l.translateError(err)
	}
	for _, a := range inv.Accounts {
		l.label(a)
	}
	return inv, nil
}

// label names the account and regions after the plan (and base), and
// records what a plan cannot say.
func (l *loader) label(a *model.Account) {
	t := l.t
	planName := filepath.Base(l.plan)
	if l.basePath == "" {
		a.ID, a.Name, a.Path = "", planName, l.plan
	} else {
		a.Path = l.basePath
	}
	for _, r := range a.Regions {
		if r.Name == unknownRegionDir {
			r.Name = UnknownRegion
		}
		if l.basePath == "" {
			r.Account = PlanAccount
		}
		d := t.regions[r.Name]
		if d == nil {
			continue
		}
		if d.fromPlan {
			r.Note(planName, "read from the Terraform plan %s (%s): only the resources its configuration manages, as planned; what else the account holds (other configurations, the console) is not in it, and values known only after apply are named after their Terraform address", planName, t.counts(r.Name))
			for i, m := range r.Coverage.Missing {
				if m.Reason == "not collected" {
					r.Coverage.Missing[i].Reason = notInPlan(m.Call)
				}
			}
		} else {
			r.Note(planName, "the Terraform plan %s is applied on the snapshot %s: %s", planName, l.basePath, t.summary(r.Name))
		}
		for _, n := range t.notes {
			if n.region == r.Name {
				r.Note(n.subject, "%s", n.text)
			}
		}
	}
}

// notInPlan says why a plan lacks a call's data.
func notInPlan(c model.Call) string {
	switch c {
	case model.CallFlowLogs:
		return "not in a Terraform plan as read here (aws_flow_log is not read)"
	case model.CallPeeringConnections:
		return "not in a Terraform plan as read here (aws_vpc_peering_connection is not read)"
	case model.CallManagedPrefixLists, model.CallPrefixListEntries:
		return "not in a Terraform plan as read here (aws_ec2_managed_prefix_list is not read)"
	case model.CallClassicLoadBalancers:
		return "not in a Terraform plan as read here (aws_elb is not read)"
	case model.CallECSTasks:
		return "a plan holds no running tasks: the tasks the services start are known only after apply"
	}
	return "not in a Terraform plan"
}

// summary counts what the plan does in a region.
func (t *translator) summary(region string) string {
	var created, updated, deleted, skipped int
	for _, r := range t.all {
		if r.region != region {
			continue
		}
		if _, ok := handlers[r.typ]; !ok {
			skipped++
			continue
		}
		switch {
		case r.actions.Replace():
			deleted++
			created++
		case r.actions.Delete():
			deleted++
		case r.actions.Update():
			updated++
		case r.actions.Create() || r.actions == nil:
			created++
		}
	}
	return fmt.Sprintf("%d resources created, %d updated, %d deleted (%d of types not read)", created, updated, deleted, skipped)
}

// counts says how many of the plan's resources in a region are read.
func (t *translator) counts(region string) string {
	read, other := 0, 0
	for _, r := range t.all {
		if r.region != region || !r.exists() {
			continue
		}
		if _, ok := handlers[r.typ]; ok {
			read++
		} else {
			other++
		}
	}
	return fmt.Sprintf("%d resources read, %d other AWS resources ignored", read, other)
}

// translateError rewrites an error of the snapshot loader on the written
// folder so that it names the plan and the resource (or the base's file).
func (l *loader) translateError(err error) error {
	var out []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var fe *snapshot.FileError
		if !errors.As(e, &fe) {
			out = append(out, fmt.Errorf("%s: %w", l.plan, e))
			return
		}
		out = append(out, l.fileError(fe))
	}
	walk(err)
	return errors.Join(out...)
}

func (l *loader) fileError(fe *snapshot.FileError) error {
	rel, err := filepath.Rel(l.acctDir, fe.Path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fe
	}
	if addr := l.addressAt(fe.Path, fe.Field); addr != "" {
		return &snapshot.FileError{Path: l.plan, Field: addr, Msg: fe.Msg + " (as " + strings.TrimSuffix(filepath.Base(fe.Path), ".json") + " " + fe.Field + ")"}
	}
	if l.basePath != "" {
		c := *fe
		c.Path = filepath.Join(l.basePath, rel)
		return &c
	}
	return &snapshot.FileError{Path: l.plan, Msg: fe.Error()}
}

// addressAt is the Terraform address of the object at field ("Subnets[3].
// CidrBlock") in a written file.
func (l *loader) addressAt(path, field string) string {
	open := strings.IndexByte(field, '[')
	end := strings.IndexByte(field, ']')
	if open < 0 || end < open {
		return ""
	}
	i, err := strconv.Atoi(field[open+1 : end])
	if err != nil {
		return ""
	}
	list, ok, _ := readList(path, field[:open])
	if !ok || i < 0 || i >= len(list) {
		return ""
	}
	m, _ := list[i].(map[string]any)
	if field[:open] == "Reservations" {
		ins, _ := m["Instances"].([]any)
		if len(ins) > 0 {
			m, _ = ins[0].(map[string]any)
		}
	}
	s, _ := m[addressKey].(string)
	return s
}

// copyTree copies a snapshot folder.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
