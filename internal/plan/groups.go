package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Slugs the planner keeps for its own groups.
const (
	slugEndpoints = "endpoints"
	slugClientVPN = "client-vpn"
)

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slugOf is a role name as it appears in a group's ID: lowercased, every
// run of other characters turned into "-", trimmed.
func slugOf(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if s == "" {
		return "role"
	}
	return s
}

// awsText keeps only the characters AWS accepts in a security group's
// name, description and rule descriptions (a-z, A-Z, 0-9, spaces and
// ._-:/()#,@[]+=&;{}!$*), and at most 255 of them.
func awsText(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte(" ._-:/()#,@[]+=&;{}!$*", c) >= 0:
		default:
			b[i] = '-'
		}
	}
	if len(b) > 255 {
		b = b[:255]
	}
	return string(b)
}

// isAWSEndpointsRole reports whether r is the model's role of a VPC's
// interface endpoints of AWS services: they take the endpoints' group.
func isAWSEndpointsRole(r *role) bool {
	return strings.HasPrefix(r.id, string(model.KindVPCEndpoint)+"/aws-endpoints:")
}

// takesGroup reports whether r's members can carry a security group.
func takesGroup(r *role) bool {
	for _, m := range r.members {
		if m.Kind != model.KindNATGateway && !nlbWithoutGroups(m) {
			return true
		}
	}
	return false
}

// makeGroups creates v's groups: one per role (slugs unique-ified with
// -2, -3 in sorted order), the interface endpoints' and the Client VPN
// endpoint's.
func (d *regionDesign) makeGroups(v *vpcDesign) {
	names := map[string]bool{}
	for _, g := range d.reg.SecurityGroups {
		if g.VPCID == v.vpc.ID {
			names[g.Name] = true
		}
	}
	newGroup := func(slug, roleID, description string, members []string) *Group {
		name := slug
		if names[name] || strings.HasPrefix(name, "sg-") {
			name = "vpcdoctor-" + slug
		}
		g := &Group{ID: v.placeholder("sg", slug), Name: awsText(name), VPCID: v.vpc.ID, Role: roleID, Description: awsText(description),
			Members: nonNil(members), Ingress: []*Rule{}, Egress: []*Rule{}}
		v.groups = append(v.groups, g)
		return g
	}

	// The interface endpoints' group, for new endpoints and existing
	// endpoints of AWS services.
	var endpointMembers []string
	for _, ep := range v.plan.Endpoints {
		if ep.Type == "Interface" {
			endpointMembers = append(endpointMembers, ep.ID)
		}
	}
	var roles []*role
	for _, r := range v.roles {
		switch {
		case isAWSEndpointsRole(r):
			for _, m := range r.members {
				endpointMembers = append(endpointMembers, m.ID)
			}
		case takesGroup(r):
			roles = append(roles, r)
		}
	}
	if len(endpointMembers) > 0 {
		sort.Strings(endpointMembers)
		v.endpointsGroup = newGroup(slugEndpoints, "", "Interface VPC endpoints: HTTPS from the workloads of the VPC; planned by vpcdoctor", endpointMembers)
		for _, r := range v.roles {
			if isAWSEndpointsRole(r) {
				r.group = v.endpointsGroup
			}
		}
	}
	if d.opts.ClientVPN && d.needsClientVPN(v) {
		v.clientVPNGroup = newGroup(slugClientVPN, "", "AWS Client VPN endpoint: the only human path to the databases; planned by vpcdoctor", nil)
	}

	type slugged struct {
		slug string
		r    *role
	}
	var ss []slugged
	for _, r := range roles {
		ss = append(ss, slugged{slugOf(r.name), r})
	}
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].slug != ss[j].slug {
			return ss[i].slug < ss[j].slug
		}
		return ss[i].r.key < ss[j].r.key
	})
	used := map[string]bool{slugEndpoints: true, slugClientVPN: true}
	for _, s := range ss {
		slug := s.slug
		for n := 2; used[slug]; n++ {
			slug = fmt.Sprintf("%s-%d", s.slug, n)
		}
		used[slug] = true
		var members []string
		for _, m := range s.r.members {
			if m.Kind != model.KindNATGateway && !nlbWithoutGroups(m) {
				members = append(members, m.ID)
			}
		}
		basis := ""
		if mr := s.r.members[0].Role; mr != nil && !strings.HasPrefix(s.r.id, "config:") {
			basis = " (" + mr.Basis + ")"
		} else if strings.HasPrefix(s.r.id, "config:") {
			basis = " (named in the configuration)"
		}
		noun := s.r.kind().Noun()
		if len(s.r.members) != 1 {
			noun += "s"
		}
		s.r.group = newGroup(slug, s.r.id, fmt.Sprintf("%s: %s%s; least-privilege group planned by vpcdoctor", s.r.name, noun, basis), members)
	}
	sort.Slice(v.groups, func(i, j int) bool { return v.groups[i].ID < v.groups[j].ID })
}

