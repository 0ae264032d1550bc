package snapshot

import (
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// load reads every call of the region and links the result.
func (r *regionReader) load() {
	reg := r.region
	r.prefetch()
	defer r.drain()
	r.vpcs()
	r.subnets()
	r.routeTables()
	r.internetGateways()
	r.egressOnlyGateways()
	r.natGateways()
	r.networkACLs()
	r.securityGroups()
	r.prefixLists()
	r.networkInterfaces()
	r.instances()
	r.vpcEndpoints()
	r.peerings()
	r.flowLogs()
	r.loadBalancers()
	r.targetGroups()
	r.classicLoadBalancers()
	r.dbInstances()
	r.dbClusters()
	r.cacheClusters()
	r.lambdas()
	r.ecs()
	if len(r.errs) > 0 {
		return
	}
	reg.Link()
}

// conv converts one file's values, recording each bad value as an
// error at its position.
type conv struct {
	r   *regionReader
	f   file
	loc *locator // made at the first bad value
}

func (r *regionReader) conv(f file) *conv { return &conv{r: r, f: f} }

func (c *conv) fail(p jsonPath, format string, args ...any) {
	if c.loc == nil {
		c.loc = newLocator(c.f.bytes())
	}
	c.r.errs = append(c.r.errs, c.loc.valueError(c.f.path, p, format, args...))
}

// prefix parses a CIDR; an empty string gives an invalid prefix and no error.
func (c *conv) prefix(p jsonPath, s string) (netip.Prefix, bool) {
	if s == "" {
		return netip.Prefix{}, false
	}
	pf, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		c.fail(p, "%q is not a CIDR block such as 10.0.0.0/16", s)
		return netip.Prefix{}, false
	}
	return pf.Masked(), true
}

// addr parses an IP address; an empty string gives an invalid address.
func (c *conv) addr(p jsonPath, s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		c.fail(p, "%q is not an IP address", s)
		return netip.Addr{}
	}
	return a
}

func (c *conv) protocol(p jsonPath, s string) (model.Protocol, bool) {
	pr, err := model.ParseProtocol(s)
	if err != nil {
		c.fail(p, "%v", err)
		return 0, false
	}
	return pr, true
}

