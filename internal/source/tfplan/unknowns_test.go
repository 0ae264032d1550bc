package tfplan

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// testdata/unknowns.json (written by hand in the shape of `terraform show
// -json`, format 1.2, see testdata/README.md) creates a network whose
// values that decide exposure are unknown until apply: each must be read
// as the widest it can be, with a note, and a known value never widened.

// ingressFrom lists a group's ingress rules as "proto/ports from PEER".
func ingressFrom(t *testing.T, r *model.Region, id string) []string {
	t.Helper()
	var out []string
	for _, x := range group(t, r, id).Ingress {
		peer := x.Peer.CIDR.String()
		if x.Peer.Kind == model.PeerGroup {
			peer = x.Peer.GroupID
		}
		out = append(out, x.PortsString()+" from "+peer)
	}
	slices.Sort(out)
	return out
}

// aclIngress lists a network ACL's ingress entries as "number allow|deny
// proto ports cidr", in order.
func aclIngress(r *model.Region, id string) []string {
	var out []string
	for _, a := range r.NetworkACLs {
		if a.ID != id {
			continue
		}
		for _, e := range a.Entries {
			if e.Egress {
				continue
			}
			action := "deny"
			if e.Allow {
				action = "allow"
			}
			out = append(out, fmt.Sprintf("%d %s %s %v %s", e.RuleNumber, action, e.Protocol, e.Ports, e.CIDR))
		}
	}
	return out
}

func routesOf(r *model.Region, id string) []string {
	var out []string
	for _, rt := range r.RouteTables {
		if rt.ID == id {
			for _, x := range rt.Routes {
				out = append(out, fmt.Sprintf("%s -> %s %s", x.DestinationString(), x.TargetKind, x.TargetID))
			}
		}
	}
	return out
}

