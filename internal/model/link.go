package model

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// index holds lookups built by Link. Maps keep the first object of each ID;
// duplicates are reported as notes.
type index struct {
	vpc     map[string]*VPC
	subnet  map[string]*Subnet
	rt      map[string]*RouteTable
	igw     map[string]*InternetGateway
	sg      map[string]*SecurityGroup
	eni     map[string]*ENI
	pl      map[string]*PrefixList
	nacl    map[string]*NetworkACL
	tg      map[string]*TargetGroup
	res     map[ResourceKind]map[string]*Resource
	lbByARN map[string]*Resource
	linked  bool
}

// VPC returns the VPC with id, or nil.
func (r *Region) VPC(id string) *VPC { return r.idx.vpc[id] }

// Subnet returns the subnet with id, or nil.
func (r *Region) Subnet(id string) *Subnet { return r.idx.subnet[id] }

// SecurityGroup returns the group with id, or nil.
func (r *Region) SecurityGroup(id string) *SecurityGroup { return r.idx.sg[id] }

// ENI returns the interface with id (the first, if the data holds several
// with one ID), or nil.
func (r *Region) ENI(id string) *ENI { return r.idx.eni[id] }

// PrefixList returns the prefix list with id, or nil.
func (r *Region) PrefixList(id string) *PrefixList { return r.idx.pl[id] }

// TargetGroup returns the target group with ARN arn, or nil.
func (r *Region) TargetGroup(arn string) *TargetGroup { return r.idx.tg[arn] }

// Resource returns the resource of kind with ID id, or nil.
func (r *Region) Resource(kind ResourceKind, id string) *Resource { return r.idx.res[kind][id] }

// Note records an oddity.
func (r *Region) Note(subject, format string, args ...any) {
	r.Notes = append(r.Notes, Note{Subject: subject, Text: fmt.Sprintf(format, args...)})
}

// Link joins what a source put in the region: it indexes every object,
// reconciles interfaces described by the ENI list with those described by
// their resources, attributes every ENI to its owner (AWS-SEMANTICS.md §1),
// decides which subnets are public (§4), records which resources carry each
// security group, and derives roles. Call it once, after the source is done.
func (r *Region) Link() {
	if r.idx.linked {
		panic("model: Region.Link called twice")
	}
	r.idx.linked = true
	r.buildIndex()
	r.reconcileENIs()
	r.foldECSServices()
	r.attributeENIs()
	r.resolveSubnets()
	r.collectResourceNetworks()
	r.attachGroups()
	r.deriveRoles()
	r.sortAll()
}

func indexByID[T any](r *Region, what string, items []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		k := id(it)
		if _, dup := m[k]; dup {
			r.Note(k, "%s %s appears more than once in the data; the first description is used", what, k)
			continue
		}
		m[k] = it
	}
	return m
}

func (r *Region) buildIndex() {
	x := &r.idx
	x.vpc = indexByID(r, "VPC", r.VPCs, func(v *VPC) string { return v.ID })
	x.subnet = indexByID(r, "subnet", r.Subnets, func(v *Subnet) string { return v.ID })
	x.rt = indexByID(r, "route table", r.RouteTables, func(v *RouteTable) string { return v.ID })
	x.igw = indexByID(r, "internet gateway", r.InternetGateways, func(v *InternetGateway) string { return v.ID })
	x.sg = indexByID(r, "security group", r.SecurityGroups, func(v *SecurityGroup) string { return v.ID })
	x.eni = indexByID(r, "network interface", r.ENIs, func(v *ENI) string { return v.ID })
	x.pl = indexByID(r, "prefix list", r.PrefixLists, func(v *PrefixList) string { return v.ID })
	x.nacl = indexByID(r, "network ACL", r.NetworkACLs, func(v *NetworkACL) string { return v.ID })
	x.tg = indexByID(r, "target group", r.TargetGroups, func(v *TargetGroup) string { return v.ARN })
	x.res = map[ResourceKind]map[string]*Resource{}
	x.lbByARN = map[string]*Resource{}
	for _, res := range r.Resources {
		m := x.res[res.Kind]
		if m == nil {
			m = map[string]*Resource{}
			x.res[res.Kind] = m
		}
		if _, dup := m[res.ID]; dup {
			r.Note(res.ID, "%s %s appears more than once in the data; both are kept", res.Kind.Noun(), res.ID)
			continue
		}
		m[res.ID] = res
		if res.Kind == KindLoadBalancer && res.ARN != "" {
			x.lbByARN[res.ARN] = res
		}
	}
}

