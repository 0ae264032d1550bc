package plan

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// Bases of needed flows and rules.
const (
	BasisFlowLogs  = "flow-logs"
	BasisInferred  = "inferred"
	BasisConfig    = "config"
	BasisListener  = "listener"
	BasisClientVPN = "client-vpn"
	BasisEndpoint  = "endpoint"
	// BasisReplication: a database's group reaching itself so that its
	// copy can replicate from it until the cut-over.
	BasisReplication = "replication"
)

// internetEndpoint stands for every internet address in a needed flow: its
// ID is not an address, so the proof asks about any internet source.
var internetEndpoint = flows.Endpoint{Kind: flows.KindInternet, ID: "0.0.0.0/0", Name: "the internet"}

// flowKey identifies a needed flow.
type flowKey struct {
	src, dst string // resource IDs (kind-qualified), or the internet
	proto    string
	port     int32
}

// neededSet accumulates needed flows, keeping the best basis of each.
type neededSet struct {
	flows map[flowKey]*NeededFlow
	// srcRole and dstRole remember the roles of each flow, for the rules.
	srcRole, dstRole map[flowKey]*role
}

func basisRank(b string) int {
	switch b {
	case BasisFlowLogs:
		return 0
	case BasisConfig:
		return 1
	}
	return 2
}

func (s *neededSet) add(f *NeededFlow, src, dst *role) {
	k := flowKey{string(f.Src.Kind) + ":" + f.Src.ResourceType + "/" + f.Src.ID, f.Dst.ResourceType + "/" + f.Dst.ID, f.Protocol, f.Port}
	if old := s.flows[k]; old != nil && basisRank(old.Basis) <= basisRank(f.Basis) {
		return
	}
	s.flows[k] = f
	s.srcRole[k], s.dstRole[k] = src, dst
}

// neededFlows are the flows the target must keep (see Flows in the package
// brief): accepted flow-log edges between resources with roles, and from
// the internet to an internet-facing load balancer's listener ports; the
// wiring's flows (internet → listeners, load balancer → targets) always;
// without flow logs, the compute roles that can reach a database or cache
// today; and the configured flows.
func (d *regionDesign) neededFlows() []*NeededFlow {
	s := &neededSet{flows: map[flowKey]*NeededFlow{}, srcRole: map[flowKey]*role{}, dstRole: map[flowKey]*role{}}
	d.observedFlows(s)
	d.wiringFlows(s)
	if !d.opts.FlowLogs {
		d.dataReach(s)
		d.warn("plan.warning.no-flow-logs")
	}
	d.configuredFlows(s)
	d.needed = s
	out := make([]*NeededFlow, 0, len(s.flows))
	for _, f := range s.flows {
		out = append(out, f)
	}
	slices.SortFunc(out, compareNeeded)
	return out
}

func compareNeeded(a, b *NeededFlow) int {
	return cmp.Or(
		strings.Compare(string(a.Src.Kind), string(b.Src.Kind)),
		strings.Compare(a.Src.ID, b.Src.ID),
		strings.Compare(a.Dst.ID, b.Dst.ID),
		strings.Compare(a.Dst.ResourceType, b.Dst.ResourceType),
		strings.Compare(a.Protocol, b.Protocol),
		cmp.Compare(a.Port, b.Port),
	)
}

// endpointOf names res as flow-log edges do.
func (d *regionDesign) endpointOf(res *model.Resource) flows.Endpoint {
	ep := flows.Endpoint{Kind: flows.KindResource, ID: res.ID, ResourceType: string(res.Kind), Account: d.reg.Account, Region: d.reg.Name}
	if res.Name != res.ID {
		ep.Name = res.Name
	}
	if res.Role != nil {
		ep.Role = res.Role.ID
	}
	return ep
}

// resourceOf finds the planned resource an edge's endpoint names.
func (d *regionDesign) resourceOf(ep flows.Endpoint) *model.Resource {
	if !inRegion(ep, d.reg) {
		return nil
	}
	res := d.reg.Resource(model.ResourceKind(ep.ResourceType), ep.ID)
	if res == nil || d.roleOf[res] == nil {
		return nil
	}
	return res
}