func hasNote(r *model.Region, subject, text string) bool {
	for _, n := range r.Notes {
		if n.Subject == subject && strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}

func TestUnknownsReadWidest(t *testing.T) {
	r := loadOne(t, "testdata/unknowns.json")
	db := func(id string) bool { return resource(t, r, model.KindDBInstance, id).DB.PubliclyAccessible }
	for _, c := range []struct {
		name    string
		got     func() any
		want    any
		subject string // the resource whose note says what was assumed; "" when nothing is
		note    string
	}{
		{"inline rule with unknown cidr_blocks: 0.0.0.0/0; the known one kept",
			func() any { return ingressFrom(t, r, "sg-(aws_security_group.office)") },
			[]string{"tcp/22 from 0.0.0.0/0", "tcp/443 from 10.0.0.0/8"}, "aws_security_group.office", "cidr_blocks as 0.0.0.0/0"},
		{"dynamic ingress blocks over unknown values: everything from everywhere",
			func() any { return ingressFrom(t, r, "sg-(aws_security_group.dynamic)") },
			[]string{"all traffic from 0.0.0.0/0", "all traffic from ::/0"}, "aws_security_group.dynamic", "assumed to allow every protocol"},
		{"separate rules: unknown IPv6 blocks, prefix list, ports, source group; the known CIDR kept",
			func() any { return ingressFrom(t, r, "sg-(aws_security_group.rules)") },
			[]string{"tcp/3306 from 0.0.0.0/0", "tcp/3306 from ::/0", "tcp/443 from ::/0", "tcp/5432 from sg-(aws_security_group_rule.from_shared.source_security_group_id)",
				"tcp/8080 from 10.0.0.0/8", "tcp/all from 192.0.2.0/24"}, "aws_security_group_rule.https_v6", "ipv6_cidr_blocks as ::/0"},
		{"aws_vpc_security_group_ingress_rule with an unknown prefix list",
			nil, nil, "aws_vpc_security_group_ingress_rule.partner_list", "prefix_list_id as a list of every address"},
		{"aws_vpc_security_group_ingress_rule with unknown ports",
			nil, nil, "aws_vpc_security_group_ingress_rule.ports_later", "the ports as 0-65535"},
		{"a source group from a data source is a group not in the data",
			nil, nil, "aws_security_group_rule.from_shared", "read as sg-(aws_security_group_rule.from_shared.source_security_group_id)"},
		{"network ACL: an allow with an unknown block admits all; a deny with one is left out; a known deny stays",
			func() any { return aclIngress(r, "acl-(aws_network_acl.public)") },
			[]string{"60 deny tcp 3389 0.0.0.0/0", "100 allow tcp 22 0.0.0.0/0", "200 allow tcp 443 0.0.0.0/0", "210 allow tcp 8443 198.51.100.0/24", "32767 deny all all 0.0.0.0/0"},
			"aws_network_acl.public", "ingress entry 2 of 3 denies, but its cidr_block is known only after apply: it is left out"},
		{"aws_network_acl_rule with an unknown cidr_block",
			nil, nil, "aws_network_acl_rule.later", "cidr_block as 0.0.0.0/0"},
		{"aws_network_acl_rule with an unknown egress: an allow in both directions",
			func() any {
				n := 0
				for _, a := range r.NetworkACLs {
					for _, e := range a.Entries {
						if a.ID == "acl-(aws_network_acl.public)" && e.RuleNumber == 210 && e.Allow {
							n++
						}
					}
				}
				return n
			}, 2, "aws_network_acl_rule.either_way", "read in both directions"},
		{"network ACL with dynamic entries: allow all first",
			func() any { return aclIngress(r, "acl-(aws_network_acl.dynamic)") },
			[]string{"1 allow all all 0.0.0.0/0", "1 allow all all ::/0", "32767 deny all all 0.0.0.0/0"}, "aws_network_acl.dynamic", "assumed to allow everything before every other entry"},
		{"a route to a gateway known only after apply counts as an internet gateway's",
			func() any { return routesOf(r, "rtb-(aws_route_table.shared)") },
			[]string{"10.0.0.0/16 -> local local", "0.0.0.0/0 -> internet-gateway igw-(aws_route.to_shared_gateway.gateway_id)"}, "aws_route.to_shared_gateway", "gateway_id is known only after apply"},
		{"a route whose destination is known only after apply goes to 0.0.0.0/0",
			func() any { return routesOf(r, "rtb-(aws_route_table.partner)") },
			[]string{"10.0.0.0/16 -> local local", "0.0.0.0/0 -> internet-gateway igw-(aws_internet_gateway.main)"}, "aws_route.to_partner", "destination_cidr_block is known only after apply"},
		{"a route table with dynamic routes over unknown values: routes to an internet gateway not in the data",
			func() any { return routesOf(r, "rtb-(aws_route_table.dynamic)") },
			[]string{"10.0.0.0/16 -> local local", "0.0.0.0/0 -> internet-gateway igw-(aws_route_table.dynamic.route)", "::/0 -> internet-gateway igw-(aws_route_table.dynamic.route)"},
			"aws_route_table.dynamic", "its routes are known only after apply"},
		{"map_public_ip_on_launch unknown: true",
			func() any { return r.Subnet("subnet-(aws_subnet.maybe_public)").MapPublicIPOnLaunch }, true, "aws_subnet.maybe_public", "assumed true"},
		{"map_public_ip_on_launch known false stays false",
			func() any { return r.Subnet("subnet-(aws_subnet.public)").MapPublicIPOnLaunch }, false, "", ""},
		{"associate_public_ip_address set to an unknown value: a public address",
			func() any {
				return len(eni(t, r, "eni-(aws_instance.assoc_later.primary_network_interface_id)").PublicIPs())
			}, 1, "aws_instance.assoc_later", "associate_public_ip_address is known only after apply"},
		{"associate_public_ip_address not set, subnet known not to map: no public address",
			func() any {
				return len(eni(t, r, "eni-(aws_instance.private.primary_network_interface_id)").PublicIPs())
			}, 0, "", ""},
		{"not set, in a subnet that may map: a public address",
			func() any {
				return len(eni(t, r, "eni-(aws_instance.in_maybe_public.primary_network_interface_id)").PublicIPs())
			}, 1, "", ""},
		{"a subnet from a data source: a subnet not in the data, which may map public addresses",
			func() any {
				e := eni(t, r, "eni-(aws_instance.subnet_later.primary_network_interface_id)")
				return fmt.Sprint(e.SubnetID, " ", len(e.PublicIPs()))
			}, "subnet-(aws_instance.subnet_later.subnet_id) 1", "aws_instance.subnet_later", "assumed it does"},
		{"security groups from a data source: a group not in the data",
			func() any {
				return eni(t, r, "eni-(aws_instance.groups_later.primary_network_interface_id)").SecurityGroupIDs
			}, []string{"sg-(aws_instance.groups_later.vpc_security_group_ids)"}, "aws_instance.groups_later", "assumed to allow everything"},
		{"an ECS service's assign_public_ip unknown: ENABLED",
			func() any {
				for _, x := range r.Resources {
					if x.ECS != nil && x.ECS.Service == "maybe-public" {
						return x.ECS.AssignPublicIP
					}
				}
				return "no service"
			}, "ENABLED", "aws_ecs_service.maybe_public", "assign_public_ip is known only after apply"},
		{"publicly_accessible unknown: true", func() any { return db("maybe-public") }, true, "aws_db_instance.maybe_public", "assumed true"},
		{"publicly_accessible known false stays false", func() any { return db("private") }, false, "", ""},
		{"internal unknown: internet-facing",
			func() any { return resource(t, r, model.KindLoadBalancer, "maybe-internal").LoadBalancer.Scheme }, "internet-facing", "aws_lb.maybe_internal", "read as internet-facing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != nil {
				if got := c.got(); fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("got %v, want %v", got, c.want)
				}
			}
			if c.subject != "" && !hasNote(r, c.subject, c.note) {
				t.Errorf("no note on %s saying %q", c.subject, c.note)
			}
		})
	}
}

