package tfplan

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

var (
	instanceTypes = []string{"aws_instance"}
	eniTypes      = []string{"aws_network_interface"}
	lbTypes       = []string{"aws_lb", "aws_alb"}
	tgTypes       = []string{"aws_lb_target_group", "aws_alb_target_group"}
)

// publicIP is the placeholder public address of something that gets one
// only on apply: addresses of 203.0.113.0/24 (TEST-NET-3, never routed),
// handed out in the order of the plan's addresses, one per key.
func (t *translator) publicIP(key string) string {
	if t.publicIPs == nil {
		t.publicIPs = map[string]string{}
	}
	if ip, ok := t.publicIPs[key]; ok {
		return ip
	}
	t.publicN++
	ip := fmt.Sprintf("203.0.113.%d", t.publicN%254+1)
	if t.publicN >= 254 {
		ip = fmt.Sprintf("198.51.100.%d", t.publicN%254+1)
	}
	t.publicIPs[key] = ip
	return ip
}

// eipAddress is the public address of an Elastic IP (by allocation ID or
// placeholder): its planned public_ip, else a placeholder.
func (t *translator) eipAddress(alloc string) string {
	for _, r := range t.all {
		if r.typ == "aws_eip" && t.idOf(target{r.addr, "id"}) == alloc {
			if ip, ok := r.str("public_ip"); ok {
				return ip
			}
			return t.publicIP(r.addr)
		}
	}
	return t.publicIP(alloc)
}

// privateIP is a placeholder private address for an interface whose
// address AWS picks on apply: the next of the subnet's addresses from .100
// on (AWS keeps the first four; the plan's own addresses are usually low),
// and, when the subnet or its block is not in the data, the next of
// 198.18.0.0/15 (RFC 2544, never routed): without a private address an
// interface has no address at all, and its public one would be lost.
func (t *translator) privateIP(d *regionDocs, subnet string) string {
	if t.privates == nil {
		t.privates = map[string]int{}
	}
	s := d.find(model.CallSubnets, subnet)
	pf, err := netip.ParsePrefix(str(s, "CidrBlock"))
	if s == nil || err != nil || !pf.Addr().Is4() || pf.Bits() > 24 {
		n := t.privates["\x00unknown"]
		t.privates["\x00unknown"] = n + 1
		return fmt.Sprintf("198.18.%d.%d", (n+1)/256%256, (n+1)%256)
	}
	n := t.privates[subnet]
	t.privates[subnet] = n + 1
	a := pf.Masked().Addr().As4()
	host := 100 + n
	a[2] += byte(host / 256)
	a[3] = byte(host % 256)
	return netip.AddrFrom4(a).String()
}

func association(ip string) map[string]any { return map[string]any{"PublicIp": ip} }

func (t *translator) instance(r *res) {
	d := t.docs(r)
	id := ownID(r, "id")
	subnet := t.ref1(r, "subnet_id", subnetTypes...)
	vpc := t.vpcOfSubnet(d, subnet)
	groups := t.refN(r, "vpc_security_group_ids", sgTypes...)
	if len(groups) == 0 && vpc != "" {
		if g := t.byVPCDefault(d, vpc); g != "" {
			groups = []string{g}
		}
	}
	private := r.strOr("private_ip", "")
	if private == "" {
		private = t.privateIP(d, subnet)
	}
	public := ""
	if ip, ok := r.str("public_ip"); ok {
		public = ip
	} else if t.getsPublicIP(r, d, subnet) {
		public = t.publicIP(r.addr)
	}
	eni := map[string]any{
		"NetworkInterfaceId": ownID(r, "primary_network_interface_id"), "SubnetId": subnet, "VpcId": vpc, "Status": "in-use",
		"InterfaceType": "interface", "Groups": groupRefs(groups), "Attachment": map[string]any{"DeviceIndex": int64(0)},
		"PrivateIpAddress": private, "Ipv6Addresses": []any{},
	}
	addr := map[string]any{"Primary": true, "PrivateIpAddress": private}
	if public != "" {
		eni["Association"], addr["Association"] = association(public), association(public)
	}
	eni["PrivateIpAddresses"] = []any{addr}
	inst := map[string]any{
		"InstanceId": id, "InstanceType": r.strOr("instance_type", ""), "ImageId": r.strOr("ami", ""), "KeyName": r.strOr("key_name", ""),
		"State": map[string]any{"Name": "running"}, "SubnetId": subnet, "VpcId": vpc, "PrivateIpAddress": private,
		"Placement": map[string]any{"AvailabilityZone": t.azOfSubnet(d, subnet)}, "SecurityGroups": groupRefs(groups),
		"NetworkInterfaces": []any{eni}, "Tags": tags(r),
	}
	if public != "" {
		inst["PublicIpAddress"] = public
	}
	if old := d.find(model.CallInstances, id); old != nil {
		if o, ok := old[ownerKey]; ok {
			inst[ownerKey] = o
		}
	}
	d.put(model.CallInstances, inst)
	listed := map[string]any{"Description": "", "AvailabilityZone": t.azOfSubnet(d, subnet), "RequesterManaged": false, "TagSet": []any{}}
	for k, v := range eni {
		listed[k] = v
	}
	listed["Attachment"] = map[string]any{"InstanceId": id, "Status": "attached", "DeviceIndex": int64(0)}
	d.put(model.CallNetworkInterfaces, listed)
}

