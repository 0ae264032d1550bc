package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// flowLogFormat is the record format of the flow logs the plan turns on:
// the default fields, then those that decide a flow's direction exactly
// and name the original addresses behind a NAT gateway (docs/flows.md).
const flowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${tcp-flags} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction}"

// Interface endpoint services and why each is created.
var endpointWhy = map[string]string{
	"ssm":            "Session Manager replaces SSH: the SSM agent on the EC2 instances calls ssm",
	"ssmmessages":    "Session Manager's session channel (ssmmessages) for the EC2 instances",
	"ec2messages":    "the SSM agent's messages (ec2messages) for the EC2 instances",
	"ecr.api":        "Fargate tasks pull their images: the ECR API",
	"ecr.dkr":        "Fargate tasks pull their images: the ECR Docker registry (layers come from S3 through its gateway endpoint)",
	"logs":           "ECS tasks send their logs to CloudWatch Logs",
	"sts":            "the configuration names calls to STS",
	"secretsmanager": "the configuration names calls to Secrets Manager",
}

// plumb decides v's new subnets, route tables, NAT gateways, endpoints
// and flow log.
func (d *regionDesign) plumb(v *vpcDesign) error {
	vp := &VPCPlan{VPCID: v.vpc.ID, Name: v.vpc.Tags.Name(), CIDRs: []string{}, AZs: []string{}, PublicSubnets: []string{},
		Subnets: []*Subnet{}, RouteTables: []*RouteTable{}, NATGateways: []*NATGateway{}, Endpoints: []*Endpoint{}, Reasons: []string{}}
	v.plan = vp
	for _, c := range v.vpc.CIDRs {
		if c.Addr().Is4() {
			vp.CIDRs = append(vp.CIDRs, c.String())
		}
	}
	var vpcSubnets []*model.Subnet
	for _, s := range d.reg.Subnets {
		if s.VPCID == v.vpc.ID {
			vpcSubnets = append(vpcSubnets, s)
			if s.Public == model.Yes {
				vp.PublicSubnets = append(vp.PublicSubnets, s.ID)
			}
		}
	}
	sort.Slice(vpcSubnets, func(i, j int) bool { return vpcSubnets[i].ID < vpcSubnets[j].ID })
	sort.Strings(vp.PublicSubnets)
	if len(vp.PublicSubnets) > 0 {
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("The public subnets (%s) keep only the internet-facing load balancers and NAT gateways, and stop assigning public IPv4 addresses on launch.", strings.Join(vp.PublicSubnets, ", ")))
	}

	privateAZs, isolatedAZs := d.tierAZs(v, vpcSubnets)
	allAZs := slices.Concat(privateAZs, isolatedAZs)
	sort.Strings(allAZs)
	vp.AZs = slices.Compact(allAZs)

	// Existing subnets without a route to an internet gateway serve as a
	// tier of their AZ: one routing 0.0.0.0/0 to a NAT gateway is a
	// private subnet, one without a default route an isolated one.
	reusePrivate, reuseIsolated := map[string]*model.Subnet{}, map[string]*model.Subnet{}
	for _, s := range vpcSubnets {
		if s.Public != model.No || s.RouteTable == nil {
			continue
		}
		switch def := defaultRoute(s.RouteTable); {
		case def != nil && def.TargetKind == model.TargetNATGateway && !def.Blackhole:
			if reusePrivate[s.AZ] == nil {
				reusePrivate[s.AZ] = s
			}
		case def == nil:
			if reuseIsolated[s.AZ] == nil {
				reuseIsolated[s.AZ] = s
			}
		}
	}

	alloc := newCIDRAllocator(v.vpc, d.reg.Subnets, takenBlocks(d.reg))
	newSubnet := func(tier, az string) (*Subnet, error) {
		cidr, err := alloc.next()
		if err != nil {
			return nil, err
		}
		suffix := azSuffix(d.reg.Name, az)
		s := &Subnet{ID: v.placeholder("subnet", tier+"-"+suffix), Name: v.qual + tier + "-" + suffix, VPCID: v.vpc.ID, AZ: az, CIDR: cidr.String(), Tier: tier}
		vp.Subnets = append(vp.Subnets, s)
		return s, nil
	}
	// tier gives each AZ its subnet of the tier: an existing one that
	// serves (why says so), else a new one, returned.
	tier := func(name string, azs []string, reuse map[string]*model.Subnet, ids map[string]string, why string) ([]*Subnet, error) {
		var created []*Subnet
		for _, az := range azs {
			if s := reuse[az]; s != nil {
				ids[az] = s.ID
				v.reusedRouteTables = append(v.reusedRouteTables, s.RouteTable.ID)
				vp.Reasons = append(vp.Reasons, fmt.Sprintf("%s %s: it serves as the %s subnet of %s.", s.Label(), why, name, az))
				continue
			}
			s, err := newSubnet(name, az)
			if err != nil {
				return nil, err
			}
			ids[az] = s.ID
			created = append(created, s)
		}
		return created, nil
	}
	newPrivate, err := tier(TierPrivate, privateAZs, reusePrivate, v.privateSubnet, "is already private (0.0.0.0/0 goes to a NAT gateway)")
	if err != nil {
		return err
	}
	newIsolated, err := tier(TierIsolated, isolatedAZs, reuseIsolated, v.isolatedSubnet, "has no route out of the VPC")
	if err != nil {
		return err
	}
	if alloc.secondary.IsValid() {
		vp.SecondaryCIDR = alloc.secondary.String()
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("The VPC's blocks have no room for the new subnets: the secondary block %s is added (it overlaps no VPC of the region and no peered VPC).", vp.SecondaryCIDR))
	}
	if len(newPrivate)+len(newIsolated) > 0 {
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("New subnets are /%d blocks, the size most of the VPC's subnets have, taken from its free space lowest address first.", alloc.bits))
	}
	slices.Sort(v.reusedRouteTables)
	v.reusedRouteTables = slices.Compact(v.reusedRouteTables)

	nat := d.planNAT(v, vpcSubnets, newPrivate)
	copied := d.copiedRoutes(v)
	local := []Route{}
	for _, c := range alloc.cidrs {
		local = append(local, Route{Destination: c.String(), Target: "local"})
	}
	for _, s := range newPrivate {
		rt := &RouteTable{ID: v.placeholder("rtb", "private-"+azSuffix(d.reg.Name, s.AZ)), Name: s.Name, VPCID: v.vpc.ID, Subnets: []string{s.ID}}
		rt.Routes = append(slices.Clone(local), copied...)
		if target := nat[s.AZ]; target != "" {
			rt.Routes = append(rt.Routes, Route{Destination: "0.0.0.0/0", Target: target})
		}
		s.RouteTable = rt.ID
		vp.RouteTables = append(vp.RouteTables, rt)
	}
	if len(newIsolated) > 0 {
		rt := &RouteTable{ID: v.placeholder("rtb", "isolated"), Name: v.qual + "isolated", VPCID: v.vpc.ID, Routes: append(slices.Clone(local), copied...)}
		for _, s := range newIsolated {
			rt.Subnets = append(rt.Subnets, s.ID)
			s.RouteTable = rt.ID
		}
		vp.RouteTables = append(vp.RouteTables, rt)
		vp.Reasons = append(vp.Reasons, "Databases and caches go to isolated subnets with no route out of the VPC: they start no connections, and answers need no route of their own.")
	}
	for _, rt := range vp.RouteTables {
		v.newRouteTables = append(v.newRouteTables, rt.ID)
	}
	if len(copied) > 0 {
		var ds []string
		for _, r := range copied {
			ds = append(ds, r.Destination+" -> "+r.Target)
		}
		vp.Reasons = append(vp.Reasons, "The new route tables keep the routes to other networks of the tables the resources leave: "+strings.Join(ds, ", ")+".")
	}

	d.planEndpoints(v)
	d.planFlowLog(v)
	sort.Slice(vp.Subnets, func(i, j int) bool { return vp.Subnets[i].ID < vp.Subnets[j].ID })
	sort.Slice(vp.RouteTables, func(i, j int) bool { return vp.RouteTables[i].ID < vp.RouteTables[j].ID })
	sort.Slice(vp.NATGateways, func(i, j int) bool { return vp.NATGateways[i].ID < vp.NATGateways[j].ID })
	sort.Slice(vp.Endpoints, func(i, j int) bool { return vp.Endpoints[i].ID < vp.Endpoints[j].ID })
	return nil
}

