package check

import (
	"fmt"
	"net/netip"
	"sort"

	"go4.org/netipx"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// NACLAdminPortWorldOpen finds network ACLs, associated with subnets, whose
// inbound rules let the whole internet reach SSH or RDP.
//
// Entries are evaluated as AWS does (AWS-SEMANTICS.md §3): in rule-number
// order, the first entry matching the protocol, port and source decides.
// The port is open when an allow entry for 0.0.0.0/0 or ::/0 is the first
// match for some internet address (earlier denies for part of the internet
// do not close it, and are named), or when allow entries together are the
// first match for every internet address.
//
// An allow entry for all traffic, or for every port of the protocol, is
// what AWS's default ACL holds: the ACL then filters nothing and leaves the
// ports to the security groups. CIS counts it (a port value of ALL includes
// 22 and 3389), so it is reported, at low severity. So is the usual entry
// for replies, the ephemeral ports 1024-65535 (or a tail of them), which
// a stateless ACL must admit and which holds 3389. An entry that names
// another port range holding 22 or 3389 opens them on purpose, at medium.
var NACLAdminPortWorldOpen = &Check{
	Meta: Meta{
		ID:       "nacl-admin-port-world-open",
		Title:    "Network ACL lets the whole internet reach SSH or RDP",
		Severity: Medium,
		Rationale: "A network ACL is the subnet-wide layer behind security groups: when its inbound rules admit " +
			"SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0, a single security-group rule opening those ports to the " +
			"world is enough to expose every instance in its subnets to the scanning and password guessing that " +
			"start within minutes.",
		Remediation: "Add inbound deny entries for TCP 22 and TCP/UDP 3389 from 0.0.0.0/0 (and ::/0) numbered below the " +
			"allow entry (aws ec2 create-network-acl-entry --network-acl-id ACL --ingress --rule-number 50 " +
			"--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny), or narrow the " +
			"allow entry to the ports the subnets serve (aws ec2 replace-network-acl-entry). Reach instances with " +
			"Systems Manager Session Manager instead, which needs no inbound port.",
		References: []string{
			"AWS Foundational Security Best Practices EC2.21",
			"CIS AWS Foundations Benchmark v3.0.0 5.1",
			"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
		},
		Needs: []model.Call{model.CallNetworkACLs},
	},
	Run: func(p *Pass) {
		for _, acl := range p.Region.NetworkACLs {
			if len(acl.SubnetIDs) == 0 {
				continue
			}
			var ports, evidence []string
			deliberate, allTraffic, ephemeral := false, false, false
			for _, ap := range adminPorts {
				found := false
				for _, proto := range ap.protos {
					for _, fam := range naclFamilies {
						o, ok := naclWorldOpen(acl, proto, ap.port, fam)
						if !ok {
							continue
						}
						if !found {
							ports = append(ports, ap.name)
							found = true
						}
						evidence = append(evidence, o.evidence...)
						for _, m := range o.sentences {
							p.say(m)
						}
						deliberate = deliberate || o.deliberate
						allTraffic = allTraffic || o.allTraffic
						ephemeral = ephemeral || o.ephemeral
					}
				}
			}
			if len(ports) == 0 {
				continue
			}
			evidence = dedupe(evidence)
			sev, why := Low, any(msg("nacl-admin-port-world-open.every-port"))
			switch {
			case allTraffic:
				why = msg("nacl-admin-port-world-open.all-traffic")
			case ephemeral:
				why = msg("nacl-admin-port-world-open.ephemeral")
			}
			if deliberate {
				sev, why = Medium, ""
			}
			name := msg("nacl-admin-port-world-open.acl", labelTagged(acl.ID, acl.Tags))
			if acl.IsDefault {
				name = msg("nacl-admin-port-world-open.default-acl", labelTagged(acl.ID, acl.Tags))
			}
			p.ReportAt(sev, append([]string{acl.ID}, acl.SubnetIDs...), evidence,
				msg("nacl-admin-port-world-open.msg", name, vpcLabelOf(p.Region, acl.VPCID), joined("and", strs(ports)), count(len(acl.SubnetIDs), "subnet"), why))
		}
	},
}

// naclFamilies are the whole internet's address families, as ACL entries
// spell them.
var naclFamilies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}