// getsPublicIP reports whether an instance gets a public address at
// launch: associate_public_ip_address when the plan knows it; when the
// configuration sets it to a value unknown until apply, yes (it may be
// true; noted); when it is not set, the subnet's map_public_ip_on_launch,
// and yes when the subnet is not in the data (it may map public addresses,
// as a default VPC's subnets do; noted).
func (t *translator) getsPublicIP(r *res, d *regionDocs, subnet string) bool {
	if b, known := r.flag("associate_public_ip_address"); known {
		return b
	}
	if isUnknown(r.unknown, "associate_public_ip_address") && (r.cfg == nil || r.expr("associate_public_ip_address") != nil) {
		t.note(r, "associate_public_ip_address is known only after apply: assumed true, the instance gets a public address (an over-approximation)")
		return true
	}
	s := d.find(model.CallSubnets, subnet)
	if s == nil {
		t.note(r, "its subnet %s is not in the data, so whether it maps public addresses at launch is unknown: assumed it does (an over-approximation)", orUnknown(subnet))
		return true
	}
	return s["MapPublicIpOnLaunch"] == true
}

func (t *translator) azOfSubnet(d *regionDocs, subnet string) string {
	if s := d.find(model.CallSubnets, subnet); s != nil {
		return str(s, "AvailabilityZone")
	}
	return ""
}

func (t *translator) networkInterface(r *res) {
	d := t.docs(r)
	subnet := t.ref1(r, "subnet_id", subnetTypes...)
	private := r.strOr("private_ip", "")
	if ips := strsOf(r.vals["private_ips"]); private == "" && len(ips) > 0 {
		private = ips[0]
	}
	if private == "" {
		private = t.privateIP(d, subnet)
	}
	e := map[string]any{
		"NetworkInterfaceId": ownID(r, "id"), "SubnetId": subnet, "VpcId": t.vpcOfSubnet(d, subnet), "AvailabilityZone": t.azOfSubnet(d, subnet),
		"InterfaceType": r.strOr("interface_type", "interface"), "Description": r.strOr("description", ""), "Status": "available",
		"Groups": groupRefs(t.refN(r, "security_groups", sgTypes...)), "PrivateIpAddress": private,
		"PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": private}}, "Ipv6Addresses": []any{},
		"RequesterManaged": false, "TagSet": tags(r),
	}
	if b, ok := r.flag("source_dest_check"); ok {
		e["SourceDestCheck"] = b
	}
	blocks := blocksOf(r.vals["attachment"])
	for i, b := range blocks {
		if inst := t.blockRef1(r, "attachment", i, len(blocks), b, "instance", instanceTypes...); inst != "" {
			e["Attachment"] = map[string]any{"InstanceId": inst, "Status": "attached"}
			e["Status"] = "in-use"
		}
	}
	d.put(model.CallNetworkInterfaces, e)
}

func (t *translator) eip(r *res) {}