func (r *Region) addResource(res *Resource) {
	r.Resources = append(r.Resources, res)
	m := r.idx.res[res.Kind]
	if m == nil {
		m = map[string]*Resource{}
		r.idx.res[res.Kind] = m
	}
	if _, ok := m[res.ID]; !ok {
		m[res.ID] = res
	}
}

// reconcileENIs replaces each interface a resource described itself (an
// instance's NetworkInterfaces, a task's attachment, a NAT gateway's
// addresses) with the ENI list's description of the same interface. When
// the ENI list lacks it, the resource's own description is kept and added
// to the region. When several resources claim one ENI ID that the list
// lacks (CloudMapper's demo account has three instances on one ID), each
// keeps its own description and a note says so.
func (r *Region) reconcileENIs() {
	claims := map[string][]*Resource{}
	takenBy := map[*ENI]*Resource{}
	for _, res := range r.Resources {
		for i, stub := range res.ENIs {
			claims[stub.ID] = append(claims[stub.ID], res)
			listed := r.idx.eni[stub.ID]
			if listed != nil && listed.Origin == string(CallNetworkInterfaces) {
				if other := takenBy[listed]; other != nil && other != res {
					// Another resource already holds the listed description.
					r.ENIs = append(r.ENIs, stub)
					continue
				}
				if res.Kind == KindInstance && listed.InstanceID != "" && listed.InstanceID != res.ID {
					r.Note(stub.ID, "%s says it is attached to %s, but %s also lists it; %s keeps its own description", stub.ID, listed.InstanceID, res.ID, res.ID)
					r.ENIs = append(r.ENIs, stub)
					continue
				}
				mergeENI(listed, stub)
				res.ENIs[i] = listed
				takenBy[listed] = res
				continue
			}
			r.ENIs = append(r.ENIs, stub)
			if listed == nil {
				r.idx.eni[stub.ID] = stub
			}
		}
	}
	ids := make([]string, 0, len(claims))
	for id := range claims {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	listKnown := r.Coverage.Has(CallNetworkInterfaces)
	for _, id := range ids {
		var names []string
		inList := false
		for _, res := range claims[id] {
			names = append(names, res.Kind.Noun()+" "+res.ID)
			for _, e := range res.ENIs {
				if e.ID == id && e.Origin == string(CallNetworkInterfaces) {
					inList = true
				}
			}
		}
		names = sortedUnique(names)
		switch {
		case len(names) > 1:
			r.Note(id, "network interface %s is claimed by %d resources (%s); each keeps its own description of it", id, len(names), strings.Join(names, ", "))
		case listKnown && !inList:
			r.Note(id, "%s is described by %s but is not in %s; that description is used", id, names[0], CallNetworkInterfaces)
		}
	}
}

func allSame(rs []*Resource) bool {
	for _, x := range rs[1:] {
		if x != rs[0] {
			return false
		}
	}
	return true
}

// mergeENI fills fields the ENI list left empty from a resource's own
// description of the interface.
func mergeENI(dst, src *ENI) {
	if dst.SubnetID == "" {
		dst.SubnetID = src.SubnetID
	}
	if dst.VPCID == "" {
		dst.VPCID = src.VPCID
	}
	if len(dst.Addresses) == 0 {
		dst.Addresses = src.Addresses
	}
	if len(dst.SecurityGroupIDs) == 0 {
		dst.SecurityGroupIDs = src.SecurityGroupIDs
	}
}

// foldECSServices turns each ECS service into one resource holding its
// tasks' interfaces: the service is what an SRE changes (update-service),
// so it is what findings name. Tasks of services that describe-services did
// not cover are grouped by their "service:NAME" group; tasks outside any
// service stay resources of their own.
func (r *Region) foldECSServices() {
	services := map[string]*Resource{} // cluster + "/" + name
	var order []string
	for _, svc := range r.ECSServices {
		key := svc.Cluster + "/" + svc.Name
		if _, dup := services[key]; dup {
			continue
		}
		res := &Resource{
			Kind: KindECSService, ID: svc.ARN, Name: svc.Name, ARN: svc.ARN,
			SubnetIDs: slices.Clone(svc.SubnetIDs), SecurityGroupIDs: slices.Clone(svc.SecurityGroupIDs),
			Tags: svc.Tags,
			ECS:  &ECSInfo{Cluster: svc.Cluster, Service: svc.Name, LaunchType: svc.LaunchType, AssignPublicIP: svc.AssignPublicIP},
		}
		if res.ID == "" {
			res.ID = key
		}
		services[key] = res
		order = append(order, key)
	}
	var keep []*Resource
	for _, res := range r.Resources {
		if res.Kind != KindECSTask || res.ECS == nil || res.ECS.Service == "" {
			keep = append(keep, res)
			continue
		}
		key := res.ECS.Cluster + "/" + res.ECS.Service
		svc := services[key]
		if svc == nil {
			svc = &Resource{
				Kind: KindECSService, ID: key, Name: res.ECS.Service,
				ECS: &ECSInfo{Cluster: res.ECS.Cluster, Service: res.ECS.Service, LaunchType: res.ECS.LaunchType},
			}
			services[key] = svc
			order = append(order, key)
		}
		svc.ECS.TaskARNs = append(svc.ECS.TaskARNs, res.ID)
		// A task interface that the ENI list lacks carries the service's
		// groups: describe-tasks does not name them, the service does.
		for _, e := range res.ENIs {
			if len(e.SecurityGroupIDs) == 0 {
				e.SecurityGroupIDs = slices.Clone(svc.SecurityGroupIDs)
			}
			if s := r.idx.subnet[e.SubnetID]; e.VPCID == "" && s != nil {
				e.VPCID = s.VPCID
			}
		}
		svc.ENIs = append(svc.ENIs, res.ENIs...)
		svc.SubnetIDs = append(svc.SubnetIDs, res.SubnetIDs...)
		svc.SecurityGroupIDs = append(svc.SecurityGroupIDs, res.SecurityGroupIDs...)
		if svc.VPCID == "" {
			svc.VPCID = res.VPCID
		}
		delete(r.idx.res[KindECSTask], res.ID)
	}
	r.Resources = keep
	for _, key := range order {
		r.addResource(services[key])
	}
}

var (
	lambdaENIDesc  = regexp.MustCompile(`^AWS Lambda VPC ENI-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	natENIDesc     = regexp.MustCompile(`^Interface for NAT Gateway (nat-[0-9a-f]+)`)
	vpceENIDesc    = regexp.MustCompile(`^VPC Endpoint Interface (vpce-[0-9a-f]+)`)
	elbv2ENIDesc   = regexp.MustCompile(`^ELB ((?:app|net|gwy)/[^/]+/[0-9a-f]+)$`)
	classicENIDesc = regexp.MustCompile(`^ELB ([^/ ]+)$`)
	cacheENIDesc   = regexp.MustCompile(`^ElastiCache (\S+)$`)
)

// attributeENIs decides each interface's owner (AWS-SEMANTICS.md §1) and
// adds interfaces to the resources that own them.
func (r *Region) attributeENIs() {
	owned := map[*ENI]bool{}
	for _, res := range r.Resources {
		for _, e := range res.ENIs {
			owned[e] = true
			e.Owner = Owner{Kind: ownerKindOf(res.Kind), ID: res.ID, Resource: res, Basis: "described by the resource"}
		}
	}
	for _, e := range r.ENIs {
		if owned[e] {
			continue
		}
		e.Owner = r.classifyENI(e)
		if res := e.Owner.Resource; res != nil {
			res.ENIs = append(res.ENIs, e)
		}
		for _, c := range e.Owner.Candidates {
			c.MaybeENIs = append(c.MaybeENIs, e)
		}
	}
}

func ownerKindOf(k ResourceKind) OwnerKind {
	switch k {
	case KindInstance:
		return OwnerInstance
	case KindLoadBalancer:
		return OwnerLoadBalancer
	case KindDBInstance:
		return OwnerRDS
	case KindCacheCluster:
		return OwnerElastiCache
	case KindLambda:
		return OwnerLambda
	case KindECSService, KindECSTask:
		return OwnerECSTask
	case KindNATGateway:
		return OwnerNATGateway
	case KindVPCEndpoint:
		return OwnerVPCEndpoint
	}
	return OwnerUnknown
}

func (r *Region) classifyENI(e *ENI) Owner {
	known := func(kind OwnerKind, rk ResourceKind, id, basis string) Owner {
		o := Owner{Kind: kind, ID: id, Basis: basis, Resource: r.idx.res[rk][id]}
		return o
	}
	d := e.Description
	switch {
	case IsECSAttachmentDescription(d):
		// Before Attachment.InstanceId: an awsvpc task on EC2 has its
		// interface attached to the container instance.
		return Owner{Kind: OwnerECSTask, ID: d, Basis: "Description (task not in describe-tasks)"}
	case e.InstanceID != "":
		return known(OwnerInstance, KindInstance, e.InstanceID, "Attachment.InstanceId")
	case e.InterfaceType == "nat_gateway" || natENIDesc.MatchString(d):
		id := ""
		if m := natENIDesc.FindStringSubmatch(d); m != nil {
			id = m[1]
		}
		return known(OwnerNATGateway, KindNATGateway, id, "InterfaceType/Description")
	case e.InterfaceType == "vpc_endpoint" || vpceENIDesc.MatchString(d):
		id := ""
		if m := vpceENIDesc.FindStringSubmatch(d); m != nil {
			id = m[1]
		}
		return known(OwnerVPCEndpoint, KindVPCEndpoint, id, "InterfaceType/Description")
	case e.InterfaceType == "lambda" || strings.HasPrefix(d, "AWS Lambda VPC ENI"):
		return r.lambdaOwner(e)
	case elbv2ENIDesc.MatchString(d):
		suffix := elbv2ENIDesc.FindStringSubmatch(d)[1]
		for arn, lb := range r.idx.lbByARN {
			if strings.HasSuffix(arn, "/"+suffix) {
				return Owner{Kind: OwnerLoadBalancer, ID: lb.ID, Resource: lb, Basis: "Description"}
			}
		}
		return Owner{Kind: OwnerLoadBalancer, ID: strings.Split(suffix, "/")[1], Basis: "Description"}
	case e.InterfaceType == "network_load_balancer" || e.InterfaceType == "gateway_load_balancer":
		return Owner{Kind: OwnerLoadBalancer, Basis: "InterfaceType"}
	case (e.RequesterID == "amazon-elb" || strings.HasPrefix(d, "ELB ")) && classicENIDesc.MatchString(d):
		name := classicENIDesc.FindStringSubmatch(d)[1]
		return known(OwnerLoadBalancer, KindLoadBalancer, name, "Description")
	case d == "RDSNetworkInterface" || e.RequesterID == "amazon-rds":
		return r.rdsOwner(e)
	case cacheENIDesc.MatchString(d):
		return known(OwnerElastiCache, KindCacheCluster, cacheENIDesc.FindStringSubmatch(d)[1], "Description")
	case e.RequesterManaged:
		return Owner{Kind: OwnerOtherAWS, ID: d, Basis: "RequesterManaged"}
	case e.Status == "available":
		return Owner{Kind: OwnerUnattached, Basis: "Status available"}
	}
	return Owner{Kind: OwnerUnknown, ID: d, Basis: "no owner marker"}
}

func (r *Region) lambdaOwner(e *ENI) Owner {
	// Hyperplane ENIs are shared by every function with the same subnet and
	// security groups: those functions all send through it.
	var sharers []*Resource
	for _, fn := range r.idx.res[KindLambda] {
		if slices.Contains(fn.SubnetIDs, e.SubnetID) && sameSet(fn.SecurityGroupIDs, e.SecurityGroupIDs) {
			sharers = append(sharers, fn)
		}
	}
	sort.Slice(sharers, func(i, j int) bool { return sharers[i].ID < sharers[j].ID })
	if m := lambdaENIDesc.FindStringSubmatch(e.Description); m != nil {
		fn := r.idx.res[KindLambda][m[1]]
		if fn == nil {
			return Owner{Kind: OwnerLambda, ID: m[1], Basis: "Description"}
		}
		// The description names the function that created it; the others
		// with the same subnet and groups share it.
		var others []*Resource
		for _, o := range sharers {
			if o != fn {
				others = append(others, o)
			}
		}
		return Owner{Kind: OwnerLambda, ID: fn.ID, Resource: fn, Candidates: others, Basis: "Description"}
	}
	return r.decide(OwnerLambda, sharers, "subnet and security groups")
}

// rdsOwner attributes an "RDSNetworkInterface": AWS does not name the DB
// instance, so the owner is the DB instance whose groups equal the
// interface's, whose subnet group holds its subnet, and which agrees on AZ
// and on having a public address. Ties stay ambiguous.
func (r *Region) rdsOwner(e *ENI) Owner {
	var cands []*Resource
	for _, db := range r.idx.res[KindDBInstance] {
		if db.VPCID != "" && e.VPCID != "" && db.VPCID != e.VPCID {
			continue
		}
		if !sameSet(db.SecurityGroupIDs, e.SecurityGroupIDs) {
			continue
		}
		if len(db.SubnetIDs) > 0 && !slices.Contains(db.SubnetIDs, e.SubnetID) {
			continue
		}
		cands = append(cands, db)
	}
	narrow := func(keep func(*Resource) bool) {
		var out []*Resource
		for _, c := range cands {
			if keep(c) {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			cands = out
		}
	}
	if len(cands) > 1 && e.AZ != "" {
		narrow(func(db *Resource) bool { return db.DB != nil && db.DB.AZ == e.AZ })
	}
	if len(cands) > 1 {
		public := len(e.PublicIPs()) > 0
		narrow(func(db *Resource) bool { return db.DB != nil && db.DB.PubliclyAccessible == public })
	}
	return r.decide(OwnerRDS, cands, "security groups, subnet group, AZ and public address")
}

func (r *Region) decide(kind OwnerKind, cands []*Resource, basis string) Owner {
	sort.Slice(cands, func(i, j int) bool { return cands[i].ID < cands[j].ID })
	switch len(cands) {
	case 0:
		return Owner{Kind: kind, Basis: basis + " (no match)"}
	case 1:
		return Owner{Kind: kind, ID: cands[0].ID, Resource: cands[0], Basis: basis}
	}
	return Owner{Kind: kind, Candidates: cands, Basis: basis + " (ambiguous)"}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(x, y)
}

// resolveSubnets gives each subnet its route table and network ACL and
// decides whether it is public: its route table has an active route to an
// internet gateway attached to its VPC (AWS-SEMANTICS.md §4).
func (r *Region) resolveSubnets() {
	main := map[string]*RouteTable{}
	explicit := map[string]*RouteTable{}
	for _, rt := range r.RouteTables {
		if rt.Main {
			main[rt.VPCID] = rt
		}
		for _, s := range rt.SubnetIDs {
			explicit[s] = rt
		}
	}
	naclOf := map[string]*NetworkACL{}
	for _, n := range r.NetworkACLs {
		for _, s := range n.SubnetIDs {
			naclOf[s] = n
		}
	}
	igwKnown := r.Coverage.Has(CallInternetGateways)
	for _, s := range r.Subnets {
		s.NetworkACL = naclOf[s.ID]
		if !r.Coverage.Has(CallRouteTables) {
			continue
		}
		rt := explicit[s.ID]
		if rt == nil {
			rt = main[s.VPCID]
		}
		if rt == nil {
			r.Note(s.ID, "subnet %s has no route table association and its VPC has no main route table in the data; whether it is public is unknown", s.ID)
			continue
		}
		s.RouteTable = rt
		s.Public = No
		for i := range rt.Routes {
			rte := &rt.Routes[i]
			if rte.TargetKind != TargetInternetGateway || rte.Blackhole {
				continue
			}
			igw := r.idx.igw[rte.TargetID]
			switch {
			case igwKnown && igw == nil:
				// An active route can only name an attached gateway; the
				// list disagrees with the route table, so over-approximate.
				r.Note(rte.TargetID, "route table %s routes %s to %s, which is not in %s; the route is taken as usable", rt.ID, rte.DestinationString(), rte.TargetID, CallInternetGateways)
			case igwKnown && !igw.AttachedTo(s.VPCID):
				continue
			}
			s.Public = Yes
			s.PublicRoute = rte
			break
		}
	}
}

// collectResourceNetworks completes each resource's subnets, groups and VPC
// from its interfaces.
func (r *Region) collectResourceNetworks() {
	for _, res := range r.Resources {
		for _, e := range res.ENIs {
			if e.SubnetID != "" {
				res.SubnetIDs = append(res.SubnetIDs, e.SubnetID)
			}
			res.SecurityGroupIDs = append(res.SecurityGroupIDs, e.SecurityGroupIDs...)
			if res.VPCID == "" {
				res.VPCID = e.VPCID
			}
		}
		if res.VPCID == "" {
			for _, id := range res.SubnetIDs {
				if s := r.idx.subnet[id]; s != nil {
					res.VPCID = s.VPCID
					break
				}
			}
		}
		res.SubnetIDs = sortedUnique(res.SubnetIDs)
		res.SecurityGroupIDs = sortedUnique(res.SecurityGroupIDs)
	}
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}

// attachGroups records, on each security group, the interfaces and resources
// that carry it, and notes groups referenced but absent from the data.
func (r *Region) attachGroups() {
	sgKnown := r.Coverage.Has(CallSecurityGroups)
	missing := map[string][]string{}
	for _, e := range r.ENIs {
		for _, id := range sortedUnique(e.SecurityGroupIDs) {
			if g := r.idx.sg[id]; g != nil {
				g.ENIs = append(g.ENIs, e)
			} else if sgKnown {
				missing[id] = append(missing[id], e.ID)
			}
		}
	}
	for _, res := range r.Resources {
		for _, id := range res.SecurityGroupIDs {
			if g := r.idx.sg[id]; g != nil {
				g.Resources = append(g.Resources, res)
			} else if sgKnown {
				missing[id] = append(missing[id], res.ID)
			}
		}
	}
	ids := make([]string, 0, len(missing))
	for id := range missing {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		users := sortedUnique(missing[id])
		r.Note(id, "security group %s is used by %s but is not in %s", id, strings.Join(users, ", "), CallSecurityGroups)
	}
}

func (r *Region) sortAll() {
	sort.SliceStable(r.Resources, func(i, j int) bool {
		a, b := r.Resources[i], r.Resources[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.ID < b.ID
	})
	for _, g := range r.SecurityGroups {
		sort.SliceStable(g.Resources, func(i, j int) bool {
			a, b := g.Resources[i], g.Resources[j]
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			return a.ID < b.ID
		})
		sort.SliceStable(g.ENIs, func(i, j int) bool { return g.ENIs[i].ID < g.ENIs[j].ID })
	}
	sort.SliceStable(r.Notes, func(i, j int) bool {
		if r.Notes[i].Subject != r.Notes[j].Subject {
			return r.Notes[i].Subject < r.Notes[j].Subject
		}
		return r.Notes[i].Text < r.Notes[j].Text
	})
	r.Notes = slices.Compact(r.Notes)
	r.Coverage.Sort()
}

// IsECSAttachmentDescription reports whether an ENI description is the ARN
// of an ECS task attachment ("arn:aws:ecs:REGION:ACCOUNT:attachment/ID"),
// which marks an awsvpc task's interface (AWS-SEMANTICS.md §1).
func IsECSAttachmentDescription(d string) bool {
	return strings.HasPrefix(d, "arn:aws") && strings.Contains(d, ":ecs:") && strings.Contains(d, ":attachment/")
}