// edgeEvidence summarises one edge for a person.
func edgeEvidence(e flows.Edge) i18n.Message {
	if !e.FirstSeen.IsZero() && !e.LastSeen.IsZero() {
		return i18n.M("plan.evidence.edge-period", e.Connections, e.Bytes, e.FirstSeen.UTC().Format(time.RFC3339), e.LastSeen.UTC().Format(time.RFC3339))
	}
	return i18n.M("plan.evidence.edge", e.Connections, e.Bytes)
}

// observedFlows adds the accepted edges between roles and from the
// internet to internet-facing load balancers' listener ports. Internet
// flows to anything else (SSH scanners, a database reached directly) are
// not needed: the proof lists them as intentionally dropped.
func (d *regionDesign) observedFlows(s *neededSet) {
	type internetAcc struct {
		addrs       map[string]bool
		connections int64
		bytes       int64
	}
	internet := map[flowKey]*internetAcc{}
	for _, e := range d.edges {
		if e.Action != "ACCEPT" {
			continue
		}
		dst := d.resourceOf(e.Dst)
		if dst == nil {
			continue
		}
		if e.Src.Kind == flows.KindInternet {
			if !dst.IsInternetFacingLoadBalancer() || !listensOn(dst, e.Protocol, e.Port) {
				continue
			}
			ep := d.endpointOf(dst)
			k := flowKey{"internet", ep.ResourceType + "/" + ep.ID, e.Protocol, e.Port}
			acc := internet[k]
			if acc == nil {
				acc = &internetAcc{addrs: map[string]bool{}}
				internet[k] = acc
				s.add(&NeededFlow{Src: internetEndpoint, Dst: ep, Protocol: e.Protocol, Port: e.Port, Basis: BasisFlowLogs}, nil, d.roleOf[dst])
			}
			acc.addrs[e.Src.ID] = true
			acc.connections += e.Connections
			acc.bytes += e.Bytes
			continue
		}
		src := d.resourceOf(e.Src)
		if src == nil {
			continue
		}
		n := &NeededFlow{Src: d.endpointOf(src), Dst: d.endpointOf(dst), Protocol: e.Protocol, Port: e.Port, Basis: BasisFlowLogs}
		n.setEvidence(edgeEvidence(e))
		s.add(n, d.roleOf[src], d.roleOf[dst])
	}
	for k, acc := range internet {
		key := flowKey{string(flows.KindInternet) + ":/" + internetEndpoint.ID, k.dst, k.proto, k.port}
		if f := s.flows[key]; f != nil {
			f.setEvidence(i18n.M("plan.evidence.internet", acc.connections, acc.bytes, len(acc.addrs)))
		}
	}
}

// listensOn reports whether the load balancer lb has a listener on
// (proto, port).
func listensOn(lb *model.Resource, proto string, port int32) bool {
	if lb.LoadBalancer == nil {
		return false
	}
	for _, l := range lb.LoadBalancer.Listeners {
		if int32(l.Port) != port {
			continue
		}
		for _, p := range l.IPProtocols() {
			if p.String() == proto {
				return true
			}
		}
	}
	return false
}

// wiringFlows adds what the load balancers' configuration implies: the
// internet to internet-facing listeners, and each load balancer to its
// targets on the target port (instances, the interfaces of ECS tasks,
// other load balancers; Lambda targets need no network path). They are
// needed even when flow logs show no traffic on them: health checks and
// failover use them.
func (d *regionDesign) wiringFlows(s *neededSet) {
	for _, v := range d.vpcs {
		for _, res := range v.resources {
			lb := res.LoadBalancer
			if lb == nil {
				continue
			}
			dst := d.endpointOf(res)
			if res.IsInternetFacingLoadBalancer() {
				for _, l := range lb.Listeners {
					for _, p := range l.IPProtocols() {
						if !d.internetOpen(res, p, l.Port) {
							// The plan never opens what is closed now.
							d.warn("plan.warning.closed-listener", l.Protocol, l.Port, res.ID)
							continue
						}
						n := &NeededFlow{Src: internetEndpoint, Dst: dst, Protocol: p.String(), Port: int32(l.Port), Basis: BasisInferred}
						n.setEvidence(i18n.M("plan.evidence.listener", l.Protocol, l.Port, res.ID))
						s.add(n, nil, d.roleOf[res])
					}
				}
			}
			for _, t := range d.targetsOf(res) {
				n := &NeededFlow{Src: dst, Dst: d.endpointOf(t.res), Protocol: t.proto, Port: int32(t.port), Basis: BasisInferred}
				n.setEvidence(t.why)
				s.add(n,
					d.roleOf[res], d.roleOf[t.res])
			}
		}
	}
}