// eipAttach gives the instance or interface an Elastic IP names (its
// instance or network_interface argument) its public address.
func (t *translator) eipAttach(r *res) {
	ip := t.eipAddress(ownID(r, "id"))
	if inst := t.ref1(r, "instance", instanceTypes...); inst != "" {
		t.attachPublic(r, "", inst, ip)
	} else if eni := t.ref1(r, "network_interface", eniTypes...); eni != "" {
		t.attachPublic(r, eni, "", ip)
	}
}

func (t *translator) eipAssociation(r *res) {
	ip := r.strOr("public_ip", "")
	if ip == "" {
		ip = t.eipAddress(t.ref1(r, "allocation_id", "aws_eip"))
	}
	t.attachPublic(r, t.ref1(r, "network_interface_id", eniTypes...), t.ref1(r, "instance_id", instanceTypes...), ip)
}

// attachPublic associates a public address with an interface (or an
// instance's primary interface).
func (t *translator) attachPublic(r *res, eni, inst, ip string) {
	d := t.docs(r)
	if e := d.find(model.CallNetworkInterfaces, eni); eni != "" && e != nil {
		setAssociation(e, ip)
		return
	}
	if i := d.find(model.CallInstances, inst); inst != "" && i != nil {
		i["PublicIpAddress"] = ip
		if nis := anyList(i["NetworkInterfaces"]); len(nis) > 0 {
			if n, ok := nis[0].(map[string]any); ok {
				setAssociation(n, ip)
			}
		}
		return
	}
	t.note(r, "the interface or instance it associates (%s) is neither in the plan nor in the base", orUnknown(eni+inst))
}

func setAssociation(e map[string]any, ip string) {
	e["Association"] = association(ip)
	for _, a := range anyList(e["PrivateIpAddresses"]) {
		if m, ok := a.(map[string]any); ok && m["Primary"] == true {
			m["Association"] = association(ip)
		}
	}
}

func (t *translator) loadBalancer(r *res) {
	d := t.docs(r)
	arn := ownID(r, "arn")
	subnets := t.refN(r, "subnets", subnetTypes...)
	maps := blocksOf(r.vals["subnet_mapping"])
	for i, b := range maps {
		if s := t.blockRef1(r, "subnet_mapping", i, len(maps), b, "subnet_id", subnetTypes...); s != "" {
			subnets = append(subnets, s)
		}
	}
	subnets = uniqueSorted(subnets)
	azs := []any{}
	for _, s := range subnets {
		azs = append(azs, map[string]any{"SubnetId": s, "ZoneName": t.azOfSubnet(d, s)})
	}
	scheme := "internet-facing"
	if b, known := r.flag("internal"); known && b {
		scheme = "internal"
	} else if !known && isUnknown(r.unknown, "internal") && (r.cfg == nil || r.expr("internal") != nil) {
		t.note(r, "internal is known only after apply: read as internet-facing (an over-approximation)")
	}
	vpc := r.strOr("vpc_id", "")
	if vpc == "" && len(subnets) > 0 {
		vpc = t.vpcOfSubnet(d, subnets[0])
	}
	lb := map[string]any{
		"LoadBalancerArn": arn, "LoadBalancerName": r.strOr("name", placeholder(r, "name")), "DNSName": r.strOr("dns_name", ""),
		"Scheme": scheme, "VpcId": vpc, "Type": r.strOr("load_balancer_type", "application"), "IpAddressType": r.strOr("ip_address_type", "ipv4"),
		"SecurityGroups": strList(t.refN(r, "security_groups", sgTypes...)), "AvailabilityZones": azs,
	}
	d.put(model.CallLoadBalancersV2, lb)
	d.ensurePer(model.CallListeners, arn)
}