// tierAZs are the AZs that need a private subnet (those of every
// resource of the private tier) and an isolated one (when a database or
// cache of the VPC moves: every AZ its subnets use, at least two, since a
// DB subnet group needs two; databases that stay where they are need
// none).
func (d *regionDesign) tierAZs(v *vpcDesign, vpcSubnets []*model.Subnet) (private, isolated []string) {
	hasData := false
	for _, res := range v.resources {
		switch d.placement[res].tier {
		case TierPrivate:
			private = append(private, d.azsOf(res)...)
		case TierIsolated:
			hasData = hasData || d.placement[res].moves
		}
	}
	sort.Strings(private)
	private = slices.Compact(private)
	if !hasData {
		return private, nil
	}
	for _, s := range vpcSubnets {
		if s.AZ != "" {
			isolated = append(isolated, s.AZ)
		}
	}
	sort.Strings(isolated)
	isolated = slices.Compact(isolated)
	if len(isolated) < 2 {
		// Borrow the region's next AZ from its other subnets.
		var region []string
		for _, s := range d.reg.Subnets {
			if s.AZ != "" && !slices.Contains(isolated, s.AZ) {
				region = append(region, s.AZ)
			}
		}
		sort.Strings(region)
		if len(region) > 0 {
			isolated = append(isolated, region[0])
			sort.Strings(isolated)
		} else {
			d.warn("plan.warning.one-az", v.vpc.ID)
		}
	}
	return private, isolated
}

