package plan

import (
	"net/url"
	"path"
	"slices"
	"sort"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// The resources of the target: instances, load balancers and their
// targets, databases, caches, functions and ECS, each in its new subnets
// with its new groups, as its own describe call prints them.

func (t *regionTarget) editInstances() error {
	reservations, _, err := t.result("ec2-describe-instances.json", "Reservations")
	if err != nil {
		return err
	}
	for _, r := range reservations {
		for _, o := range objects(r, "Instances") {
			t.editInstance(o)
		}
	}
	return nil
}

func (t *regionTarget) editInstance(o map[string]any) {
	var primary *ifacePlacement
	primaryOld := str(o, "PrivateIpAddress")
	for i, n := range objects(o, "NetworkInterfaces") {
		p := t.placed[str(n, "NetworkInterfaceId")]
		if p == nil || p.eni == nil {
			continue
		}
		isPrimary := str(n, "PrivateIpAddress") == primaryOld
		if a := obj(n["Attachment"]); a != nil {
			if d, ok := numOf(a, "DeviceIndex"); ok {
				isPrimary = d == 0
			}
		} else if i == 0 && primaryOld == "" {
			isPrimary = true
		}
		if isPrimary && primary == nil {
			primary = p
		}
		t.applyPlacement(n, p)
	}
	m := t.move(model.KindInstance, str(o, "InstanceId"))
	if m == nil {
		return
	}
	if len(m.NewGroups) > 0 {
		o["SecurityGroups"] = t.groupRefs(m.NewGroups)
	}
	if m.DropsPublicIP || primary != nil && primary.dropPublic {
		delete(o, "PublicIpAddress")
		o["PublicDnsName"] = ""
	}
	if primary == nil || primary.subnet == "" {
		return
	}
	o["SubnetId"] = primary.subnet
	if pl := obj(o["Placement"]); pl != nil {
		pl["AvailabilityZone"] = t.azOf(primary.subnet)
	}
	if n, ok := primary.addrMap[primaryOld]; ok {
		o["PrivateIpAddress"] = n
		if dns := str(o, "PrivateDnsName"); dns != "" {
			o["PrivateDnsName"] = renameDNS(dns, primaryOld, n)
		}
	}
}

// zonesOf returns subnets with their AZs, sorted by AZ then ID.
func (t *regionTarget) zonesOf(subnets []string) [][2]string {
	var out [][2]string
	for _, s := range subnets {
		out = append(out, [2]string{t.azOf(s), s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return slices.Compact(out)
}

// editMoved calls edit on each object of the file's list under key whose
// idKey names a resource of kind that the plan moves.
func (t *regionTarget) editMoved(file, key string, kind model.ResourceKind, idKey string, edit func(o map[string]any, m *resourceMove)) error {
	objs, _, err := t.result(file, key)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if m := t.move(kind, str(o, idKey)); m != nil {
			edit(o, m)
		}
	}
	return nil
}

func (t *regionTarget) editLoadBalancers() error {
	return t.editMoved("elbv2-describe-load-balancers.json", "LoadBalancers", model.KindLoadBalancer, "LoadBalancerName", func(o map[string]any, m *resourceMove) {
		if len(m.NewGroups) > 0 {
			o["SecurityGroups"] = anyStrings(m.NewGroups)
		}
		if m.relocates() {
			var zones []any
			for _, z := range t.zonesOf(m.ToSubnets) {
				zones = append(zones, map[string]any{"ZoneName": z[0], "SubnetId": z[1], "LoadBalancerAddresses": []any{}})
			}
			o["AvailabilityZones"] = zones
		}
	})
}

func (t *regionTarget) editClassicLoadBalancers() error {
	return t.editMoved("elb-describe-load-balancers.json", "LoadBalancerDescriptions", model.KindLoadBalancer, "LoadBalancerName", func(o map[string]any, m *resourceMove) {
		if len(m.NewGroups) > 0 {
			o["SecurityGroups"] = anyStrings(m.NewGroups)
		}
		if m.relocates() {
			var subnets, azs []string
			for _, z := range t.zonesOf(m.ToSubnets) {
				azs = append(azs, z[0])
				subnets = append(subnets, z[1])
			}
			sort.Strings(subnets)
			o["Subnets"] = anyStrings(subnets)
			o["AvailabilityZones"] = anyStrings(slices.Compact(azs))
		}
	})
}

// editTargetHealth follows moved IP targets (ECS tasks, instances
// registered by address) to their new addresses.
func (t *regionTarget) editTargetHealth() error {
	type moved struct{ addr, az string }
	byVPC := map[string]map[string]moved{}
	for _, p := range t.placed {
		if p.eni == nil || p.subnet == "" {
			continue
		}
		if byVPC[p.eni.VPCID] == nil {
			byVPC[p.eni.VPCID] = map[string]moved{}
		}
		for old, n := range p.addrMap {
			byVPC[p.eni.VPCID][old] = moved{n, t.azOf(p.subnet)}
		}
	}
	if len(byVPC) == 0 {
		return nil
	}
	names, err := t.perResourceFiles(string(model.CallTargetHealth))
	if err != nil {
		return err
	}
	for _, name := range names {
		vpc := ""
		if arn, err := url.PathUnescape(path.Base(name)); err == nil {
			if tg := t.reg.TargetGroup(arn); tg != nil {
				vpc = tg.VPCID
			}
		}
		descs, _, err := t.result(name, "TargetHealthDescriptions")
		if err != nil {
			return err
		}
		for _, d := range descs {
			target := obj(d["Target"])
			if target == nil {
				continue
			}
			for v, addrs := range byVPC {
				if vpc != "" && v != vpc {
					continue
				}
				if mv, ok := addrs[str(target, "Id")]; ok {
					target["Id"] = mv.addr
					if _, ok := target["AvailabilityZone"]; ok {
						target["AvailabilityZone"] = mv.az
					}
					break
				}
			}
		}
	}
	return nil
}

// membership is RDS's and ElastiCache's list of a resource's groups.
func membership(ids []string, key string) []any {
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, map[string]any{key: id, "Status": "active"})
	}
	return out
}

// dbSubnetGroup is a new DB subnet group as RDS prints it.
func (t *regionTarget) dbSubnetGroup(name, vpcID string) map[string]any {
	var subnets []any
	for _, z := range t.zonesOf(t.subnetGroupSubnets(name, vpcID)) {
		subnets = append(subnets, map[string]any{
			"SubnetIdentifier":       z[1],
			"SubnetAvailabilityZone": map[string]any{"Name": z[0]},
			"SubnetOutpost":          map[string]any{},
			"SubnetStatus":           "Active",
		})
	}
	return map[string]any{
		"DBSubnetGroupName":        name,
		"DBSubnetGroupDescription": "isolated subnets (vpcdoctor plan)",
		"VpcId":                    vpcID,
		"SubnetGroupStatus":        "Complete",
		"Subnets":                  subnets,
		"SupportedNetworkTypes":    []any{"IPV4"},
	}
}

func (t *regionTarget) editDBInstances() error {
	return t.editMoved("rds-describe-db-instances.json", "DBInstances", model.KindDBInstance, "DBInstanceIdentifier", func(o map[string]any, m *resourceMove) {
		if len(m.NewGroups) > 0 {
			o["VpcSecurityGroups"] = membership(m.NewGroups, "VpcSecurityGroupId")
		}
		if m.DropsPublicIP || m.relocates() {
			o["PubliclyAccessible"] = false
		}
		if m.SubnetGroup != "" {
			vpc := m.res.VPCID
			if old := obj(o["DBSubnetGroup"]); old != nil && str(old, "VpcId") != "" {
				vpc = str(old, "VpcId")
			}
			o["DBSubnetGroup"] = t.dbSubnetGroup(m.SubnetGroup, vpc)
		}
	})
}

// clusterMove is what happens to a DB cluster: the plan's move naming the
// cluster, else its first member's that has one.
func (t *regionTarget) clusterMove(id string, members []string) *Move {
	for _, m := range t.rp.Moves {
		if m.Resource == id {
			return m
		}
	}
	sort.Strings(members)
	for _, mid := range members {
		if m := t.move(model.KindDBInstance, mid); m != nil {
			return m.Move
		}
	}
	return nil
}

func (t *regionTarget) editDBClusters() error {
	clusters, _, err := t.result("rds-describe-db-clusters.json", "DBClusters")
	if err != nil {
		return err
	}
	for _, o := range clusters {
		var members []string
		for _, mem := range objects(o, "DBClusterMembers") {
			members = append(members, str(mem, "DBInstanceIdentifier"))
		}
		m := t.clusterMove(str(o, "DBClusterIdentifier"), members)
		if m == nil {
			continue
		}
		if len(m.NewGroups) > 0 {
			o["VpcSecurityGroups"] = membership(m.NewGroups, "VpcSecurityGroupId")
		}
		if m.SubnetGroup != "" {
			o["DBSubnetGroup"] = m.SubnetGroup
		}
	}
	return nil
}

// newSubnetGroups lists the new DB (or cache) subnet groups with their
// VPCs, sorted by name.
func (t *regionTarget) newSubnetGroups(kind model.ResourceKind) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	for _, m := range t.moves {
		if m.res.Kind != kind || m.SubnetGroup == "" || seen[m.SubnetGroup] {
			continue
		}
		seen[m.SubnetGroup] = true
		out = append(out, [2]string{m.SubnetGroup, m.res.VPCID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// editDBSubnetGroups adds the new DB subnet groups to
// rds-describe-db-subnet-groups.json, when the snapshot has it (vpcdoctor
// does not read it; the DB instances describe their groups).
func (t *regionTarget) editDBSubnetGroups() error {
	return t.addSubnetGroups("rds-describe-db-subnet-groups.json", "DBSubnetGroups", "DBSubnetGroupName", model.KindDBInstance,
		func(name, vpcID string) map[string]any {
			o := t.dbSubnetGroup(name, vpcID)
			o["DBSubnetGroupArn"] = t.arn("rds", "subgrp:"+name)
			return o
		})
}

// addSubnetGroups appends to the file's list under key the new subnet
// groups of the moves of kind that it does not list yet (by nameKey), each
// as newGroup prints it; a file the snapshot lacks stays absent.
func (t *regionTarget) addSubnetGroups(file, key, nameKey string, kind model.ResourceKind, newGroup func(name, vpcID string) map[string]any) error {
	groups, root, err := t.result(file, key)
	if err != nil || root == nil {
		return err
	}
	have := map[string]bool{}
	for _, g := range groups {
		have[str(g, nameKey)] = true
	}
	for _, g := range t.newSubnetGroups(kind) {
		if !have[g[0]] {
			appendTo(root, key, newGroup(g[0], g[1]))
		}
	}
	return nil
}

func (t *regionTarget) editCacheClusters() error {
	return t.editMoved("elasticache-describe-cache-clusters.json", "CacheClusters", model.KindCacheCluster, "CacheClusterId", func(o map[string]any, m *resourceMove) {
		if len(m.NewGroups) > 0 {
			o["SecurityGroups"] = membership(m.NewGroups, "SecurityGroupId")
		}
		if m.SubnetGroup != "" {
			o["CacheSubnetGroupName"] = m.SubnetGroup
		}
	})
}

func (t *regionTarget) editCacheSubnetGroups() error {
	return t.addSubnetGroups("elasticache-describe-cache-subnet-groups.json", "CacheSubnetGroups", "CacheSubnetGroupName", model.KindCacheCluster,
		func(name, vpcID string) map[string]any {
			var subnets []any
			for _, z := range t.zonesOf(t.subnetGroupSubnets(name, vpcID)) {
				subnets = append(subnets, map[string]any{
					"SubnetIdentifier":       z[1],
					"SubnetAvailabilityZone": map[string]any{"Name": z[0]},
					"SupportedNetworkTypes":  []any{"ipv4"},
				})
			}
			return map[string]any{
				"CacheSubnetGroupName":        name,
				"CacheSubnetGroupDescription": "isolated subnets (vpcdoctor plan)",
				"VpcId":                       vpcID,
				"Subnets":                     subnets,
				"ARN":                         t.arn("elasticache", "subnetgroup:"+name),
				"SupportedNetworkTypes":       []any{"ipv4"},
			}
		})
}

func (t *regionTarget) editLambdas() error {
	return t.editMoved("lambda-list-functions.json", "Functions", model.KindLambda, "FunctionName", func(o map[string]any, m *resourceMove) {
		cfg := obj(o["VpcConfig"])
		if cfg == nil {
			return
		}
		if m.relocates() {
			cfg["SubnetIds"] = anyStrings(sortedUnique(m.ToSubnets))
		}
		if len(m.NewGroups) > 0 {
			cfg["SecurityGroupIds"] = anyStrings(m.NewGroups)
		}
	})
}

// awsvpc edits an ECS awsvpcConfiguration for a move.
func (t *regionTarget) awsvpc(holder map[string]any, m *resourceMove) {
	cfg := obj(obj(holder["networkConfiguration"])["awsvpcConfiguration"])
	if cfg == nil {
		return
	}
	if m.relocates() {
		cfg["subnets"] = anyStrings(sortedUnique(m.ToSubnets))
	}
	if len(m.NewGroups) > 0 {
		cfg["securityGroups"] = anyStrings(m.NewGroups)
	}
	if m.DropsPublicIP || m.relocates() {
		cfg["assignPublicIp"] = "DISABLED"
	}
}

func (t *regionTarget) editECSServices() error {
	names, err := t.perResourceFiles(string(model.CallECSServices))
	if err != nil {
		return err
	}
	for _, name := range names {
		services, _, err := t.result(name, "services")
		if err != nil {
			return err
		}
		for _, o := range services {
			m := t.move(model.KindECSService, str(o, "serviceArn"))
			if m == nil {
				continue
			}
			t.awsvpc(o, m)
			for _, d := range objects(o, "deployments") {
				t.awsvpc(d, m)
			}
			for _, d := range objects(o, "taskSets") {
				t.awsvpc(d, m)
			}
		}
	}
	return nil
}

// editECSTasks moves the tasks' interfaces with their service: the
// attachment's subnet and address, the task's AZ, its containers'
// addresses.
func (t *regionTarget) editECSTasks() error {
	names, err := t.perResourceFiles(string(model.CallECSTasks))
	if err != nil {
		return err
	}
	for _, name := range names {
		tasks, _, err := t.result(name, "tasks")
		if err != nil {
			return err
		}
		for _, task := range tasks {
			addrs := map[string]string{}
			for _, a := range objects(task, "attachments") {
				details := objects(a, "details")
				var p *ifacePlacement
				for _, d := range details {
					if str(d, "name") == "networkInterfaceId" {
						p = t.placed[str(d, "value")]
					}
				}
				if p == nil || p.eni == nil || p.subnet == "" {
					continue
				}
				oldAddr := ""
				for _, d := range details {
					if str(d, "name") == "privateIPv4Address" {
						oldAddr = str(d, "value")
					}
				}
				newAddr, moved := p.addrMap[oldAddr]
				for _, d := range details {
					switch str(d, "name") {
					case "subnetId":
						d["value"] = p.subnet
					case "privateIPv4Address":
						if moved {
							d["value"] = newAddr
						}
					case "privateDnsName":
						if moved {
							d["value"] = renameDNS(str(d, "value"), oldAddr, newAddr)
						}
					}
				}
				if moved {
					addrs[oldAddr] = newAddr
				}
				if _, ok := task["availabilityZone"]; ok {
					task["availabilityZone"] = t.azOf(p.subnet)
				}
			}
			for _, c := range objects(task, "containers") {
				for _, n := range objects(c, "networkInterfaces") {
					if a, ok := addrs[str(n, "privateIpv4Address")]; ok {
						n["privateIpv4Address"] = a
					}
				}
			}
		}
	}
	return nil
}
