package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// subnetInfo is a subnet of the target, existing or new.
type subnetInfo struct {
	ID    string
	VPCID string
	AZ    string
	CIDR  netip.Prefix
	// arrivals and departures count the interfaces the migration moves
	// into and out of the subnet, for AvailableIpAddressCount.
	arrivals, departures int
}

// ifacePlacement is where one interface ends up.
type ifacePlacement struct {
	eniID string
	eni   *model.ENI // nil for a new interface
	// groups replace the interface's groups; nil keeps them (an NLB
	// without groups cannot get any, AWS-SEMANTICS.md §8).
	groups []string
	// subnet is the interface's new subnet, "" when it stays.
	subnet string
	// addrs are the new private addresses, primary first, when it moves;
	// addrMap maps each old private address to its new one.
	addrs   []netip.Addr
	addrMap map[string]string
	// dropPublic: the interface loses its public addresses (a moved
	// interface always does: public addresses do not follow an interface
	// to a private subnet).
	dropPublic bool
}

// newENI is an interface of a new object: a NAT gateway's, or an interface
// endpoint's in one of its subnets.
type newENI struct {
	*ifacePlacement
	owner string // nat-new-1a, vpce-new-ssm
	kind  string // "nat_gateway" or "vpc_endpoint"
	vpcID string
}

func (t *regionTarget) indexSubnets() error {
	t.subnets = map[string]*subnetInfo{}
	for _, s := range t.reg.Subnets {
		if t.subnets[s.ID] == nil {
			t.subnets[s.ID] = &subnetInfo{ID: s.ID, VPCID: s.VPCID, AZ: s.AZ, CIDR: s.CIDR}
		}
	}
	for _, v := range t.rp.VPCs {
		for _, s := range v.Subnets {
			pf, err := netip.ParsePrefix(s.CIDR)
			if err != nil || !pf.Addr().Is4() {
				return fmt.Errorf("plan subnet %s: %q is not an IPv4 CIDR block", s.ID, s.CIDR)
			}
			if t.subnets[s.ID] != nil {
				return fmt.Errorf("plan subnet %s: the ID is already in use", s.ID)
			}
			vpc := s.VPCID
			if vpc == "" {
				vpc = v.VPCID
			}
			t.subnets[s.ID] = &subnetInfo{ID: s.ID, VPCID: vpc, AZ: s.AZ, CIDR: pf.Masked()}
		}
	}
	return nil
}

// indexMoves joins each move to its resource. A move of an ECS task is
// carried out with its service (the tasks follow the service's network
// configuration); a task whose service has no move moves the service's
// interfaces, and a task outside any service moves its own. Moves of
// resources the snapshot does not hold are ignored.
func (t *regionTarget) indexMoves() {
	moves := slices.Clone(t.rp.Moves)
	sort.SliceStable(moves, func(i, j int) bool {
		if moves[i].Kind != moves[j].Kind {
			return moves[i].Kind < moves[j].Kind
		}
		return moves[i].Resource < moves[j].Resource
	})
	var tasks []*Move
	for _, m := range moves {
		if m.Kind == string(model.KindECSTask) {
			tasks = append(tasks, m)
			continue
		}
		res := t.reg.Resource(model.ResourceKind(m.Kind), m.Resource)
		if res == nil {
			continue
		}
		t.addMove(&resourceMove{Move: m, res: res})
	}
	for _, m := range tasks {
		svc := t.serviceOfTask(m.Resource)
		if svc == nil {
			// A task outside any service (run-task) moves its own
			// interfaces.
			if res := t.reg.Resource(model.KindECSTask, m.Resource); res != nil {
				t.addMove(&resourceMove{Move: m, res: res})
			}
			continue
		}
		if t.moveOf[string(svc.Kind)+"/"+svc.ID] != nil {
			continue
		}
		t.addMove(&resourceMove{Move: m, res: svc})
	}
}

func (t *regionTarget) addMove(rm *resourceMove) {
	key := string(rm.res.Kind) + "/" + rm.res.ID
	if t.moveOf[key] != nil {
		return
	}
	t.moveOf[key] = rm
	t.moves = append(t.moves, rm)
}