// defaultRoute is the table's active 0.0.0.0/0 route, or nil.
func defaultRoute(rt *model.RouteTable) *model.Route {
	for i := range rt.Routes {
		r := &rt.Routes[i]
		if r.DestinationPrefixList == "" && r.Destination.IsValid() && r.Destination.Bits() == 0 && r.Destination.Addr().Is4() {
			return r
		}
	}
	return nil
}

// planNAT decides which NAT gateway serves each AZ with a new private
// subnet and adds the new ones; it returns the target of each AZ's
// 0.0.0.0/0 route. An existing NAT gateway in a public subnet of an AZ
// serves that AZ.
func (d *regionDesign) planNAT(v *vpcDesign, vpcSubnets []*model.Subnet, newPrivate []*Subnet) map[string]string {
	vp := v.plan
	target := map[string]string{}
	if len(newPrivate) == 0 {
		return target
	}
	publicByAZ := map[string]string{} // AZ → lowest public subnet ID
	for _, s := range vpcSubnets {
		if s.Public == model.Yes && publicByAZ[s.AZ] == "" {
			publicByAZ[s.AZ] = s.ID
		}
	}
	existing := map[string]string{} // AZ → lowest usable NAT gateway
	var existingIDs []string
	for _, n := range d.reg.NATGateways {
		s := d.reg.Subnet(n.SubnetID)
		if n.VPCID != v.vpc.ID || s == nil || s.Public != model.Yes || (n.ConnectivityType != "" && n.ConnectivityType != "public") ||
			(n.State != "" && n.State != "available") {
			continue
		}
		if existing[s.AZ] == "" || n.ID < existing[s.AZ] {
			existing[s.AZ] = n.ID
		}
		existingIDs = append(existingIDs, n.ID)
	}
	sort.Strings(existingIDs)
	var need []string
	for _, s := range newPrivate {
		need = append(need, s.AZ)
	}
	sort.Strings(need)
	if len(publicByAZ) == 0 && len(existingIDs) == 0 {
		d.warn("plan.warning.no-public-subnet", v.vpc.ID)
		vp.Reasons = append(vp.Reasons, "No subnet routes to an internet gateway, so no NAT gateway can be placed: the private subnets reach AWS services through the VPC endpoints only.")
		return target
	}
	// What each mode would add, for the cost comparison.
	for _, az := range need {
		if existing[az] == "" && publicByAZ[az] != "" {
			v.natPerAZ++
		}
	}
	if len(existingIDs) == 0 {
		v.natSingle = 1
	}
	newNAT := func(az string) *NATGateway {
		suffix := azSuffix(d.reg.Name, az)
		n := &NATGateway{ID: v.placeholder("nat", suffix), Subnet: publicByAZ[az], AZ: az, AllocationID: v.placeholder("eipalloc", suffix), Serves: []string{}}
		vp.NATGateways = append(vp.NATGateways, n)
		return n
	}
	serves := map[string]*NATGateway{}
	if d.opts.NAT == NATSingle {
		if len(existingIDs) > 0 {
			for _, az := range need {
				target[az] = existingIDs[0]
			}
			vp.Reasons = append(vp.Reasons, fmt.Sprintf("NAT (single): the existing NAT gateway %s serves every private subnet.", existingIDs[0]))
			return target
		}
		az := ""
		for _, a := range need {
			if publicByAZ[a] != "" {
				az = a
				break
			}
		}
		if az == "" {
			az = sortedKeys(publicByAZ)[0]
		}
		n := newNAT(az)
		n.Serves = need
		for _, a := range need {
			target[a] = n.ID
		}
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("NAT (single): one new NAT gateway %s in %s serves every private subnet; cheaper, but an outage of %s cuts the others off from the internet.", n.ID, publicByAZ[az], az))
		return target
	}
	var orphans []string
	for _, az := range need {
		switch {
		case existing[az] != "":
			target[az] = existing[az]
			vp.Reasons = append(vp.Reasons, fmt.Sprintf("NAT (per AZ): the existing NAT gateway %s serves %s.", existing[az], az))
		case publicByAZ[az] != "":
			n := newNAT(az)
			n.Serves = []string{az}
			serves[az] = n
			target[az] = n.ID
		default:
			orphans = append(orphans, az)
		}
	}
	if len(vp.NATGateways) > 0 {
		var ids []string
		for _, n := range vp.NATGateways {
			ids = append(ids, n.ID)
		}
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("NAT (per AZ): new NAT gateways %s, one in a public subnet of each AZ, each with a new Elastic IP; an AZ outage cuts off only that AZ.", strings.Join(ids, ", ")))
	}
	for _, az := range orphans {
		// No public subnet in this AZ: the first gateway serves it too.
		first := ""
		if len(vp.NATGateways) > 0 {
			first = vp.NATGateways[0].ID
			vp.NATGateways[0].Serves = append(vp.NATGateways[0].Serves, az)
		} else {
			first = existingIDs[0]
		}
		target[az] = first
		vp.Reasons = append(vp.Reasons, fmt.Sprintf("%s has no public subnet for a NAT gateway of its own: %s serves it.", az, first))
	}
	for _, n := range vp.NATGateways {
		sort.Strings(n.Serves)
	}
	return target
}