// The exposures that may exist after apply are reported; where nothing is
// unknown, nothing is widened.
func TestUnknownsExposures(t *testing.T) {
	r := loadOne(t, "testdata/unknowns.json")
	exposed := map[string][]string{}
	for _, x := range reach.InternetExposures(r) {
		if x.ENI != nil {
			exposed[x.ENI.ID] = append(exposed[x.ENI.ID], fmt.Sprintf("%s/%s", x.Protocol, x.Ports))
		}
	}
	for _, c := range []struct {
		eni  string
		want []string // nil: not exposed
	}{
		{"eni-(aws_instance.assoc_later.primary_network_interface_id)", []string{"tcp/22"}},
		{"eni-(aws_instance.in_maybe_public.primary_network_interface_id)", []string{"tcp/22"}},
		{"eni-(aws_instance.subnet_later.primary_network_interface_id)", []string{"tcp/22"}},
		// the group not in the data allows everything; the ACL lets 22, 443
		// and (from 198.51.100.0/24, its egress unknown) 8443 in
		{"eni-(aws_instance.groups_later.primary_network_interface_id)", []string{"tcp/22", "tcp/443", "tcp/8443"}},
		// the unknown ports of the rule from 192.0.2.0/24, through the ACL
		{"eni-(aws_db_instance.maybe_public)", []string{"tcp/22", "tcp/443"}},
		{"eni-(aws_instance.private.primary_network_interface_id)", nil},
		{"eni-(aws_db_instance.private)", nil},
	} {
		got := exposed[c.eni]
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s exposed on %v, want %v", c.eni, got, c.want)
		}
	}
	// the world-open SSH of the instance whose public address is unknown
	for _, x := range reach.InternetExposures(r) {
		if x.ENI != nil && x.ENI.ID == "eni-(aws_instance.assoc_later.primary_network_interface_id)" && !x.WholeInternet {
			t.Errorf("assoc_later: sources %v, want the whole internet", x.Sources)
		}
	}
}

// A group's or a table's rules that are not configured are unknown on
// create (optional and computed) and come from separate resources: those
// are read, nothing is widened.
func TestComputedRulesNotWidened(t *testing.T) {
	r := loadOne(t, "testdata/world-open-db.json")
	if got := ingressFrom(t, r, "sg-(aws_security_group.db)"); !slices.Equal(got, []string{"tcp/3306 from 0.0.0.0/0"}) {
		t.Errorf("shop-db ingress %v, want only its separate rule", got)
	}
	inv, err := Load("testdata/every-type.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, reg := range inv.Accounts[0].Regions {
		if got := routesOf(reg, "rtb-(aws_route_table.private)"); !slices.Equal(got, []string{"10.30.0.0/16 -> local local", "0.0.0.0/0 -> nat-gateway nat-(aws_nat_gateway.main)"}) {
			t.Errorf("private table routes %v, want the local route and its separate route to the NAT gateway", got)
		}
		for _, n := range reg.Notes {
			if strings.Contains(n.Text, "over-approximation") && !strings.Contains(n.Subject, "aws_rds_cluster_instance") {
				t.Errorf("unexpected widening: %s: %s", n.Subject, n.Text)
			}
		}
	}
}