// naclOpening is how an ACL's inbound entries let the internet reach one
// (protocol, port).
type naclOpening struct {
	evidence []string
	// sentences are the lines of evidence that are sentences (a deny entry
	// that keeps addresses out), as messages.
	sentences []i18n.Message
	// deliberate is set when an allowing entry names a port range that is
	// not every port of its protocol.
	deliberate bool
	// allTraffic is set when an allowing entry is for all protocols.
	allTraffic bool
	// ephemeral is set when an allowing entry's range is the ephemeral
	// ports clients receive replies on (from 1024 or above to 65535),
	// which stateless ACLs must admit (AWS-SEMANTICS.md §3).
	ephemeral bool
}

// naclWorldOpen evaluates acl's inbound entries for (proto, port) from
// every address of family (0.0.0.0/0 or ::/0), first match by rule number
// (AWS-SEMANTICS.md §3), and says whether the whole internet gets in: an
// allow entry for the whole family is the first match for some public
// address, or the allowed addresses cover every public address.
func naclWorldOpen(acl *model.NetworkACL, proto model.Protocol, port uint16, family netip.Prefix) (naclOpening, bool) {
	public := publicIPv4
	if family.Addr().Is6() {
		public = publicIPv6
	}
	entries := make([]model.NACLEntry, 0, len(acl.Entries))
	for _, e := range acl.Entries {
		if !e.Egress && e.CIDR.IsValid() && e.CIDR.Addr().Is4() == family.Addr().Is4() && e.Protocol.Matches(proto) &&
			(!e.Protocol.HasPorts() || e.Ports.Contains(port)) {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].RuleNumber < entries[j].RuleNumber })

	var rest, allowed netipx.IPSetBuilder
	rest.AddPrefix(family)
	var o naclOpening
	var denied []model.NACLEntry // earlier denies that keep part of the internet out
	worldEntry := false
	for _, e := range entries {
		remaining, _ := rest.IPSet()
		var mb netipx.IPSetBuilder
		mb.AddPrefix(e.CIDR.Masked())
		mb.Intersect(remaining)
		matched, _ := mb.IPSet()
		if len(matched.Prefixes()) == 0 {
			continue
		}
		rest.RemovePrefix(e.CIDR.Masked())
		reachesPublic := matched.Overlaps(public)
		switch {
		case !e.Allow:
			if reachesPublic {
				denied = append(denied, e)
			}
		case reachesPublic:
			allowed.AddSet(matched)
			o.evidence = append(o.evidence, naclEntryString(acl.ID, e))
			switch {
			case !e.Protocol.HasPorts() || e.Ports.IsAll():
			case e.Ports.From >= 1024 && e.Ports.To == 65535:
				o.ephemeral = true
			default:
				o.deliberate = true
			}
			if e.Protocol == model.ProtocolAll {
				o.allTraffic = true
			}
			if e.CIDR.Bits() == 0 {
				worldEntry = true
			}
		}
	}
	got, _ := allowed.IPSet()
	if !worldEntry && !covers(got, public) {
		return naclOpening{}, false
	}
	for _, d := range denied {
		m := msg("ev.nacl-keeps-out", naclEntryString(acl.ID, d))
		o.evidence = append(o.evidence, english(m))
		o.sentences = append(o.sentences, m)
	}
	return o, true
}

// naclEntryString prints an inbound entry as evidence:
// "acl-1 inbound #100 allow tcp/22 from 0.0.0.0/0".
func naclEntryString(aclID string, e model.NACLEntry) string {
	action := "deny"
	if e.Allow {
		action = "allow"
	}
	what := model.Rule{Protocol: e.Protocol, Ports: e.Ports, ICMP: e.ICMP}.PortsString()
	return fmt.Sprintf("%s inbound #%d %s %s from %s", aclID, e.RuleNumber, action, what, e.CIDR)
}