func tagsOf(ts []tag) model.Tags {
	if len(ts) == 0 {
		return nil
	}
	m := make(model.Tags, len(ts))
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

func ecsTagsOf(ts []ecsTag) model.Tags {
	if len(ts) == 0 {
		return nil
	}
	m := make(model.Tags, len(ts))
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

// noteOwner remembers an owner ID seen in the data, for an account whose
// ID no file names. Instances and security groups are always the account's
// own; a VPC may be shared from another account, so its owner counts only
// when nothing else names one.
func (r *regionReader) noteOwner(id string) {
	if r.ownerID == "" && len(id) == 12 {
		r.ownerID = id
	}
}

func (r *regionReader) noteVPCOwner(id string) {
	if r.vpcOwnerID == "" && len(id) == 12 {
		r.vpcOwnerID = id
	}
}

func (r *regionReader) vpcs() {
	var v describeVpcs
	f, ok := r.readRegional(model.CallVPCs, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.Vpcs {
		p := jsonPath{"Vpcs", i}
		vpc := &model.VPC{ID: s.VpcId, OwnerID: s.OwnerId, IsDefault: s.IsDefault, Tags: tagsOf(s.Tags)}
		r.noteVPCOwner(s.OwnerId)
		seen := map[netip.Prefix]bool{}
		add := func(pf netip.Prefix, ok bool) {
			if ok && !seen[pf] {
				seen[pf] = true
				vpc.CIDRs = append(vpc.CIDRs, pf)
			}
		}
		add(c.prefix(p.key("CidrBlock"), s.CidrBlock))
		for j, a := range s.CidrBlockAssociationSet {
			if a.CidrBlockState != nil && !associated(a.CidrBlockState.State) {
				continue
			}
			add(c.prefix(p.key("CidrBlockAssociationSet").at(j).key("CidrBlock"), a.CidrBlock))
		}
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlockState != nil && !associated(a.Ipv6CidrBlockState.State) {
				continue
			}
			add(c.prefix(p.key("Ipv6CidrBlockAssociationSet").at(j).key("Ipv6CidrBlock"), a.Ipv6CidrBlock))
		}
		r.region.VPCs = append(r.region.VPCs, vpc)
	}
}

// associated reports whether a CIDR association state means the block is in
// use ("associated", or "associating" which is about to be).
func associated(state string) bool {
	return state == "associated" || state == "associating" || state == ""
}

func (r *regionReader) subnets() {
	var v describeSubnets
	f, ok := r.readRegional(model.CallSubnets, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.Subnets {
		p := jsonPath{"Subnets", i}
		sn := &model.Subnet{ID: s.SubnetId, VPCID: s.VpcId, AZ: s.AvailabilityZone, MapPublicIPOnLaunch: s.MapPublicIpOnLaunch, Tags: tagsOf(s.Tags)}
		sn.CIDR, _ = c.prefix(p.key("CidrBlock"), s.CidrBlock)
		for j, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlockState != nil && !associated(a.Ipv6CidrBlockState.State) {
				continue
			}
			if pf, ok := c.prefix(p.key("Ipv6CidrBlockAssociationSet").at(j).key("Ipv6CidrBlock"), a.Ipv6CidrBlock); ok {
				sn.IPv6CIDRs = append(sn.IPv6CIDRs, pf)
			}
		}
		r.region.Subnets = append(r.region.Subnets, sn)
	}
}

func (r *regionReader) routeTables() {
	var v describeRouteTables
	f, ok := r.readRegional(model.CallRouteTables, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.RouteTables {
		p := jsonPath{"RouteTables", i}
		rt := &model.RouteTable{ID: s.RouteTableId, VPCID: s.VpcId, Tags: tagsOf(s.Tags)}
		for _, a := range s.Associations {
			if a.AssociationState != nil && a.AssociationState.State != "" && a.AssociationState.State != "associated" {
				continue
			}
			switch {
			case a.Main:
				rt.Main = true
			case a.SubnetId != "":
				rt.SubnetIDs = append(rt.SubnetIDs, a.SubnetId)
			case a.GatewayId != "":
				rt.GatewayIDs = append(rt.GatewayIDs, a.GatewayId)
			}
		}
		for j, s := range s.Routes {
			rp := p.key("Routes").at(j)
			rte := model.Route{Origin: s.Origin, Blackhole: s.State == "blackhole"}
			switch {
			case s.DestinationCidrBlock != "":
				rte.Destination, ok = c.prefix(rp.key("DestinationCidrBlock"), s.DestinationCidrBlock)
			case s.DestinationIpv6CidrBlock != "":
				rte.Destination, ok = c.prefix(rp.key("DestinationIpv6CidrBlock"), s.DestinationIpv6CidrBlock)
			case s.DestinationPrefixListId != "":
				rte.DestinationPrefixList, ok = s.DestinationPrefixListId, true
			default:
				c.fail(rp, "a route needs DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId")
				ok = false
			}
			if !ok {
				continue
			}
			rte.TargetKind, rte.TargetID = routeTarget(s)
			rt.Routes = append(rt.Routes, rte)
		}
		r.region.RouteTables = append(r.region.RouteTables, rt)
	}
}

// routeTarget names a route's target (AWS-SEMANTICS.md §4). GatewayId holds
// "local", igw-, vgw- and gateway-endpoint vpce- targets alike.
func routeTarget(s routeShape) (model.RouteTargetKind, string) {
	switch {
	case s.NatGatewayId != "":
		return model.TargetNATGateway, s.NatGatewayId
	case s.TransitGatewayId != "":
		return model.TargetTransitGateway, s.TransitGatewayId
	case s.VpcPeeringConnectionId != "":
		return model.TargetPeering, s.VpcPeeringConnectionId
	case s.EgressOnlyInternetGatewayId != "":
		return model.TargetEgressOnlyGateway, s.EgressOnlyInternetGatewayId
	case s.LocalGatewayId != "":
		return model.TargetLocalGateway, s.LocalGatewayId
	case s.CarrierGatewayId != "":
		return model.TargetCarrierGateway, s.CarrierGatewayId
	case s.CoreNetworkArn != "":
		return model.TargetCoreNetwork, s.CoreNetworkArn
	case s.NetworkInterfaceId != "":
		return model.TargetNetworkInterface, s.NetworkInterfaceId
	case s.InstanceId != "":
		return model.TargetInstance, s.InstanceId
	}
	g := s.GatewayId
	switch {
	case g == "local":
		return model.TargetLocal, g
	case strings.HasPrefix(g, "igw-"):
		return model.TargetInternetGateway, g
	case strings.HasPrefix(g, "vgw-"):
		return model.TargetVirtualPrivateGW, g
	case strings.HasPrefix(g, "vpce-"):
		return model.TargetGatewayEndpoint, g
	case strings.HasPrefix(g, "eigw-"):
		return model.TargetEgressOnlyGateway, g
	case strings.HasPrefix(g, "nat-"):
		return model.TargetNATGateway, g
	}
	return model.TargetUnknown, g
}

func attachedVPCs(as []igwAttachment) []string {
	var out []string
	for _, a := range as {
		if a.State == "available" || a.State == "attached" {
			out = append(out, a.VpcId)
		}
	}
	return out
}

func (r *regionReader) internetGateways() {
	var v describeInternetGateways
	_, ok := r.readRegional(model.CallInternetGateways, &v)
	if !ok {
		return
	}
	for _, s := range *v.InternetGateways {
		r.region.InternetGateways = append(r.region.InternetGateways, &model.InternetGateway{ID: s.InternetGatewayId, Attached: attachedVPCs(s.Attachments), Tags: tagsOf(s.Tags)})
	}
}

func (r *regionReader) egressOnlyGateways() {
	var v describeEgressOnlyInternetGateways
	_, ok := r.readRegional(model.CallEgressOnlyIGWs, &v)
	if !ok {
		return
	}
	for _, s := range *v.EgressOnlyInternetGateways {
		r.region.EgressOnlyInternetGateways = append(r.region.EgressOnlyInternetGateways, &model.EgressOnlyInternetGateway{ID: s.EgressOnlyInternetGatewayId, Attached: attachedVPCs(s.Attachments), Tags: tagsOf(s.Tags)})
	}
}

func (r *regionReader) natGateways() {
	var v describeNatGateways
	f, ok := r.readRegional(model.CallNATGateways, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.NatGateways {
		if s.State == "deleted" || s.State == "failed" {
			continue
		}
		p := jsonPath{"NatGateways", i}
		ng := &model.NATGateway{ID: s.NatGatewayId, VPCID: s.VpcId, SubnetID: s.SubnetId, State: s.State, ConnectivityType: s.ConnectivityType, Tags: tagsOf(s.Tags)}
		if ng.ConnectivityType == "" {
			ng.ConnectivityType = "public"
		}
		res := &model.Resource{Kind: model.KindNATGateway, ID: s.NatGatewayId, Name: ng.Tags.Name(), VPCID: s.VpcId, SubnetIDs: []string{s.SubnetId}, Tags: ng.Tags}
		for j, a := range s.NatGatewayAddresses {
			ap := p.key("NatGatewayAddresses").at(j)
			priv := c.addr(ap.key("PrivateIp"), a.PrivateIp)
			pub := c.addr(ap.key("PublicIp"), a.PublicIp)
			if priv.IsValid() {
				ng.PrivateIPs = append(ng.PrivateIPs, priv)
			}
			if pub.IsValid() {
				ng.PublicIPs = append(ng.PublicIPs, pub)
			}
			if a.NetworkInterfaceId == "" {
				continue
			}
			ng.ENIIDs = append(ng.ENIIDs, a.NetworkInterfaceId)
			stub := &model.ENI{ID: a.NetworkInterfaceId, VPCID: s.VpcId, SubnetID: s.SubnetId, InterfaceType: "nat_gateway", Origin: string(model.CallNATGateways)}
			if priv.IsValid() {
				stub.Addresses = []model.AddressPair{{Private: priv, Public: pub}}
			}
			res.ENIs = append(res.ENIs, stub)
		}
		r.region.NATGateways = append(r.region.NATGateways, ng)
		r.region.Resources = append(r.region.Resources, res)
	}
}

func (r *regionReader) networkACLs() {
	var v describeNetworkAcls
	f, ok := r.readRegional(model.CallNetworkACLs, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.NetworkAcls {
		p := jsonPath{"NetworkAcls", i}
		n := &model.NetworkACL{ID: s.NetworkAclId, VPCID: s.VpcId, IsDefault: s.IsDefault, Tags: tagsOf(s.Tags)}
		for _, a := range s.Associations {
			n.SubnetIDs = append(n.SubnetIDs, a.SubnetId)
		}
		for j, e := range s.Entries {
			ep := p.key("Entries").at(j)
			// Users number rules 1-32766; AWS lists the default "*" rules
			// as 32767 (IPv4) and 32768 (IPv6, in VPCs with IPv6 blocks).
			if e.RuleNumber == nil || *e.RuleNumber < 1 || *e.RuleNumber > 32768 {
				c.fail(ep.key("RuleNumber"), "want a rule number 1-32766, or 32767/32768 for the default rules")
				continue
			}
			proto, ok := c.protocol(ep.key("Protocol"), e.Protocol)
			if !ok {
				continue
			}
			ent := model.NACLEntry{RuleNumber: int(*e.RuleNumber), Egress: e.Egress, Protocol: proto, Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}}
			switch strings.ToLower(e.RuleAction) {
			case "allow":
				ent.Allow = true
			case "deny":
			default:
				c.fail(ep.key("RuleAction"), "%q: want allow or deny", e.RuleAction)
				continue
			}
			if e.CidrBlock != "" {
				ent.CIDR, ok = c.prefix(ep.key("CidrBlock"), e.CidrBlock)
			} else {
				ent.CIDR, ok = c.prefix(ep.key("Ipv6CidrBlock"), e.Ipv6CidrBlock)
			}
			if !ok {
				if e.CidrBlock == "" && e.Ipv6CidrBlock == "" {
					c.fail(ep, "a network ACL entry needs CidrBlock or Ipv6CidrBlock")
				}
				continue
			}
			if proto.HasPorts() && e.PortRange != nil {
				pr, err := model.PortRangeFromAWS(e.PortRange.From, e.PortRange.To)
				if err != nil {
					c.fail(ep.key("PortRange"), "%v", err)
					continue
				}
				ent.Ports = pr
			}
			if proto.IsICMP() && e.IcmpTypeCode != nil {
				ent.ICMP = icmpMatch(e.IcmpTypeCode.Type, e.IcmpTypeCode.Code)
			}
			n.Entries = append(n.Entries, ent)
		}
		sort.SliceStable(n.Entries, func(a, b int) bool {
			x, y := n.Entries[a], n.Entries[b]
			if x.Egress != y.Egress {
				return !x.Egress
			}
			return x.RuleNumber < y.RuleNumber
		})
		r.region.NetworkACLs = append(r.region.NetworkACLs, n)
	}
}

func icmpMatch(t, c *int64) model.ICMPMatch {
	m := model.ICMPMatch{Type: -1, Code: -1}
	if t != nil && *t >= 0 && *t <= 255 {
		m.Type = int16(*t)
	}
	if c != nil && *c >= 0 && *c <= 255 {
		m.Code = int16(*c)
	}
	return m
}

func (r *regionReader) securityGroups() {
	var v describeSecurityGroups
	f, ok := r.readRegional(model.CallSecurityGroups, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.SecurityGroups {
		p := jsonPath{"SecurityGroups", i}
		g := &model.SecurityGroup{ID: s.GroupId, Name: s.GroupName, Description: s.Description, VPCID: s.VpcId, OwnerID: s.OwnerId, Tags: tagsOf(s.Tags)}
		r.noteOwner(s.OwnerId)
		g.Ingress = c.rules(p.key("IpPermissions"), s.GroupId, model.Ingress, s.IpPermissions)
		g.Egress = c.rules(p.key("IpPermissionsEgress"), s.GroupId, model.Egress, s.IpPermissionsEgress)
		r.region.SecurityGroups = append(r.region.SecurityGroups, g)
	}
}

// rules flattens AWS rule objects into one Rule per (protocol, ports, peer)
// (AWS-SEMANTICS.md §2).
func (c *conv) rules(p jsonPath, groupID string, dir model.Direction, perms []ipPermission) []model.Rule {
	var out []model.Rule
	for i, perm := range perms {
		pp := p.at(i)
		proto, ok := c.protocol(pp.key("IpProtocol"), perm.IpProtocol)
		if !ok {
			continue
		}
		base := model.Rule{GroupID: groupID, Direction: dir, Protocol: proto, Ports: model.AllPorts, ICMP: model.ICMPMatch{Type: -1, Code: -1}}
		switch {
		case proto.HasPorts():
			pr, err := model.PortRangeFromAWS(perm.FromPort, perm.ToPort)
			if err != nil {
				c.fail(pp.key("FromPort"), "%v", err)
				continue
			}
			base.Ports = pr
		case proto.IsICMP():
			base.ICMP = icmpMatch(perm.FromPort, perm.ToPort)
		}
		for j, x := range perm.IpRanges {
			if pf, ok := c.prefix(pp.key("IpRanges").at(j).key("CidrIp"), x.CidrIp); ok {
				r := base
				r.Peer, r.Description = model.Peer{Kind: model.PeerCIDR, CIDR: pf}, x.Description
				out = append(out, r)
			}
		}
		for j, x := range perm.Ipv6Ranges {
			if pf, ok := c.prefix(pp.key("Ipv6Ranges").at(j).key("CidrIpv6"), x.CidrIpv6); ok {
				r := base
				r.Peer, r.Description = model.Peer{Kind: model.PeerCIDR, CIDR: pf}, x.Description
				out = append(out, r)
			}
		}
		for _, x := range perm.PrefixListIds {
			r := base
			r.Peer, r.Description = model.Peer{Kind: model.PeerPrefixList, PrefixListID: x.PrefixListId}, x.Description
			out = append(out, r)
		}
		for _, x := range perm.UserIdGroupPairs {
			r := base
			r.Peer = model.Peer{Kind: model.PeerGroup, GroupID: x.GroupId, UserID: x.UserId, VPCID: x.VpcId, PeeringID: x.VpcPeeringConnectionId}
			r.Description = x.Description
			out = append(out, r)
		}
	}
	return out
}

func (r *regionReader) prefixLists() {
	var v describeManagedPrefixLists
	_, ok := r.readRegional(model.CallManagedPrefixLists, &v)
	if !ok {
		return
	}
	files, _ := r.perResource(model.CallPrefixListEntries)
	for _, s := range *v.PrefixLists {
		pl := &model.PrefixList{ID: s.PrefixListId, Name: s.PrefixListName, OwnerID: s.OwnerId, AddressFamily: s.AddressFamily}
		readPerResource(r, model.CallPrefixListEntries, files, s.PrefixListId, func(f file, e *getManagedPrefixListEntries) {
			c := r.conv(f)
			// Entries on pages the file lacks are unknown: treat the list
			// as not collected rather than as holding only these.
			pl.EntriesKnown = e.NextToken == ""
			for i, x := range *e.Entries {
				if pf, ok := c.prefix(jsonPath{"Entries", i, "Cidr"}, x.Cidr); ok {
					pl.Entries = append(pl.Entries, pf)
				}
			}
		})
		r.region.PrefixLists = append(r.region.PrefixLists, pl)
	}
}

// addresses converts an interface's private addresses and their public
// associations, primary first.
func (c *conv) addresses(p jsonPath, primary string, primaryAssoc *eniAssociation, list []struct {
	PrivateIpAddress string
	Primary          bool
	Association      *eniAssociation
}) []model.AddressPair {
	var out []model.AddressPair
	seen := map[netip.Addr]bool{}
	for i, a := range list {
		ap := p.key("PrivateIpAddresses").at(i)
		priv := c.addr(ap.key("PrivateIpAddress"), a.PrivateIpAddress)
		if !priv.IsValid() || seen[priv] {
			continue
		}
		seen[priv] = true
		pair := model.AddressPair{Private: priv}
		if a.Association != nil {
			pair.Public = c.addr(ap.key("Association").key("PublicIp"), a.Association.PublicIp)
		}
		if a.Primary {
			out = append([]model.AddressPair{pair}, out...)
		} else {
			out = append(out, pair)
		}
	}
	priv := c.addr(p.key("PrivateIpAddress"), primary)
	var public netip.Addr
	if primaryAssoc != nil && priv.IsValid() {
		public = c.addr(p.key("Association").key("PublicIp"), primaryAssoc.PublicIp)
	}
	switch {
	case priv.IsValid() && !seen[priv]:
		out = append([]model.AddressPair{{Private: priv, Public: public}}, out...)
	case public.IsValid():
		// The interface's own Association is its primary address's public
		// address; some producers (moto among them) give it there only, not
		// in the PrivateIpAddresses entry. Without it the interface's
		// exposure would be missed (AWS-SEMANTICS.md §5.1).
		for i := range out {
			if out[i].Private == priv && !out[i].Public.IsValid() {
				out[i].Public = public
			}
		}
	}
	return out
}

func groupIDs(gs []groupIdentifier) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.GroupId)
	}
	return out
}

func (r *regionReader) networkInterfaces() {
	var v describeNetworkInterfaces
	f, ok := r.readRegional(model.CallNetworkInterfaces, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.NetworkInterfaces {
		p := jsonPath{"NetworkInterfaces", i}
		e := &model.ENI{
			ID: s.NetworkInterfaceId, VPCID: s.VpcId, SubnetID: s.SubnetId, AZ: s.AvailabilityZone,
			InterfaceType: s.InterfaceType, Description: s.Description, RequesterID: s.RequesterId,
			RequesterManaged: s.RequesterManaged, Status: s.Status, SourceDestCheck: s.SourceDestCheck == nil || *s.SourceDestCheck,
			SecurityGroupIDs: groupIDs(s.Groups), Tags: tagsOf(s.TagSet), Origin: string(model.CallNetworkInterfaces),
		}
		if s.Attachment != nil {
			e.InstanceID = s.Attachment.InstanceId
		}
		e.Addresses = c.addresses(p, s.PrivateIpAddress, s.Association, s.PrivateIpAddresses)
		for j, a := range s.Ipv6Addresses {
			if ip := c.addr(p.key("Ipv6Addresses").at(j).key("Ipv6Address"), a.Ipv6Address); ip.IsValid() {
				e.IPv6 = append(e.IPv6, ip)
			}
		}
		for j, x := range s.Ipv4Prefixes {
			if pf, ok := c.prefix(p.key("Ipv4Prefixes").at(j).key("Ipv4Prefix"), x.Ipv4Prefix); ok {
				e.Prefixes = append(e.Prefixes, pf)
			}
		}
		for j, x := range s.Ipv6Prefixes {
			if pf, ok := c.prefix(p.key("Ipv6Prefixes").at(j).key("Ipv6Prefix"), x.Ipv6Prefix); ok {
				e.Prefixes = append(e.Prefixes, pf)
			}
		}
		r.region.ENIs = append(r.region.ENIs, e)
	}
}

func (r *regionReader) instances() {
	var v describeInstances
	f, ok := r.readRegional(model.CallInstances, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, res := range *v.Reservations {
		r.noteOwner(res.OwnerId)
		for j, s := range res.Instances {
			p := jsonPath{"Reservations", i, "Instances", j}
			state := ""
			if s.State != nil {
				state = s.State.Name
			}
			if state == "terminated" || state == "shutting-down" {
				continue
			}
			tags := tagsOf(s.Tags)
			info := &model.InstanceInfo{State: state, InstanceType: s.InstanceType, PublicIP: s.PublicIpAddress, ImageID: s.ImageId, KeyName: s.KeyName, AutoScalingGroup: tags["aws:autoscaling:groupName"]}
			if s.IamInstanceProfile != nil {
				info.InstanceProfile = s.IamInstanceProfile.Arn
			}
			inst := &model.Resource{Kind: model.KindInstance, ID: s.InstanceId, Name: tags.Name(), VPCID: s.VpcId, Tags: tags, Instance: info, SecurityGroupIDs: groupIDs(s.SecurityGroups)}
			if s.SubnetId != "" {
				inst.SubnetIDs = []string{s.SubnetId}
			}
			az := ""
			if s.Placement != nil {
				az = s.Placement.AvailabilityZone
			}
			var ownGroups []string
			for k, n := range s.NetworkInterfaces {
				if model.IsECSAttachmentDescription(n.Description) {
					// An awsvpc task's interface attached to its container
					// instance: the task's, not the instance's.
					continue
				}
				ownGroups = append(ownGroups, groupIDs(n.Groups)...)
				np := p.key("NetworkInterfaces").at(k)
				stub := &model.ENI{
					ID: n.NetworkInterfaceId, VPCID: n.VpcId, SubnetID: n.SubnetId, AZ: az, InterfaceType: n.InterfaceType,
					Description: n.Description, Status: n.Status, InstanceID: s.InstanceId,
					SourceDestCheck:  n.SourceDestCheck == nil || *n.SourceDestCheck,
					SecurityGroupIDs: groupIDs(n.Groups), Origin: string(model.CallInstances),
				}
				stub.Addresses = c.addresses(np, n.PrivateIpAddress, n.Association, n.PrivateIpAddresses)
				for m, a := range n.Ipv6Addresses {
					if ip := c.addr(np.key("Ipv6Addresses").at(m).key("Ipv6Address"), a.Ipv6Address); ip.IsValid() {
						stub.IPv6 = append(stub.IPv6, ip)
					}
				}
				inst.ENIs = append(inst.ENIs, stub)
			}
			if len(s.NetworkInterfaces) > 0 {
				// The instance's own interfaces say which groups are its;
				// the top-level list may include its tasks' groups.
				inst.SecurityGroupIDs = ownGroups
			}
			r.region.Resources = append(r.region.Resources, inst)
		}
	}
}

func (r *regionReader) vpcEndpoints() {
	var v describeVpcEndpoints
	_, ok := r.readRegional(model.CallVPCEndpoints, &v)
	if !ok {
		return
	}
	for _, s := range *v.VpcEndpoints {
		if s.State == "deleted" || s.State == "deleting" || s.State == "failed" || s.State == "rejected" {
			continue
		}
		ep := &model.VPCEndpoint{
			ID: s.VpcEndpointId, VPCID: s.VpcId, Type: s.VpcEndpointType, ServiceName: s.ServiceName, State: s.State,
			SubnetIDs: s.SubnetIds, RouteTableIDs: s.RouteTableIds, SecurityGroupIDs: groupIDs(s.Groups),
			ENIIDs: s.NetworkInterfaceIds, PrivateDNSEnabled: s.PrivateDnsEnabled, Tags: tagsOf(s.Tags),
		}
		r.region.VPCEndpoints = append(r.region.VPCEndpoints, ep)
		if !strings.EqualFold(s.VpcEndpointType, "Gateway") {
			res := &model.Resource{Kind: model.KindVPCEndpoint, ID: s.VpcEndpointId, Name: s.ServiceName, VPCID: s.VpcId, SubnetIDs: s.SubnetIds, SecurityGroupIDs: ep.SecurityGroupIDs, Tags: ep.Tags}
			for _, id := range s.NetworkInterfaceIds {
				res.ENIs = append(res.ENIs, &model.ENI{ID: id, VPCID: s.VpcId, InterfaceType: "vpc_endpoint", SecurityGroupIDs: ep.SecurityGroupIDs, Origin: string(model.CallVPCEndpoints)})
			}
			r.region.Resources = append(r.region.Resources, res)
		}
	}
}

func (r *regionReader) flowLogs() {
	var v describeFlowLogs
	_, ok := r.readRegional(model.CallFlowLogs, &v)
	if !ok {
		return
	}
	for _, s := range *v.FlowLogs {
		r.region.FlowLogs = append(r.region.FlowLogs, &model.FlowLog{
			ID: s.FlowLogId, ResourceID: s.ResourceId, ResourceType: model.FlowLogResourceTypeOf(s.ResourceId),
			TrafficType: s.TrafficType, Status: s.FlowLogStatus, DeliverLogsStatus: s.DeliverLogsStatus, DeliverLogsError: s.DeliverLogsErrorMessage,
			LogDestinationType: s.LogDestinationType, LogDestination: s.LogDestination, LogGroupName: s.LogGroupName,
			LogFormat: s.LogFormat, MaxAggregationInterval: intOf(s.MaxAggregationInterval), Tags: tagsOf(s.Tags),
		})
	}
}

func (r *regionReader) peerings() {
	var v describeVpcPeeringConnections
	f, ok := r.readRegional(model.CallPeeringConnections, &v)
	if !ok {
		return
	}
	c := r.conv(f)
	for i, s := range *v.VpcPeeringConnections {
		p := jsonPath{"VpcPeeringConnections", i}
		pc := &model.PeeringConnection{ID: s.VpcPeeringConnectionId, Tags: tagsOf(s.Tags)}
		if s.Status != nil {
			pc.Status = s.Status.Code
		}
		side := func(sp jsonPath, info *peeringVpcInfo) (vpc, owner, region string, cidrs []netip.Prefix) {
			if info == nil {
				return
			}
			seen := map[netip.Prefix]bool{}
			add := func(pf netip.Prefix, ok bool) {
				if ok && !seen[pf] {
					seen[pf] = true
					cidrs = append(cidrs, pf)
				}
			}
			add(c.prefix(sp.key("CidrBlock"), info.CidrBlock))
			for j, b := range info.CidrBlockSet {
				add(c.prefix(sp.key("CidrBlockSet").at(j).key("CidrBlock"), b.CidrBlock))
			}
			for j, b := range info.Ipv6CidrBlockSet {
				add(c.prefix(sp.key("Ipv6CidrBlockSet").at(j).key("Ipv6CidrBlock"), b.Ipv6CidrBlock))
			}
			return info.VpcId, info.OwnerId, info.Region, cidrs
		}
		pc.RequesterVPC, pc.RequesterOwner, pc.RequesterRegion, pc.RequesterCIDRs = side(p.key("RequesterVpcInfo"), s.RequesterVpcInfo)
		pc.AccepterVPC, pc.AccepterOwner, pc.AccepterRegion, pc.AccepterCIDRs = side(p.key("AccepterVpcInfo"), s.AccepterVpcInfo)
		r.region.PeeringConnections = append(r.region.PeeringConnections, pc)
	}
}

func intOf(p *int64) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

func (r *regionReader) loadBalancers() {
	var v describeLoadBalancersV2
	_, ok := r.readRegional(model.CallLoadBalancersV2, &v)
	if !ok {
		return
	}
	listeners, _ := r.perResource(model.CallListeners)
	for _, s := range *v.LoadBalancers {
		lb := &model.LoadBalancer{
			Name: s.LoadBalancerName, ARN: s.LoadBalancerArn, Type: model.LoadBalancerType(s.Type), Scheme: s.Scheme,
			IPAddressType: s.IpAddressType, DNSName: s.DNSName, VPCID: s.VpcId, SecurityGroupIDs: s.SecurityGroups,
		}
		for _, az := range s.AvailabilityZones {
			if az.SubnetId != "" {
				lb.SubnetIDs = append(lb.SubnetIDs, az.SubnetId)
			}
		}
		lb.ListenersKnown = readPerResource(r, model.CallListeners, listeners, s.LoadBalancerArn, func(f file, l *describeListeners) {
			for _, x := range *l.Listeners {
				li := model.Listener{ARN: x.ListenerArn, Protocol: x.Protocol, Port: intOf(x.Port)}
				for _, a := range x.DefaultActions {
					switch strings.ToLower(a.Type) {
					case "forward":
						if a.TargetGroupArn != "" {
							li.TargetGroupARNs = append(li.TargetGroupARNs, a.TargetGroupArn)
						}
						if a.ForwardConfig != nil {
							for _, tg := range a.ForwardConfig.TargetGroups {
								li.TargetGroupARNs = append(li.TargetGroupARNs, tg.TargetGroupArn)
							}
						}
					case "redirect":
						li.Redirect = true
					}
				}
				li.TargetGroupARNs = uniqueSorted(li.TargetGroupARNs)
				lb.Listeners = append(lb.Listeners, li)
			}
		})
		sort.Slice(lb.Listeners, func(i, j int) bool { return lb.Listeners[i].Port < lb.Listeners[j].Port })
		res := &model.Resource{Kind: model.KindLoadBalancer, ID: s.LoadBalancerName, Name: s.LoadBalancerName, ARN: s.LoadBalancerArn, VPCID: s.VpcId, SubnetIDs: lb.SubnetIDs, SecurityGroupIDs: s.SecurityGroups, LoadBalancer: lb}
		r.region.Resources = append(r.region.Resources, res)
	}
}

func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

func (r *regionReader) targetGroups() {
	var v describeTargetGroups
	_, ok := r.readRegional(model.CallTargetGroups, &v)
	if !ok {
		return
	}
	health, _ := r.perResource(model.CallTargetHealth)
	attrs, _ := r.perResource(model.CallTargetGroupAttributes)
	for _, s := range *v.TargetGroups {
		tg := &model.TargetGroup{ARN: s.TargetGroupArn, Name: s.TargetGroupName, Protocol: s.Protocol, Port: intOf(s.Port), TargetType: s.TargetType, VPCID: s.VpcId, LoadBalancerARNs: s.LoadBalancerArns}
		tg.TargetsKnown = readPerResource(r, model.CallTargetHealth, health, s.TargetGroupArn, func(f file, h *describeTargetHealth) {
			for _, d := range *h.TargetHealthDescriptions {
				if d.Target == nil {
					continue
				}
				t := model.Target{ID: d.Target.Id, Port: intOf(d.Target.Port), AZ: d.Target.AvailabilityZone}
				if d.TargetHealth != nil {
					t.Health = d.TargetHealth.State
				}
				tg.Targets = append(tg.Targets, t)
			}
		})
		readPerResource(r, model.CallTargetGroupAttributes, attrs, s.TargetGroupArn, func(f file, a *describeTargetGroupAttributes) {
			tg.Attributes = map[string]string{}
			for _, kv := range *a.Attributes {
				tg.Attributes[kv.Key] = kv.Value
			}
		})
		r.region.TargetGroups = append(r.region.TargetGroups, tg)
	}
}

func (r *regionReader) classicLoadBalancers() {
	var v describeClassicLoadBalancers
	_, ok := r.readRegional(model.CallClassicLoadBalancers, &v)
	if !ok {
		return
	}
	for _, s := range *v.LoadBalancerDescriptions {
		lb := &model.LoadBalancer{
			Name: s.LoadBalancerName, Type: model.LBClassic, Scheme: s.Scheme, DNSName: s.DNSName, VPCID: s.VPCId,
			SubnetIDs: s.Subnets, SecurityGroupIDs: s.SecurityGroups, ListenersKnown: true,
		}
		for _, d := range s.ListenerDescriptions {
			if d.Listener == nil {
				continue
			}
			lb.Listeners = append(lb.Listeners, model.Listener{Protocol: d.Listener.Protocol, Port: intOf(d.Listener.LoadBalancerPort), InstanceProtocol: d.Listener.InstanceProtocol, InstancePort: intOf(d.Listener.InstancePort)})
		}
		for _, in := range s.Instances {
			lb.InstanceIDs = append(lb.InstanceIDs, in.InstanceId)
		}
		res := &model.Resource{Kind: model.KindLoadBalancer, ID: s.LoadBalancerName, Name: s.LoadBalancerName, VPCID: s.VPCId, SubnetIDs: s.Subnets, SecurityGroupIDs: s.SecurityGroups, LoadBalancer: lb}
		r.region.Resources = append(r.region.Resources, res)
	}
}

func vpcGroupIDs(gs []vpcSecurityGroupMembership) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.VpcSecurityGroupId)
	}
	return out
}

func (r *regionReader) dbInstances() {
	var v describeDBInstances
	_, ok := r.readRegional(model.CallDBInstances, &v)
	if !ok {
		return
	}
	for _, s := range *v.DBInstances {
		info := &model.DBInstanceInfo{Engine: s.Engine, EngineVersion: s.EngineVersion, Class: s.DBInstanceClass, ClusterID: s.DBClusterIdentifier, PubliclyAccessible: s.PubliclyAccessible, AZ: s.AvailabilityZone}
		if s.Endpoint != nil {
			info.Endpoint, info.Port = s.Endpoint.Address, intOf(s.Endpoint.Port)
		}
		res := &model.Resource{Kind: model.KindDBInstance, ID: s.DBInstanceIdentifier, Name: s.DBInstanceIdentifier, ARN: s.DBInstanceArn, SecurityGroupIDs: vpcGroupIDs(s.VpcSecurityGroups), Tags: tagsOf(s.TagList), DB: info}
		if g := s.DBSubnetGroup; g != nil {
			info.SubnetGroup = g.DBSubnetGroupName
			res.VPCID = g.VpcId
			for _, sn := range g.Subnets {
				res.SubnetIDs = append(res.SubnetIDs, sn.SubnetIdentifier)
			}
		}
		r.region.Resources = append(r.region.Resources, res)
	}
}

func (r *regionReader) dbClusters() {
	var v describeDBClusters
	_, ok := r.readRegional(model.CallDBClusters, &v)
	if !ok {
		return
	}
	for _, s := range *v.DBClusters {
		cl := &model.DBCluster{ID: s.DBClusterIdentifier, ARN: s.DBClusterArn, Engine: s.Engine, SubnetGroup: s.DBSubnetGroup, SecurityGroupIDs: vpcGroupIDs(s.VpcSecurityGroups), Port: intOf(s.Port), Endpoint: s.Endpoint, ReaderEndpoint: s.ReaderEndpoint}
		for _, m := range s.DBClusterMembers {
			cl.MemberIDs = append(cl.MemberIDs, m.DBInstanceIdentifier)
		}
		r.region.DBClusters = append(r.region.DBClusters, cl)
	}
}

func (r *regionReader) cacheClusters() {
	var groups describeCacheSubnetGroups
	subnetsOf := map[string][]string{}
	if _, ok := r.readRegional(model.CallCacheSubnetGroups, &groups); ok {
		for _, g := range *groups.CacheSubnetGroups {
			for _, s := range g.Subnets {
				subnetsOf[g.CacheSubnetGroupName] = append(subnetsOf[g.CacheSubnetGroupName], s.SubnetIdentifier)
			}
		}
	}
	var v describeCacheClusters
	_, ok := r.readRegional(model.CallCacheClusters, &v)
	if !ok {
		return
	}
	for _, s := range *v.CacheClusters {
		info := &model.CacheInfo{Engine: s.Engine, NodeType: s.CacheNodeType, ReplicationGroup: s.ReplicationGroupId, SubnetGroup: s.CacheSubnetGroupName,
			SubnetGroupSubnetIDs: slices.Clone(subnetsOf[s.CacheSubnetGroupName])}
		for _, n := range s.CacheNodes {
			if n.Endpoint != nil && info.Port == 0 {
				info.Port = intOf(n.Endpoint.Port)
			}
		}
		if info.Port == 0 && s.ConfigurationEndpoint != nil {
			info.Port = intOf(s.ConfigurationEndpoint.Port)
		}
		res := &model.Resource{Kind: model.KindCacheCluster, ID: s.CacheClusterId, Name: s.CacheClusterId, ARN: s.ARN, SubnetIDs: subnetsOf[s.CacheSubnetGroupName], Cache: info}
		for _, g := range s.SecurityGroups {
			res.SecurityGroupIDs = append(res.SecurityGroupIDs, g.SecurityGroupId)
		}
		r.region.Resources = append(r.region.Resources, res)
	}
}

func (r *regionReader) lambdas() {
	var v listFunctions
	_, ok := r.readRegional(model.CallLambdaFunctions, &v)
	if !ok {
		return
	}
	for _, s := range *v.Functions {
		if s.VpcConfig == nil || s.VpcConfig.VpcId == "" && len(s.VpcConfig.SubnetIds) == 0 {
			continue // not attached to a VPC: no ENIs, nothing in the network
		}
		res := &model.Resource{Kind: model.KindLambda, ID: s.FunctionName, Name: s.FunctionName, ARN: s.FunctionArn, VPCID: s.VpcConfig.VpcId, SubnetIDs: s.VpcConfig.SubnetIds, SecurityGroupIDs: s.VpcConfig.SecurityGroupIds, Lambda: &model.LambdaInfo{Runtime: s.Runtime}}
		r.region.Resources = append(r.region.Resources, res)
	}
}

// ecs reads clusters, then each cluster's services and tasks.
func (r *regionReader) ecs() {
	var v ecsListClusters
	_, ok := r.readRegional(model.CallECSClusters, &v)
	if !ok {
		return
	}
	services, _ := r.perResource(model.CallECSServices)
	tasks, _ := r.perResource(model.CallECSTasks)
	serviceLists, _ := r.perResource(model.CallECSServicesList)
	taskLists, _ := r.perResource(model.CallECSTasksList)
	for _, cluster := range *v.ClusterArns {
		// A cluster without services or tasks has nothing to describe:
		// its list file says so, and the describe call is not missing.
		if len(services[cluster]) > 0 || !r.listsNone(model.CallECSServicesList, serviceLists, cluster) {
			r.describeServices(services, cluster)
		}
		if len(tasks[cluster]) > 0 || !r.listsNone(model.CallECSTasksList, taskLists, cluster) {
			r.describeTasks(tasks, cluster)
		}
	}
}

// listsNone reports whether cluster's file of call (ecs-list-services or
// ecs-list-tasks) is present, complete and empty.
func (r *regionReader) listsNone(call model.Call, lists map[string][]string, cluster string) bool {
	none := false
	readPerResource(r, call, lists, cluster, func(f file, l *ecsList) {
		key, arns := "serviceArns", l.ServiceArns
		if call == model.CallECSTasksList {
			key, arns = "taskArns", l.TaskArns
		}
		switch {
		case arns == nil:
			r.missingKey(f, key)
		case l.NextToken != "":
			r.truncated(call, cluster, l.NextToken)
		default:
			none = len(*arns) == 0
		}
	})
	return none
}

func (r *regionReader) describeServices(services map[string][]string, cluster string) {
	readPerResource(r, model.CallECSServices, services, cluster, func(f file, d *ecsDescribeServices) {
		for _, s := range *d.Services {
			svc := &model.ECSService{Cluster: cluster, Name: s.ServiceName, ARN: s.ServiceArn, LaunchType: s.LaunchType, Tags: ecsTagsOf(s.Tags)}
			if nc := s.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
				svc.SubnetIDs = nc.AwsvpcConfiguration.Subnets
				svc.SecurityGroupIDs = nc.AwsvpcConfiguration.SecurityGroups
				svc.AssignPublicIP = nc.AwsvpcConfiguration.AssignPublicIp
			}
			for _, lb := range s.LoadBalancers {
				if lb.TargetGroupArn != "" {
					svc.LoadBalancerTargetGroups = append(svc.LoadBalancerTargetGroups, lb.TargetGroupArn)
				}
			}
			r.region.ECSServices = append(r.region.ECSServices, svc)
		}
	})
}