// internetOpen reports whether the internet can reach the load balancer lb
// on (proto, port) now, by the reachability engine (AWS-SEMANTICS.md §6):
// a listener its groups or network ACLs close stays closed in the plan.
func (d *regionDesign) internetOpen(lb *model.Resource, proto model.Protocol, port int) bool {
	if !d.exposuresDone {
		d.exposures, d.exposuresDone = reach.InternetExposures(d.reg), true
	}
	for _, x := range d.exposures {
		if x.Resource != lb || x.Via != reach.ViaDirect {
			continue
		}
		if (x.Protocol == proto || x.Protocol == model.ProtocolAll) && port >= 0 && port <= 65535 && x.Ports.Contains(uint16(port)) {
			return true
		}
	}
	return false
}

// lbTarget is one target of a load balancer.
type lbTarget struct {
	res   *model.Resource
	proto string
	port  int
	why   i18n.Message
}

// targetsOf lists lb's targets: through its listeners' target groups (and
// the ECS services registering into them), or a classic load balancer's
// instances on each listener's instance port.
func (d *regionDesign) targetsOf(lbRes *model.Resource) []lbTarget {
	lb := lbRes.LoadBalancer
	var out []lbTarget
	if lb.Type == model.LBClassic {
		for _, l := range lb.Listeners {
			for _, id := range lb.InstanceIDs {
				if t := d.reg.Resource(model.KindInstance, id); t != nil && d.roleOf[t] != nil {
					out = append(out, lbTarget{t, "tcp", l.InstancePort, i18n.M("plan.evidence.classic", lb.Name, l.Port, l.InstancePort)})
				}
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, l := range lb.Listeners {
		for _, arn := range l.TargetGroupARNs {
			tg := d.reg.TargetGroup(arn)
			if tg == nil || seen[arn] {
				continue
			}
			seen[arn] = true
			proto := "tcp"
			if p := strings.ToUpper(tg.Protocol); p == "UDP" {
				proto = "udp"
			}
			why := i18n.M("plan.evidence.target-group", lb.Name, tg.Name, tg.Port)
			for _, t := range tg.Targets {
				port := cmp.Or(t.Port, tg.Port)
				var res *model.Resource
				switch tg.TargetType {
				case "", "instance":
					res = d.reg.Resource(model.KindInstance, t.ID)
				case "ip":
					res = d.resourceAt(t.ID)
				case "alb":
					for _, r := range d.reg.Resources {
						if r.LoadBalancer != nil && r.LoadBalancer.ARN == t.ID {
							res = r
						}
					}
				}
				if res != nil && d.roleOf[res] != nil {
					out = append(out, lbTarget{res, proto, port, why})
				}
			}
			for _, svc := range d.reg.ECSServices {
				if !slices.Contains(svc.LoadBalancerTargetGroups, arn) {
					continue
				}
				if res := d.reg.Resource(model.KindECSService, svc.ARN); res != nil && d.roleOf[res] != nil {
					out = append(out, lbTarget{res, proto, tg.Port, i18n.M("plan.evidence.ecs-service", why, svc.Name)})
				}
			}
		}
	}
	return out
}

// resourceAt is the planned resource holding the private address ip.
func (d *regionDesign) resourceAt(ip string) *model.Resource {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	if d.byAddr == nil {
		d.byAddr = map[netip.Addr]*model.Resource{}
		for _, e := range d.reg.ENIs {
			for _, p := range e.Addresses {
				if res := e.Owner.Resource; res != nil && d.roleOf[res] != nil && d.byAddr[p.Private] == nil {
					d.byAddr[p.Private] = res
				}
			}
		}
	}
	return d.byAddr[a.Unmap()]
}

// dataPort is the port a database or cache serves on.
func (d *regionDesign) dataPort(res *model.Resource) int {
	switch {
	case res.DB != nil:
		if res.DB.Port != 0 {
			return res.DB.Port
		}
		for _, c := range d.reg.DBClusters {
			if c.ID == res.DB.ClusterID && c.Port != 0 {
				return c.Port
			}
		}
		switch e := res.DB.Engine; {
		case strings.Contains(e, "postgres"):
			return 5432
		case strings.Contains(e, "sqlserver"):
			return 1433
		case strings.Contains(e, "oracle"):
			return 1521
		}
		return 3306
	case res.Cache != nil:
		if res.Cache.Port != 0 {
			return res.Cache.Port
		}
		if strings.Contains(res.Cache.Engine, "memcached") {
			return 11211
		}
		return 6379
	}
	return 0
}

// representative is the first interface of the role's members, for
// questions to the reachability engine: members share their groups, so
// one stands for all.
func representative(r *role) (*model.Resource, *model.ENI) {
	for _, m := range r.members {
		for _, e := range m.ENIs {
			if len(e.Addresses) > 0 {
				return m, e
			}
		}
	}
	return nil, nil
}

// dataReach adds, without flow logs, a flow from each compute role that
// the current configuration lets reach a database or cache of its VPC on
// its port (reach.Between, AWS-SEMANTICS.md §7). Load balancers and data
// tiers start no connections to databases, so only compute roles count;
// clients in other (peered) VPCs are named in the configuration.
func (d *regionDesign) dataReach(s *neededSet) {
	for _, v := range d.vpcs {
		for _, dr := range v.roles {
			if !dr.isData() {
				continue
			}
			dres, deni := representative(dr)
			if deni == nil {
				d.warn("plan.warning.no-interface", dr.name)
				continue
			}
			port := d.dataPort(dres)
			for _, cr := range v.roles {
				if !cr.isCompute() {
					continue
				}
				cres, ceni := representative(cr)
				if ceni == nil {
					continue
				}
				verdict, err := reach.Between(reach.Endpoint{ENI: ceni, Region: d.reg}, reach.Endpoint{ENI: deni, Region: d.reg}, model.ProtocolTCP, uint16(port))
				if err != nil || !verdict.Reachable {
					continue
				}
				n := &NeededFlow{Src: d.endpointOf(cres), Dst: d.endpointOf(dres), Protocol: "tcp", Port: int32(port), Basis: BasisInferred}
				n.setEvidence(i18n.M("plan.evidence.current-config", cr.name, dr.name, port))
				s.add(n, cr, dr)
			}
		}
	}
}

// configuredFlows adds Options.ExtraFlows between roles (or from the
// internet); flows to AWS services become endpoints (interfaceServices)
// and flows from the Client VPN become rules only (the proof cannot see a
// Client VPN endpoint).
func (d *regionDesign) configuredFlows(s *neededSet) {
	for i, f := range d.opts.ExtraFlows {
		if endpointServiceName(f.To, d.reg.Name) != "" {
			continue
		}
		dst := d.roleNamed(f.To)
		if dst == nil {
			continue
		}
		proto := cmp.Or(strings.ToLower(f.Protocol), "tcp")
		evidence := i18n.M("plan.evidence.configured")
		if f.Reason != "" {
			evidence = i18n.M("plan.evidence.configured-reason", f.Reason)
		}
		dres := dst.members[0]
		switch strings.ToLower(f.From) {
		case "internet":
			d.extraResolved[i] = true
			n := &NeededFlow{Src: internetEndpoint, Dst: d.endpointOf(dres), Protocol: proto, Port: int32(f.Port), Basis: BasisConfig}
			n.setEvidence(evidence)
			s.add(n, nil, dst)
			continue
		case "client-vpn":
			d.extraResolved[i] = true
			d.clientVPNFlows = append(d.clientVPNFlows, configuredVPN{dst, proto, f.Port, evidence})
			continue
		}
		src := d.roleNamed(f.From)
		if src == nil {
			continue
		}
		d.extraResolved[i] = true
		n := &NeededFlow{Src: d.endpointOf(src.members[0]), Dst: d.endpointOf(dres), Protocol: proto, Port: int32(f.Port), Basis: BasisConfig}
		n.setEvidence(evidence)
		s.add(n, src, dst)
	}
}

// configuredVPN is a configured flow from the Client VPN endpoint.
type configuredVPN struct {
	dst      *role
	proto    string
	port     int
	evidence i18n.Message
}
