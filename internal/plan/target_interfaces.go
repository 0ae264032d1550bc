package plan

import (
	"sort"
)

// Interfaces of the target: each moved interface in its new subnet with its
// new groups and addresses, wherever a file describes it (the ENI list and
// the resource's own description agree, or the loader would reconcile
// them wrongly, internal/model/link.go), and the new objects' interfaces.

// applyPlacement edits one interface object: an entry of
// describe-network-interfaces or an instance's NetworkInterfaces.
func (t *regionTarget) applyPlacement(o map[string]any, p *ifacePlacement) {
	if p.groups != nil {
		o["Groups"] = t.groupRefs(p.groups)
	}
	if p.dropPublic {
		delete(o, "Association")
		for _, a := range objects(o, "PrivateIpAddresses") {
			delete(a, "Association")
		}
	}
	if p.subnet == "" {
		return
	}
	o["SubnetId"] = p.subnet
	if _, ok := o["AvailabilityZone"]; ok {
		o["AvailabilityZone"] = t.azOf(p.subnet)
	}
	old := str(o, "PrivateIpAddress")
	if n, ok := p.addrMap[old]; ok {
		o["PrivateIpAddress"] = n
		if dns := str(o, "PrivateDnsName"); dns != "" {
			o["PrivateDnsName"] = renameDNS(dns, old, n)
		}
	}
	for _, a := range objects(o, "PrivateIpAddresses") {
		old := str(a, "PrivateIpAddress")
		if n, ok := p.addrMap[old]; ok {
			a["PrivateIpAddress"] = n
			if dns := str(a, "PrivateDnsName"); dns != "" {
				a["PrivateDnsName"] = renameDNS(dns, old, n)
			}
		}
	}
	// The new subnets have no IPv6 block, and delegated prefixes belong
	// to the old subnet.
	for _, k := range []string{"Ipv6Addresses", "Ipv4Prefixes", "Ipv6Prefixes"} {
		if _, ok := o[k]; ok {
			o[k] = []any{}
		}
	}
	delete(o, "Ipv6Address")
}

func (t *regionTarget) editNetworkInterfaces() error {
	enis, root, err := t.result("ec2-describe-network-interfaces.json", "NetworkInterfaces")
	if err != nil || root == nil {
		return err
	}
	for _, o := range enis {
		if p := t.placed[str(o, "NetworkInterfaceId")]; p != nil && p.eni != nil {
			t.applyPlacement(o, p)
		}
	}
	news := append([]*newENI(nil), t.newENIs...)
	sort.Slice(news, func(i, j int) bool { return news[i].eniID < news[j].eniID })
	for _, n := range news {
		appendTo(root, "NetworkInterfaces", t.newENIObject(n))
	}
	return nil
}

// newENIObject is a new object's interface as describe-network-interfaces
// prints it, with the owner markers AWS sets (AWS-SEMANTICS.md §1).
func (t *regionTarget) newENIObject(n *newENI) map[string]any {
	addr := n.addrs[0].String()
	dns := privateDNSName(t.reg.Name, n.addrs[0])
	o := map[string]any{
		"Attachment": map[string]any{
			"AttachmentId":        "ela-attach-" + n.eniID[len("eni-"):],
			"DeleteOnTermination": false,
			"DeviceIndex":         num(1),
			"InstanceOwnerId":     "amazon-aws",
			"Status":              "attached",
		},
		"AvailabilityZone":   t.azOf(n.subnet),
		"Groups":             t.groupRefs(n.groups),
		"InterfaceType":      n.kind,
		"Ipv6Addresses":      []any{},
		"NetworkInterfaceId": n.eniID,
		"OwnerId":            t.owner,
		"PrivateDnsName":     dns,
		"PrivateIpAddress":   addr,
		"PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateDnsName": dns, "PrivateIpAddress": addr}},
		"RequesterManaged":   true,
		"SourceDestCheck":    n.kind != "nat_gateway",
		"Status":             "in-use",
		"SubnetId":           n.subnet,
		"TagSet":             []any{},
		"VpcId":              n.vpcID,
	}
	switch n.kind {
	case "nat_gateway":
		o["Description"] = "Interface for NAT Gateway " + n.owner
	case "vpc_endpoint":
		o["Description"] = "VPC Endpoint Interface " + n.owner
	}
	return o
}