// needsClientVPN reports whether v holds a database or cache, or a role a
// configured flow from the Client VPN names.
func (d *regionDesign) needsClientVPN(v *vpcDesign) bool {
	for _, r := range v.roles {
		if r.isData() && takesGroup(r) {
			return true
		}
	}
	for _, f := range d.opts.ExtraFlows {
		if strings.EqualFold(f.From, "client-vpn") {
			if r := d.roleNamed(f.To); r != nil && r.vpc == v {
				return true
			}
		}
	}
	return false
}

// ruleFor starts a rule for (proto, port): ports for TCP and UDP, -1 for
// the rest.
func ruleFor(proto string, port int32) *Rule {
	r := &Rule{Protocol: proto, FromPort: int(port), ToPort: int(port)}
	if proto != "tcp" && proto != "udp" {
		r.FromPort, r.ToPort = -1, -1
	}
	return r
}

// portName is "tcp/443", or the protocol alone without ports.
func portName(proto string, port int32) string {
	if proto == "tcp" || proto == "udp" {
		return fmt.Sprintf("%s/%d", proto, port)
	}
	if proto == "-1" {
		return "all traffic"
	}
	return proto
}

// addresses are the private IPv4 addresses of a role without a group (a
// network load balancer without security groups), as /32 blocks.
func addresses(r *role) []string {
	var out []string
	for _, m := range r.members {
		for _, e := range m.ENIs {
			for _, a := range e.Addresses {
				if a.Private.Is4() {
					out = append(out, netip.PrefixFrom(a.Private, 32).String())
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// writeRules turns the needed flows into rules, then adds the Client VPN's,
// the endpoints' and compute's outbound rules, and sorts every group's.
func (d *regionDesign) writeRules() {
	for _, k := range sortedFlowKeys(d.needed.flows) {
		f, src, dst := d.needed.flows[k], d.needed.srcRole[k], d.needed.dstRole[k]
		d.flowRules(f, src, dst)
	}
	for _, c := range d.clientVPNFlows {
		if g := c.dst.vpc.clientVPNGroup; g != nil && c.dst.group != nil {
			in := ruleFor(c.proto, int32(c.port))
			in.Group, in.Basis = g.ID, BasisConfig
			in.setEvidence(c.evidence)
			in.Description = awsText(portName(c.proto, int32(c.port)) + " from the Client VPN endpoint (configured)")
			c.dst.group.Ingress = append(c.dst.group.Ingress, in)
			out := ruleFor(c.proto, int32(c.port))
			out.Group, out.Basis = c.dst.group.ID, BasisConfig
			out.setEvidence(c.evidence)
			out.Description = awsText(portName(c.proto, int32(c.port)) + " to " + c.dst.name)
			g.Egress = append(g.Egress, out)
		}
	}
	seen := d.outboundByRole()
	outside := d.inboundFromOutside()
	for _, v := range d.vpcs {
		d.vpnRules(v)
		d.endpointRules(v)
		d.replicationRules(v)
		for _, r := range v.roles {
			if r.group != nil {
				outsideIngress(r, outside[r])
			}
		}
		for _, r := range v.roles {
			if r.isCompute() && r.group != nil {
				d.computeEgress(r, seen[r])
			}
		}
		for _, g := range v.groups {
			g.Ingress = tidyRules(g.Ingress)
			g.Egress = tidyRules(g.Egress)
		}
	}
}

func sortedFlowKeys(m map[flowKey]*NeededFlow) []flowKey {
	keys := make([]flowKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b flowKey) int {
		return cmp.Or(strings.Compare(a.src, b.src), strings.Compare(a.dst, b.dst), strings.Compare(a.proto, b.proto), cmp.Compare(a.port, b.port))
	})
	return keys
}

// flowRules writes one needed flow's rules: ingress on the destination's
// group from the source's group (the internet only for load-balancer
// listeners and configured flows), and egress on the source's group.
func (d *regionDesign) flowRules(f *NeededFlow, src, dst *role) {
	what := portName(f.Protocol, f.Port)
	if dst != nil && dst.group != nil {
		switch {
		case src == nil: // the internet
			basis := f.Basis
			lb := d.reg.Resource(model.ResourceKind(f.Dst.ResourceType), f.Dst.ID)
			cidrs := []string{"0.0.0.0/0"}
			if lb != nil && lb.IsInternetFacingLoadBalancer() {
				basis = BasisListener
				if strings.HasPrefix(lb.LoadBalancer.IPAddressType, "dualstack") {
					cidrs = append(cidrs, "::/0")
				}
			}
			for _, c := range cidrs {
				r := ruleFor(f.Protocol, f.Port)
				r.CIDR, r.Basis, r.Evidence = c, basis, f.Evidence
				r.EvidenceMsg = f.EvidenceMsg
				r.Description = awsText(what + " from the internet (listener of " + f.Dst.ID + ")")
				if basis == BasisConfig {
					r.Description = awsText(what + " from the internet (configured)")
				}
				dst.group.Ingress = append(dst.group.Ingress, r)
			}
		case src.group != nil:
			r := ruleFor(f.Protocol, f.Port)
			r.Group, r.Basis, r.Evidence = src.group.ID, f.Basis, f.Evidence
			r.EvidenceMsg = f.EvidenceMsg
			r.Description = awsText(what + " from " + src.name)
			dst.group.Ingress = append(dst.group.Ingress, r)
		default:
			for _, c := range addresses(src) {
				r := ruleFor(f.Protocol, f.Port)
				r.CIDR, r.Basis, r.Evidence = c, f.Basis, f.Evidence
				r.EvidenceMsg = f.EvidenceMsg
				r.Description = awsText(what + " from " + src.name + " (a load balancer without security groups)")
				dst.group.Ingress = append(dst.group.Ingress, r)
			}
		}
	}
	if src == nil || src.group == nil || dst == nil {
		return
	}
	if dst.group != nil {
		r := ruleFor(f.Protocol, f.Port)
		r.Group, r.Basis, r.Evidence = dst.group.ID, f.Basis, f.Evidence
		r.EvidenceMsg = f.EvidenceMsg
		r.Description = awsText(what + " to " + dst.name)
		src.group.Egress = append(src.group.Egress, r)
		return
	}
	for _, c := range addresses(dst) {
		r := ruleFor(f.Protocol, f.Port)
		r.CIDR, r.Basis, r.Evidence = c, f.Basis, f.Evidence
		r.EvidenceMsg = f.EvidenceMsg
		r.Description = awsText(what + " to " + dst.name + " (a load balancer without security groups)")
		src.group.Egress = append(src.group.Egress, r)
	}
}

// vpnRules let the Client VPN endpoint's group reach every database and
// cache of the VPC on its port (AWS-SEMANTICS.md §8: the only human path
// to the data tier).
func (d *regionDesign) vpnRules(v *vpcDesign) {
	g := v.clientVPNGroup
	if g == nil {
		return
	}
	for _, r := range v.roles {
		if !r.isData() || r.group == nil {
			continue
		}
		var ports []int
		for _, m := range r.members {
			ports = append(ports, d.dataPort(m))
		}
		slices.Sort(ports)
		for _, port := range slices.Compact(ports) {
			what := portName("tcp", int32(port))
			in := ruleFor("tcp", int32(port))
			in.Group, in.Basis = g.ID, BasisClientVPN
			in.setEvidence(i18n.M("plan.evidence.client-vpn"))
			in.Description = awsText(what + " from developers over AWS Client VPN")
			r.group.Ingress = append(r.group.Ingress, in)
			out := ruleFor("tcp", int32(port))
			out.Group, out.Basis = r.group.ID, BasisClientVPN
			out.setEvidence(in.EvidenceMsg)
			out.Description = awsText(what + " to " + r.name)
			g.Egress = append(g.Egress, out)
		}
	}
}

// endpointRules let every compute group of the VPC reach the interface
// endpoints on HTTPS.
func (d *regionDesign) endpointRules(v *vpcDesign) {
	g := v.endpointsGroup
	if g == nil {
		return
	}
	for _, r := range v.roles {
		if !r.isCompute() || r.group == nil {
			continue
		}
		in := ruleFor("tcp", 443)
		in.Group, in.Basis = r.group.ID, BasisEndpoint
		in.setEvidence(i18n.M("plan.evidence.endpoints"))
		in.Description = awsText("HTTPS from " + r.name)
		g.Ingress = append(g.Ingress, in)
	}
}

// replicationRules let a database role's group reach itself on its port
// when its members move by a copy kept in sync by replication
// (AWS-SEMANTICS.md §8): the copy, which carries only the new group,
// connects to the old cluster, which carries the new group beside its old
// ones from the stage that attaches the new groups until the clean-up.
// Without them the data tier's group, which has no other egress rule,
// would stop the replication.
func (d *regionDesign) replicationRules(v *vpcDesign) {
	for _, r := range v.roles {
		if !r.isData() || r.group == nil {
			continue
		}
		var ports []int
		for _, m := range r.members {
			if pl := d.placement[m]; pl != nil && pl.method == MoveAuroraClone {
				ports = append(ports, d.dataPort(m))
			}
		}
		slices.Sort(ports)
		for _, port := range slices.Compact(ports) {
			what := portName("tcp", int32(port))
			evidence := i18n.M("plan.evidence.replication")
			in := ruleFor("tcp", int32(port))
			in.Group, in.Basis = r.group.ID, BasisReplication
			in.setEvidence(evidence)
			in.Description = awsText(what + " from the copy of " + r.name + " (replication until the cut-over)")
			r.group.Ingress = append(r.group.Ingress, in)
			out := ruleFor("tcp", int32(port))
			out.Group, out.Basis = r.group.ID, BasisReplication
			out.setEvidence(evidence)
			out.Description = awsText(what + " to the old " + r.name + " (replication until the cut-over)")
			r.group.Egress = append(r.group.Egress, out)
		}
	}
}

// inboundFromOutside is, for each role, the private addresses outside the
// snapshot (a peered VPC of another account, a network reached over VPN or
// Direct Connect) that the flow logs show opening accepted connections to
// it, by (protocol, port).
func (d *regionDesign) inboundFromOutside() map[*role]map[protoPort][]string {
	out := map[*role]map[protoPort][]string{}
	for _, e := range d.edges {
		if e.Action != "ACCEPT" || e.Src.Kind != flows.KindUnknown {
			continue
		}
		a, err := netip.ParseAddr(e.Src.ID)
		if err != nil || !a.Is4() {
			continue
		}
		dst := d.resourceOf(e.Dst)
		if dst == nil {
			continue
		}
		r := d.roleOf[dst]
		if out[r] == nil {
			out[r] = map[protoPort][]string{}
		}
		k := protoPort{e.Protocol, e.Port}
		out[r][k] = append(out[r][k], netip.PrefixFrom(a, 32).String())
	}
	return out
}

// outsideIngress lets the addresses outside the snapshot that the flow
// logs show calling r keep calling it: no role holds them, so no group can
// name them, and a rule names each address (never a wider block).
func outsideIngress(r *role, seen map[protoPort][]string) {
	for _, k := range sortedPP(seen) {
		for _, c := range sortedUnique(seen[k]) {
			in := ruleFor(k.proto, k.port)
			in.CIDR, in.Basis = c, BasisFlowLogs
			in.setEvidence(i18n.M("plan.evidence.outside"))
			in.Description = awsText(portName(k.proto, k.port) + " from " + c + " (outside the snapshot)")
			r.group.Ingress = append(r.group.Ingress, in)
		}
	}
}

// outbound is what one compute role was seen sending beyond the
// snapshot's resources: to the internet and AWS services by (protocol,
// port), and to addresses no interface of the snapshot holds.
type outbound struct {
	internet map[protoPort]*seenTraffic
	unknown  map[protoPort][]string
}

type protoPort struct {
	proto string
	port  int32
}

type seenTraffic struct{ connections, bytes int64 }

// outboundByRole sums the accepted edges from each role to outside the
// snapshot, in one pass over the edges.
func (d *regionDesign) outboundByRole() map[*role]*outbound {
	out := map[*role]*outbound{}
	for _, e := range d.edges {
		if e.Action != "ACCEPT" {
			continue
		}
		if e.Dst.Kind != flows.KindInternet && e.Dst.Kind != flows.KindAWSService && e.Dst.Kind != flows.KindUnknown {
			continue
		}
		src := d.resourceOf(e.Src)
		if src == nil {
			continue
		}
		r := d.roleOf[src]
		o := out[r]
		if o == nil {
			o = &outbound{internet: map[protoPort]*seenTraffic{}, unknown: map[protoPort][]string{}}
			out[r] = o
		}
		k := protoPort{e.Protocol, e.Port}
		if e.Dst.Kind == flows.KindUnknown {
			if a, err := netip.ParseAddr(e.Dst.ID); err == nil && a.Is4() {
				o.unknown[k] = append(o.unknown[k], netip.PrefixFrom(a, 32).String())
			}
			continue
		}
		s := o.internet[k]
		if s == nil {
			s = &seenTraffic{}
			o.internet[k] = s
		}
		s.connections += e.Connections
		s.bytes += e.Bytes
	}
	return out
}

// computeEgress writes a compute role's outbound rules beyond the calls to
// other roles: with flow logs, HTTPS to anywhere (AWS APIs and S3 through
// the NAT gateway and endpoints) and the other ports it was seen using to
// the internet and AWS services, and the addresses outside the snapshot
// it was seen calling; without, all traffic (inferred: narrow it once
// flow logs show what is used).
func (d *regionDesign) computeEgress(r *role, o *outbound) {
	g := r.group
	if !d.opts.FlowLogs {
		out := ruleFor("-1", 0)
		out.CIDR, out.Basis = "0.0.0.0/0", BasisInferred
		out.setEvidence(i18n.M("plan.evidence.no-flow-logs"))
		out.Description = "All outbound (inferred: confirm with flow logs)"
		g.Egress = append(g.Egress, out)
		return
	}
	if o == nil {
		o = &outbound{}
	}
	https := protoPort{"tcp", 443}
	out := ruleFor("tcp", 443)
	out.CIDR, out.Basis = "0.0.0.0/0", BasisInferred
	out.setEvidence(i18n.M("plan.evidence.https-out"))
	if s := o.internet[https]; s != nil {
		out.Basis = BasisFlowLogs
		out.setEvidence(i18n.M("plan.evidence.outbound", s.connections, s.bytes))
	}
	out.Description = "HTTPS to AWS APIs and the internet"
	g.Egress = append(g.Egress, out)
	for _, k := range sortedPP(o.internet) {
		if k == https {
			continue
		}
		s := o.internet[k]
		out := ruleFor(k.proto, k.port)
		out.CIDR, out.Basis = "0.0.0.0/0", BasisFlowLogs
		out.setEvidence(i18n.M("plan.evidence.outbound", s.connections, s.bytes))
		out.Description = awsText(portName(k.proto, k.port) + " to the internet (seen in the flow logs)")
		g.Egress = append(g.Egress, out)
	}
	for _, k := range sortedPP(o.unknown) {
		if o.internet[k] != nil || k == https {
			continue
		}
		cidrs := o.unknown[k]
		sort.Strings(cidrs)
		for _, c := range slices.Compact(cidrs) {
			out := ruleFor(k.proto, k.port)
			out.CIDR, out.Basis = c, BasisFlowLogs
			out.setEvidence(i18n.M("plan.evidence.outside"))
			out.Description = awsText(portName(k.proto, k.port) + " to " + c + " (outside the snapshot)")
			g.Egress = append(g.Egress, out)
		}
	}
}

func sortedPP[V any](m map[protoPort]V) []protoPort {
	keys := make([]protoPort, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b protoPort) int {
		return cmp.Or(strings.Compare(a.proto, b.proto), cmp.Compare(a.port, b.port))
	})
	return keys
}

// tidyRules merges rules that match the same packets from the same peer
// (keeping the strongest basis) and sorts them.
func tidyRules(rules []*Rule) []*Rule {
	type key struct {
		proto                  string
		from, to               int
		group, cidr, prefixLst string
	}
	byKey := map[key]*Rule{}
	for _, r := range rules {
		k := key{r.Protocol, r.FromPort, r.ToPort, r.Group, r.CIDR, r.PrefixList}
		if old := byKey[k]; old == nil || ruleBasisRank(r.Basis) < ruleBasisRank(old.Basis) {
			byKey[k] = r
		}
	}
	out := make([]*Rule, 0, len(byKey))
	for _, r := range byKey {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Rule) int {
		return cmp.Or(strings.Compare(a.Protocol, b.Protocol), cmp.Compare(a.FromPort, b.FromPort), cmp.Compare(a.ToPort, b.ToPort),
			strings.Compare(a.Group, b.Group), strings.Compare(a.CIDR, b.CIDR), strings.Compare(a.PrefixList, b.PrefixList))
	})
	return out
}

func ruleBasisRank(b string) int {
	switch b {
	case BasisListener:
		return 0
	case BasisFlowLogs:
		return 1
	case BasisConfig:
		return 2
	case BasisClientVPN, BasisEndpoint:
		return 3
	}
	return 4
}

// retireGroups lists the old groups the migration deletes (those the
// planned resources carry, unless something outside the plan still uses
// them) and the VPCs' default groups, which are emptied.
func (d *regionDesign) retireGroups() {
	planned := map[*model.Resource]bool{}
	old := map[string]bool{}
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			planned[res] = true
			for _, g := range res.SecurityGroupIDs {
				old[g] = true
			}
		}
		for _, g := range d.reg.SecurityGroups {
			if g.VPCID == v.vpc.ID && g.Name == "default" {
				d.plan.DefaultGroups = append(d.plan.DefaultGroups, g.ID)
				for _, e := range g.ENIs {
					if e.Owner.Resource == nil || !planned[e.Owner.Resource] {
						d.warn("plan.warning.default-group-used", g.ID, e.ID)
						break
					}
				}
			}
		}
	}
	for _, id := range sortedKeys(old) {
		g := d.reg.SecurityGroup(id)
		if g == nil || g.Name == "default" {
			continue
		}
		kept := ""
		for _, e := range g.ENIs {
			if e.Owner.Resource == nil || !planned[e.Owner.Resource] {
				kept = e.ID
				break
			}
		}
		if kept != "" {
			d.warn("plan.warning.not-retired", id, kept)
			continue
		}
		d.plan.RetiredGroups = append(d.plan.RetiredGroups, id)
	}
	sort.Strings(d.plan.DefaultGroups)
}