func (r *regionReader) describeTasks(tasks map[string][]string, cluster string) {
	readPerResource(r, model.CallECSTasks, tasks, cluster, func(f file, d *ecsDescribeTasks) {
		for _, t := range *d.Tasks {
			if t.LastStatus == "STOPPED" {
				continue
			}
			info := &model.ECSInfo{Cluster: cluster, LaunchType: t.LaunchType}
			if name, ok := strings.CutPrefix(t.Group, "service:"); ok {
				info.Service = name
			}
			info.Family = taskFamily(t.Group, t.TaskDefinitionArn)
			res := &model.Resource{Kind: model.KindECSTask, ID: t.TaskArn, Name: taskName(t.TaskArn, t.Group), ARN: t.TaskArn, Tags: ecsTagsOf(t.Tags), ECS: info}
			for _, a := range t.Attachments {
				if a.Type != "ElasticNetworkInterface" && a.Type != "eni" {
					continue
				}
				stub := &model.ENI{Origin: string(model.CallECSTasks)}
				for _, d := range a.Details {
					switch d.Name {
					case "networkInterfaceId":
						stub.ID = d.Value
					case "subnetId":
						stub.SubnetID = d.Value
					case "privateIPv4Address":
						if ip, err := netip.ParseAddr(d.Value); err == nil {
							stub.Addresses = []model.AddressPair{{Private: ip}}
						}
					}
				}
				if stub.ID != "" {
					res.ENIs = append(res.ENIs, stub)
				}
				if stub.SubnetID != "" {
					res.SubnetIDs = append(res.SubnetIDs, stub.SubnetID)
				}
			}
			r.region.Resources = append(r.region.Resources, res)
		}
	})
}

// taskName is a task's short ID, prefixed with its family or service group.
func taskName(arn, group string) string {
	id := arn[strings.LastIndexByte(arn, '/')+1:]
	if group != "" {
		return group + "/" + id
	}
	return id
}

// taskFamily is a task's task-definition family: from its group
// ("family:NAME"), else from its task definition ARN
// ("arn:aws:ecs:...:task-definition/NAME:REVISION").
func taskFamily(group, taskDefinitionARN string) string {
	if name, ok := strings.CutPrefix(group, "family:"); ok {
		return name
	}
	_, def, ok := strings.Cut(taskDefinitionARN, ":task-definition/")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(def, ':'); i >= 0 {
		def = def[:i]
	}
	return def
}