func (t *regionTarget) serviceOfTask(arn string) *model.Resource {
	for _, res := range t.reg.Resources {
		if res.Kind == model.KindECSService && res.ECS != nil && slices.Contains(res.ECS.TaskARNs, arn) {
			return res
		}
	}
	return nil
}

// move returns the move of the resource of kind with id, or nil.
func (t *regionTarget) move(kind model.ResourceKind, id string) *resourceMove {
	return t.moveOf[string(kind)+"/"+id]
}

// relocates reports whether the move takes the resource to other subnets.
func (m *resourceMove) relocates() bool {
	if len(m.ToSubnets) == 0 {
		return false
	}
	from := m.FromSubnets
	if len(from) == 0 {
		from = m.res.SubnetIDs
	}
	return !slices.Equal(sortedUnique(m.ToSubnets), sortedUnique(from))
}

// place decides where every interface of a moved resource goes and which
// interfaces the new objects get, then gives each interface placed in a
// subnet its addresses.
func (t *regionTarget) place() error {
	for _, m := range t.moves {
		enis := append(slices.Clone(m.res.ENIs), m.res.MaybeENIs...)
		for i, e := range enis {
			if t.placed[e.ID] != nil {
				continue
			}
			p := &ifacePlacement{eniID: e.ID, eni: e, dropPublic: m.DropsPublicIP}
			if len(m.NewGroups) > 0 {
				p.groups = slices.Clone(m.NewGroups)
			}
			if len(m.ToSubnets) > 0 && !slices.Contains(m.ToSubnets, e.SubnetID) {
				az := e.AZ
				if s := t.subnets[e.SubnetID]; s != nil {
					az = s.AZ
				}
				p.subnet = t.pickSubnet(m.ToSubnets, az, i)
				p.dropPublic = true
			}
			t.placed[e.ID] = p
		}
	}
	for _, v := range t.rp.VPCs {
		for _, n := range v.NATGateways {
			t.addNewENI(n.ID, n.Subnet, "nat_gateway", v.VPCID, nil)
		}
		for _, ep := range v.Endpoints {
			if !strings.EqualFold(ep.Type, "Interface") {
				continue
			}
			for _, s := range ep.Subnets {
				t.addNewENI(ep.ID, s, "vpc_endpoint", v.VPCID, ep.Groups)
			}
		}
	}
	return t.assignAddresses()
}

// pickSubnet chooses, among a move's subnets, the one in the interface's
// AZ (resources keep their AZ), else the i-th, round robin.
func (t *regionTarget) pickSubnet(to []string, az string, i int) string {
	for _, id := range to {
		if s := t.subnets[id]; s != nil && s.AZ == az {
			return id
		}
	}
	return to[i%len(to)]
}

func (t *regionTarget) addNewENI(owner, subnet, kind, vpcID string, groups []string) {
	az := ""
	if s := t.subnets[subnet]; s != nil {
		az = s.AZ
	}
	id := newENIID(owner, azSuffix(t.reg.Name, az))
	if t.placed[id] != nil {
		return
	}
	p := &ifacePlacement{eniID: id, subnet: subnet, groups: slices.Clone(groups)}
	t.placed[id] = p
	t.newENIs = append(t.newENIs, &newENI{ifacePlacement: p, owner: owner, kind: kind, vpcID: vpcID})
}

// newENIID names a new object's interface: "eni-new-" and the owner's
// placeholder without "-new-", with the AZ suffix unless the owner's ID
// ends with it (nat-new-1a → eni-new-nat-1a, vpce-new-ssm in 1c →
// eni-new-vpce-ssm-1c).
func newENIID(owner, az string) string {
	body := strings.Replace(owner, "-new-", "-", 1)
	if az != "" && !strings.HasSuffix(body, "-"+az) {
		body += "-" + az
	}
	return "eni-new-" + body
}