func (t *translator) targetGroup(r *res) {
	d := t.docs(r)
	arn := ownID(r, "arn")
	tg := map[string]any{
		"TargetGroupArn": arn, "TargetGroupName": r.strOr("name", placeholder(r, "name")), "Protocol": r.strOr("protocol", ""),
		"VpcId": t.ref1(r, "vpc_id", vpcTypes...), "TargetType": r.strOr("target_type", "instance"), "LoadBalancerArns": []any{},
	}
	if p, ok := r.num("port"); ok {
		tg["Port"] = p
	}
	d.put(model.CallTargetGroups, tg)
	d.ensurePer(model.CallTargetHealth, arn)
	d.ensurePer(model.CallTargetGroupAttributes, arn)
	if b, ok := r.vals["preserve_client_ip"].(string); ok && b != "" {
		d.putPer(model.CallTargetGroupAttributes, arn, map[string]any{"Key": "preserve_client_ip.enabled", "Value": b})
	}
}

func (t *translator) listener(r *res) {
	d := t.docs(r)
	lbARN := t.ref1(r, "load_balancer_arn", lbTypes...)
	if d.find(model.CallLoadBalancersV2, lbARN) == nil {
		t.note(r, "its load balancer %s is neither in the plan nor in the base; the listener is not read", orUnknown(lbARN))
		return
	}
	li := map[string]any{"ListenerArn": ownID(r, "arn"), "LoadBalancerArn": lbARN, "Protocol": r.strOr("protocol", "")}
	if p, ok := r.num("port"); ok {
		li["Port"] = p
	}
	actions := []any{}
	blocks := blocksOf(r.vals["default_action"])
	for i, b := range blocks {
		a := map[string]any{"Type": str(b, "type")}
		if tg := t.blockRef1(r, "default_action", i, len(blocks), b, "target_group_arn", tgTypes...); tg != "" {
			a["TargetGroupArn"] = tg
		}
		var fwd []any
		for _, f := range blocksOf(b["forward"]) {
			for _, g := range blocksOf(f["target_group"]) {
				if arn := str(g, "arn"); arn != "" {
					fwd = append(fwd, map[string]any{"TargetGroupArn": arn})
				}
			}
		}
		if fwd != nil {
			a["ForwardConfig"] = map[string]any{"TargetGroups": fwd}
		}
		actions = append(actions, a)
	}
	li["DefaultActions"] = actions
	d.putPer(model.CallListeners, lbARN, li)
}

func (t *translator) targetGroupAttachment(r *res) {
	d := t.docs(r)
	tg := t.ref1(r, "target_group_arn", tgTypes...)
	if d.find(model.CallTargetGroups, tg) == nil {
		t.note(r, "its target group %s is neither in the plan nor in the base; the attachment is not read", orUnknown(tg))
		return
	}
	target := map[string]any{"Id": t.ref1(r, "target_id", "aws_instance", "aws_lambda_function", "aws_lb")}
	if p, ok := r.num("port"); ok {
		target["Port"] = p
	}
	if az, ok := r.str("availability_zone"); ok {
		target["AvailabilityZone"] = az
	}
	d.putPer(model.CallTargetHealth, tg, map[string]any{"Target": target, "TargetHealth": map[string]any{"State": "initial"}})
}

// finishRegion derives what AWS derives: which load balancers send to each
// target group (from the listeners), and the Elastic IPs' associations.
func (t *translator) finishRegion(d *regionDocs) {
	lbsOf := map[string][]string{}
	for lb, items := range d.per[model.CallListeners] {
		for _, x := range items {
			li, _ := x.(map[string]any)
			for _, a := range anyList(li["DefaultActions"]) {
				am, _ := a.(map[string]any)
				if arn := str(am, "TargetGroupArn"); arn != "" {
					lbsOf[arn] = append(lbsOf[arn], lb)
				}
				fc, _ := am["ForwardConfig"].(map[string]any)
				for _, g := range anyList(fc["TargetGroups"]) {
					if gm, ok := g.(map[string]any); ok && str(gm, "TargetGroupArn") != "" {
						lbsOf[str(gm, "TargetGroupArn")] = append(lbsOf[str(gm, "TargetGroupArn")], lb)
					}
				}
			}
		}
	}
	for _, tg := range d.items(model.CallTargetGroups) {
		arns := append(strsOf(tg["LoadBalancerArns"]), lbsOf[str(tg, "TargetGroupArn")]...)
		sort.Strings(arns)
		tg["LoadBalancerArns"] = strList(uniqueSorted(arns))
	}
}