// copiedRoutes are the routes to other networks (peerings, transit and
// virtual private gateways, ...) of the route tables that the moving
// resources' subnets use: the new tables keep them, so nothing reachable
// today becomes unreachable. Routes to the internet, NAT gateways and
// gateway endpoints are not copied.
func (d *regionDesign) copiedRoutes(v *vpcDesign) []Route {
	tables := map[string]*model.RouteTable{}
	for _, res := range v.resources {
		if !d.placement[res].moves {
			continue
		}
		for _, id := range res.SubnetIDs {
			if s := d.reg.Subnet(id); s != nil && s.RouteTable != nil {
				tables[s.RouteTable.ID] = s.RouteTable
			}
		}
	}
	seen := map[string]bool{}
	var out []Route
	for _, id := range sortedKeys(tables) {
		for _, r := range tables[id].Routes {
			switch r.TargetKind {
			case model.TargetPeering, model.TargetTransitGateway, model.TargetVirtualPrivateGW, model.TargetLocalGateway, model.TargetCoreNetwork:
			default:
				continue
			}
			dest := r.DestinationString()
			if r.Blackhole || seen[dest] || dest == "0.0.0.0/0" {
				continue
			}
			seen[dest] = true
			out = append(out, Route{Destination: dest, Target: r.TargetID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Destination < out[j].Destination })
	return out
}

// planEndpoints adds the gateway endpoints for S3 and DynamoDB (free) on
// the new route tables, and the interface endpoints the VPC's resources
// need, unless the VPC has them already.
func (d *regionDesign) planEndpoints(v *vpcDesign) {
	vp := v.plan
	existing := map[string]*model.VPCEndpoint{}
	for _, ep := range d.reg.VPCEndpoints {
		if ep.VPCID == v.vpc.ID && !strings.EqualFold(ep.State, "deleted") && existing[ep.ServiceName] == nil {
			existing[ep.ServiceName] = ep
		}
	}
	service := func(s string) string { return "com.amazonaws." + d.reg.Name + "." + s }
	tables := slices.Concat(v.newRouteTables, v.reusedRouteTables)
	sort.Strings(tables)
	for _, s := range []string{"dynamodb", "s3"} {
		label := map[string]string{"dynamodb": "DynamoDB", "s3": "S3"}[s]
		if len(tables) == 0 {
			break
		}
		if ep := existing[service(s)]; ep != nil {
			var missing []string
			for _, t := range tables {
				if !slices.Contains(ep.RouteTableIDs, t) {
					missing = append(missing, t)
				}
			}
			if len(missing) == 0 {
				vp.Reasons = append(vp.Reasons, fmt.Sprintf("The VPC's %s endpoint %s already serves the private and isolated route tables.", label, ep.ID))
				continue
			}
			vp.Reasons = append(vp.Reasons, fmt.Sprintf("The VPC already has the %s endpoint %s: associate it with the route tables %s too.", label, ep.ID, strings.Join(missing, ", ")))
			d.warn("plan.warning.associate-endpoint", v.vpc.ID, label, ep.ID, strings.Join(missing, ", "))
			continue
		}
		vp.Endpoints = append(vp.Endpoints, &Endpoint{
			ID: v.placeholder("vpce", s), Service: service(s), Type: "Gateway", RouteTables: tables,
			Reason: fmt.Sprintf("%s traffic from the private and isolated subnets goes through a gateway endpoint, which is free, rather than the NAT gateway, which charges per GB.", label),
		})
	}

	wanted := d.interfaceServices(v)
	var subnets []string
	for _, az := range sortedKeys(v.privateSubnet) {
		subnets = append(subnets, v.privateSubnet[az])
	}
	for _, s := range sortedKeys(wanted) {
		if ep := existing[service(s)]; ep != nil {
			vp.Reasons = append(vp.Reasons, fmt.Sprintf("The VPC already has the %s endpoint %s: it is kept.", s, ep.ID))
			continue
		}
		if len(subnets) == 0 {
			d.warn("plan.warning.no-endpoint-subnet", v.vpc.ID, s)
			continue
		}
		vp.Endpoints = append(vp.Endpoints, &Endpoint{
			ID: v.placeholder("vpce", strings.ReplaceAll(s, ".", "-")), Service: service(s), Type: "Interface",
			Subnets: subnets, Groups: []string{v.placeholder("sg", "endpoints")}, PrivateDNS: true, Reason: wanted[s],
		})
	}
}

// interfaceServices are the interface endpoints v's resources need, with
// why: Session Manager's three for EC2 instances, ECR and CloudWatch Logs
// for ECS (Lambda logs through its own service, so it needs none), and
// the services configured flows name (STS, Secrets Manager). Flow logs
// cannot show calls to STS or Secrets Manager: they name AWS addresses by
// the coarse service of AWS's published ranges ("AMAZON", "EC2"), so only
// the configuration asks for those endpoints.
func (d *regionDesign) interfaceServices(v *vpcDesign) map[string]string {
	out := map[string]string{}
	for _, res := range v.resources {
		switch res.Kind {
		case model.KindInstance:
			for _, s := range []string{"ssm", "ssmmessages", "ec2messages"} {
				out[s] = endpointWhy[s]
			}
		case model.KindECSService, model.KindECSTask:
			for _, s := range []string{"ecr.api", "ecr.dkr", "logs"} {
				out[s] = endpointWhy[s]
			}
		}
	}
	for i, f := range d.opts.ExtraFlows {
		s := endpointServiceName(f.To, d.reg.Name)
		if s == "" {
			continue
		}
		if from := d.roleNamed(f.From); from != nil && from.vpc == v {
			d.extraResolved[i] = true
			why := endpointWhy[s]
			if why == "" {
				why = "the configuration names calls to " + s
			}
			if f.Reason != "" {
				why += " (" + f.Reason + ")"
			}
			out[s] = why
		}
	}
	return out
}

// endpointServiceName is the interface endpoint service a configured
// flow's "to" names ("sts", "com.amazonaws.REGION.sts"), or "".
func endpointServiceName(to, region string) string {
	s := strings.TrimPrefix(to, "com.amazonaws."+region+".")
	if _, ok := endpointWhy[s]; ok {
		return s
	}
	return ""
}

// planFlowLog turns on a flow log for a VPC that has no active one
// capturing the whole VPC: the subtractive steps are checked against it.
func (d *regionDesign) planFlowLog(v *vpcDesign) {
	for _, f := range d.reg.FlowLogs {
		if f.ResourceID == v.vpc.ID && f.Active() && !f.DeliveryFailed() && (f.TrafficType == "" || strings.EqualFold(f.TrafficType, "ALL")) {
			v.plan.Reasons = append(v.plan.Reasons, fmt.Sprintf("The flow log %s already captures all of the VPC's traffic: the steps are checked against it.", f.ID))
			return
		}
	}
	v.plan.FlowLog = &FlowLog{
		ID:          "fl-new-" + v.vpc.ID,
		Destination: "arn:aws:s3:::vpc-flow-logs-" + strings.ToLower(d.reg.Account),
		Format:      flowLogFormat,
	}
	v.plan.Reasons = append(v.plan.Reasons, "The VPC has no flow log capturing all its traffic: one is turned on (to S3, with TCP flags and the original addresses), because every subtractive step is checked for new REJECTs in it.")
}