// assignAddresses gives the interfaces placed in each subnet their
// addresses: in order of interface ID, from the subnet's network address +
// 10 up, skipping addresses that interfaces staying in the subnet use
// (AWS reserves the first four and the last address of every subnet).
func (t *regionTarget) assignAddresses() error {
	bySubnet := map[string][]*ifacePlacement{}
	for _, p := range t.placed {
		if p.subnet != "" {
			bySubnet[p.subnet] = append(bySubnet[p.subnet], p)
		}
	}
	used := map[string]map[netip.Addr]bool{}
	for _, e := range t.reg.ENIs {
		if p := t.placed[e.ID]; p != nil && p.subnet != "" {
			if s := t.subnets[e.SubnetID]; s != nil {
				s.departures++
			}
			continue
		}
		if used[e.SubnetID] == nil {
			used[e.SubnetID] = map[netip.Addr]bool{}
		}
		for _, a := range e.Addresses {
			used[e.SubnetID][a.Private] = true
		}
	}
	for _, id := range sortedKeys(bySubnet) {
		s := t.subnets[id]
		if s == nil || !s.CIDR.IsValid() {
			return fmt.Errorf("subnet %s: the plan places interfaces there, but neither the snapshot nor the plan gives its IPv4 CIDR block", id)
		}
		ps := bySubnet[id]
		sort.Slice(ps, func(i, j int) bool { return ps[i].eniID < ps[j].eniID })
		next := s.CIDR.Addr()
		for range 10 {
			next = next.Next()
		}
		last := lastAddr(s.CIDR)
		for _, p := range ps {
			n := 1
			if p.eni != nil && len(p.eni.Addresses) > n {
				n = len(p.eni.Addresses)
			}
			p.addrMap = map[string]string{}
			for k := 0; k < n; k++ {
				for used[id][next] {
					next = next.Next()
				}
				if !s.CIDR.Contains(next) || next == last {
					return fmt.Errorf("subnet %s (%s) has no room for %s", id, s.CIDR, p.eniID)
				}
				p.addrs = append(p.addrs, next)
				if p.eni != nil && k < len(p.eni.Addresses) {
					p.addrMap[p.eni.Addresses[k].Private.String()] = next.String()
				}
				next = next.Next()
			}
			s.arrivals++
		}
	}
	return nil
}

// lastAddr is the prefix's last (broadcast) address.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		bits := min(host, 8)
		a[i] |= byte(1<<bits - 1)
		host -= bits
	}
	return netip.AddrFrom4(a)
}

// azOf returns the AZ of a subnet of the target, or "".
func (t *regionTarget) azOf(subnet string) string {
	if s := t.subnets[subnet]; s != nil {
		return s.AZ
	}
	return ""
}

// subnetGroupSubnets returns the subnets of a new DB or cache subnet
// group: the subnets the moves naming it go to, and, when those span
// fewer than two AZs (a DB subnet group needs two), the isolated subnets
// of the VPC.
func (t *regionTarget) subnetGroupSubnets(name, vpcID string) []string {
	if t.subnetGrp == nil {
		t.subnetGrp = map[string][]string{}
	}
	if s, ok := t.subnetGrp[name]; ok {
		return s
	}
	var ids []string
	for _, m := range t.moves {
		if m.SubnetGroup == name {
			ids = append(ids, m.ToSubnets...)
		}
	}
	azs := map[string]bool{}
	for _, id := range ids {
		azs[t.azOf(id)] = true
	}
	if len(azs) < 2 {
		for _, v := range t.rp.VPCs {
			if v.VPCID != vpcID {
				continue
			}
			for _, s := range v.Subnets {
				if s.Tier == TierIsolated {
					ids = append(ids, s.ID)
				}
			}
		}
	}
	sort.Strings(ids)
	ids = slices.Compact(ids)
	t.subnetGrp[name] = ids
	return ids
}

// groupRefs is a list of groups as EC2 prints them on interfaces,
// instances and endpoints: GroupId and GroupName.
func (t *regionTarget) groupRefs(ids []string) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, map[string]any{"GroupId": id, "GroupName": t.groupName[id]})
	}
	return out
}

// privateDNSName is EC2's private host name of an address:
// ip-10-0-10-11.ap-northeast-1.compute.internal (ec2.internal in
// us-east-1).
func privateDNSName(region string, a netip.Addr) string {
	host := "ip-" + strings.ReplaceAll(a.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

// renameDNS rewrites a private DNS name that names old to name new, and
// leaves other names (custom resource names) as they are.
func renameDNS(name, old, new string) string {
	from := "ip-" + strings.ReplaceAll(old, ".", "-") + "."
	to := "ip-" + strings.ReplaceAll(new, ".", "-") + "."
	if strings.HasPrefix(name, from) {
		return to + strings.TrimPrefix(name, from)
	}
	return name
}
