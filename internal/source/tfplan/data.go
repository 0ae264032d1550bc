package tfplan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// defaultPort is the port of a database or cache engine when the plan
// does not say it.
func defaultPort(engine string) (int64, bool) {
	e := strings.ToLower(engine)
	switch {
	case strings.Contains(e, "postgres"):
		return 5432, true
	case strings.Contains(e, "mysql"), strings.Contains(e, "mariadb"):
		return 3306, true
	case strings.HasPrefix(e, "oracle"):
		return 1521, true
	case strings.HasPrefix(e, "sqlserver"):
		return 1433, true
	case e == "redis", e == "valkey":
		return 6379, true
	case e == "memcached":
		return 11211, true
	}
	return 0, false
}

// portOr is the resource's port, else the default port of its engine (0
// when the engine has none).
func (r *res) portOr(engine string) int64 {
	if port, ok := r.num("port"); ok {
		return port
	}
	port, _ := defaultPort(engine)
	return port
}

// groupMemberships are the security groups of a database or cache, as
// AWS lists them: the group's ID under idKey, and its status.
func groupMemberships(groups []string, idKey string) []any {
	out := []any{}
	for _, g := range groups {
		out = append(out, map[string]any{idKey: g, "Status": "active"})
	}
	return out
}

// subnetsOf is the subnets' IDs of a subnet group AWS lists (nil: none).
func subnetsOf(group map[string]any) []string {
	var out []string
	for _, s := range anyList(group["Subnets"]) {
		if m, ok := s.(map[string]any); ok {
			out = append(out, str(m, "SubnetIdentifier"))
		}
	}
	return out
}

// subnetIdentifiers are the subnets of a subnet group as AWS lists them.
func subnetIdentifiers(subnets []string) []any {
	out := []any{}
	for _, s := range subnets {
		out = append(out, map[string]any{"SubnetIdentifier": s})
	}
	return out
}

// dbSubnets is the subnets of a DB subnet group named in the plan or seen
// in the base's DB instances.
func (t *translator) dbSubnets(d *regionDocs, name string) []string {
	for _, r := range t.all {
		if r.typ == "aws_db_subnet_group" && r.exists() && t.idOf(target{r.addr, "name"}) == name {
			return t.refN(r, "subnet_ids", subnetTypes...)
		}
	}
	for _, db := range d.items(model.CallDBInstances) {
		g, _ := db["DBSubnetGroup"].(map[string]any)
		if g != nil && str(g, "DBSubnetGroupName") == name {
			return subnetsOf(g)
		}
	}
	return nil
}

// cluster is the plan's aws_rds_cluster with the given identifier.
func (t *translator) cluster(id string) *res {
	for _, r := range t.all {
		if r.typ == "aws_rds_cluster" && (t.idOf(target{r.addr, "id"}) == id || t.idOf(target{r.addr, "cluster_identifier"}) == id) {
			return r
		}
	}
	return nil
}

func (t *translator) dbInstance(r *res) {
	d := t.docs(r)
	id := r.strOr("identifier", r.addr)
	engine := r.strOr("engine", "")
	group := t.ref1(r, "db_subnet_group_name", "aws_db_subnet_group")
	groups := t.refN(r, "vpc_security_group_ids", sgTypes...)
	clusterID := ""
	if r.typ == "aws_rds_cluster_instance" {
		clusterID = t.ref1(r, "cluster_identifier", "aws_rds_cluster")
		if c := t.cluster(clusterID); c != nil {
			clusterID = c.strOr("cluster_identifier", clusterID)
			if group == "" {
				group = t.ref1(c, "db_subnet_group_name", "aws_db_subnet_group")
			}
			groups = t.refN(c, "vpc_security_group_ids", sgTypes...)
			if engine == "" {
				engine = c.strOr("engine", "")
			}
		} else if bc := d.find(model.CallDBClusters, clusterID); bc != nil {
			if group == "" {
				group = str(bc, "DBSubnetGroup")
			}
			groups = nil
			for _, g := range anyList(bc["VpcSecurityGroups"]) {
				if m, ok := g.(map[string]any); ok {
					groups = append(groups, str(m, "VpcSecurityGroupId"))
				}
			}
		}
	}
	subnets := t.dbSubnets(d, group)
	vpc := ""
	if len(subnets) > 0 {
		vpc = t.vpcOfSubnet(d, subnets[0])
	}
	public, known := r.flag("publicly_accessible")
	if !known && isUnknown(r.unknown, "publicly_accessible") {
		public = true
		why := "set to a value known only after apply"
		if r.cfg != nil && r.expr("publicly_accessible") == nil {
			why = "not set, and AWS's default depends on the VPC (public where it has an internet gateway)"
		}
		t.note(r, "publicly_accessible is %s: assumed true (an over-approximation)", why)
	}
	port := r.portOr(engine)
	sgs := groupMemberships(groups, "VpcSecurityGroupId")
	sn := subnetIdentifiers(subnets)
	db := map[string]any{
		"DBInstanceIdentifier": id, "DBInstanceArn": r.strOr("arn", ""), "DBInstanceClass": r.strOr("instance_class", ""), "Engine": engine,
		"EngineVersion": r.strOr("engine_version", ""), "DBInstanceStatus": "available", "PubliclyAccessible": public,
		"AvailabilityZone": r.strOr("availability_zone", ""), "Endpoint": map[string]any{"Address": r.strOr("address", ""), "Port": port},
		"DBSubnetGroup": map[string]any{"DBSubnetGroupName": group, "VpcId": vpc, "Subnets": sn}, "VpcSecurityGroups": sgs, "TagList": tags(r),
	}
	if clusterID != "" {
		db["DBClusterIdentifier"] = clusterID
	}
	if old := d.find(model.CallDBInstances, id); old != nil {
		t.dropRDSInterfaces(d, old)
	}
	d.put(model.CallDBInstances, db)
	if len(subnets) == 0 {
		t.note(r, "its DB subnet group %s is neither in the plan nor in the base's DB instances: its subnets are unknown", orUnknown(group))
		return
	}
	subnet := subnets[0]
	if az := r.strOr("availability_zone", ""); az != "" {
		for _, s := range subnets {
			if t.azOfSubnet(d, s) == az {
				subnet = s
				break
			}
		}
	}
	t.serviceInterface(d, "eni-("+r.addr+")", subnet, groups, "RDSNetworkInterface", "amazon-rds", public, r.addr)
}

// dropRDSInterfaces removes a base DB instance's interfaces (those of
// RDS with its groups in its subnets) before the plan's version of it
// brings its own.
func (t *translator) dropRDSInterfaces(d *regionDocs, db map[string]any) {
	var groups []string
	for _, g := range anyList(db["VpcSecurityGroups"]) {
		if m, ok := g.(map[string]any); ok {
			groups = append(groups, str(m, "VpcSecurityGroupId"))
		}
	}
	subnets := map[string]bool{}
	if g, ok := db["DBSubnetGroup"].(map[string]any); ok {
		for _, s := range anyList(g["Subnets"]) {
			if m, ok := s.(map[string]any); ok {
				subnets[str(m, "SubnetIdentifier")] = true
			}
		}
	}
	// As the snapshot source attributes them: the groups, the subnet
	// group, then the AZ.
	var cands []map[string]any
	for _, e := range d.items(model.CallNetworkInterfaces) {
		if str(e, "Description") == "RDSNetworkInterface" && subnets[str(e, "SubnetId")] && sameStrings(groupIDsOf(e), groups) {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		return
	}
	pick := cands[0]
	for _, e := range cands {
		if az := str(db, "AvailabilityZone"); az != "" && (str(e, "AvailabilityZone") == az || t.azOfSubnet(d, str(e, "SubnetId")) == az) {
			pick = e
			break
		}
	}
	d.remove(model.CallNetworkInterfaces, str(pick, "NetworkInterfaceId"))
}

func groupIDsOf(e map[string]any) []string {
	var out []string
	for _, g := range anyList(e["Groups"]) {
		if m, ok := g.(map[string]any); ok {
			out = append(out, str(m, "GroupId"))
		}
	}
	return out
}

func sameStrings(a, b []string) bool {
	return slices.Equal(uniqueSorted(slices.Clone(a)), uniqueSorted(slices.Clone(b)))
}

// serviceInterface adds the interface an AWS service creates for a
// resource in a subnet, with the owner markers AWS sets on it
// (AWS-SEMANTICS.md §1); a public address when the resource gets one.
func (t *translator) serviceInterface(d *regionDocs, id, subnet string, groups []string, description, requester string, public bool, key string) {
	e := map[string]any{
		"NetworkInterfaceId": id, "SubnetId": subnet, "VpcId": t.vpcOfSubnet(d, subnet), "AvailabilityZone": t.azOfSubnet(d, subnet),
		"InterfaceType": "interface", "Description": description, "RequesterId": requester, "RequesterManaged": true, "Status": "in-use",
		"Groups": groupRefs(groups), "Ipv6Addresses": []any{}, "TagSet": []any{},
	}
	ip := t.privateIP(d, subnet)
	e["PrivateIpAddress"] = ip
	e["PrivateIpAddresses"] = []any{map[string]any{"Primary": true, "PrivateIpAddress": ip}}
	if public {
		setAssociation(e, t.publicIP(key))
	}
	d.put(model.CallNetworkInterfaces, e)
}

func (t *translator) dbCluster(r *res) {
	d := t.docs(r)
	id := r.strOr("cluster_identifier", r.addr)
	engine := r.strOr("engine", "")
	port := r.portOr(engine)
	sgs := groupMemberships(t.refN(r, "vpc_security_group_ids", sgTypes...), "VpcSecurityGroupId")
	members := []any{}
	for _, o := range t.all {
		if o.typ == "aws_rds_cluster_instance" && o.exists() {
			if c := t.cluster(t.ref1(o, "cluster_identifier", "aws_rds_cluster")); c == r {
				members = append(members, map[string]any{"DBInstanceIdentifier": o.strOr("identifier", o.addr), "IsClusterWriter": false})
			}
		}
	}
	c := map[string]any{
		"DBClusterIdentifier": id, "DBClusterArn": r.strOr("arn", ""), "Engine": engine, "DBSubnetGroup": t.ref1(r, "db_subnet_group_name", "aws_db_subnet_group"),
		"Endpoint": r.strOr("endpoint", ""), "ReaderEndpoint": r.strOr("reader_endpoint", ""), "Port": port, "VpcSecurityGroups": sgs, "DBClusterMembers": members,
	}
	if old := d.find(model.CallDBClusters, id); old != nil && len(members) == 0 {
		c["DBClusterMembers"] = old["DBClusterMembers"]
	}
	d.put(model.CallDBClusters, c)
}

// cacheSubnets is the subnets of a cache subnet group of the plan or base.
func (t *translator) cacheSubnets(d *regionDocs, name string) []string {
	return subnetsOf(d.find(model.CallCacheSubnetGroups, name))
}

func (t *translator) cacheSubnetGroup(r *res) {
	d := t.docs(r)
	subnets := t.refN(r, "subnet_ids", subnetTypes...)
	sn := subnetIdentifiers(subnets)
	vpc := ""
	if len(subnets) > 0 {
		vpc = t.vpcOfSubnet(d, subnets[0])
	}
	d.put(model.CallCacheSubnetGroups, map[string]any{"CacheSubnetGroupName": ownID(r, "name"), "VpcId": vpc, "Subnets": sn})
}

// cacheNode adds one cache cluster and its interface.
func (t *translator) cacheNode(r *res, d *regionDocs, id, engine, group, replicationGroup string, groups []string, port int64, n int) {
	sgs := groupMemberships(groups, "SecurityGroupId")
	c := map[string]any{
		"CacheClusterId": id, "ARN": "", "Engine": engine, "CacheNodeType": r.strOr("node_type", ""), "CacheSubnetGroupName": group,
		"SecurityGroups": sgs, "CacheNodes": []any{map[string]any{"Endpoint": map[string]any{"Port": port}}},
	}
	if replicationGroup != "" {
		c["ReplicationGroupId"] = replicationGroup
	}
	d.put(model.CallCacheClusters, c)
	subnets := t.cacheSubnets(d, group)
	if len(subnets) == 0 {
		t.note(r, "its cache subnet group %s is neither in the plan nor in the base: its subnets are unknown", orUnknown(group))
		return
	}
	t.serviceInterface(d, "eni-("+r.addr+" "+id+")", subnets[n%len(subnets)], groups, "ElastiCache "+id, "amazon-elasticache", false, "")
}

func (t *translator) cacheCluster(r *res) {
	d := t.docs(r)
	engine := r.strOr("engine", "redis")
	port := r.portOr(engine)
	t.cacheNode(r, d, r.strOr("cluster_id", r.addr), engine, t.ref1(r, "subnet_group_name", "aws_elasticache_subnet_group"),
		t.ref1(r, "replication_group_id", "aws_elasticache_replication_group"), t.refN(r, "security_group_ids", sgTypes...), port, 0)
}

// replicationGroup adds the group's member clusters, named as AWS names
// them (GROUP-001, GROUP-002; GROUP-0001-001 with cluster mode on).
func (t *translator) replicationGroup(r *res) {
	d := t.docs(r)
	id := r.strOr("replication_group_id", r.addr)
	engine := r.strOr("engine", "redis")
	port := r.portOr(engine)
	group := t.ref1(r, "subnet_group_name", "aws_elasticache_subnet_group")
	groups := t.refN(r, "security_group_ids", sgTypes...)
	var names []string
	if shards, ok := r.num("num_node_groups"); ok && shards > 1 {
		replicas, _ := r.num("replicas_per_node_group")
		for s := int64(1); s <= min(shards, 500); s++ {
			for n := int64(1); n <= min(replicas+1, 6); n++ {
				names = append(names, fmt.Sprintf("%s-%04d-%03d", id, s, n))
			}
		}
	} else {
		n, ok := r.num("num_cache_clusters")
		if !ok {
			n, ok = r.num("number_cache_clusters")
		}
		if !ok || n < 1 {
			n = 1
		}
		for i := int64(1); i <= min(n, 6); i++ {
			names = append(names, fmt.Sprintf("%s-%03d", id, i))
		}
	}
	for i, name := range names {
		t.cacheNode(r, d, name, engine, group, id, groups, port, i)
	}
}

func (t *translator) lambda(r *res) {
	blocks := blocksOf(r.vals["vpc_config"])
	if len(blocks) == 0 {
		return // not in a VPC: nothing in the network
	}
	d := t.docs(r)
	b := blocks[0]
	subnets := t.blockRefN(r, "vpc_config", 0, 1, b, "subnet_ids", subnetTypes...)
	if len(subnets) == 0 {
		return
	}
	vpc := str(b, "vpc_id")
	if vpc == "" {
		vpc = t.vpcOfSubnet(d, subnets[0])
	}
	d.put(model.CallLambdaFunctions, map[string]any{
		"FunctionName": r.strOr("function_name", r.addr), "FunctionArn": ownID(r, "arn"), "Runtime": r.strOr("runtime", ""),
		"VpcConfig": map[string]any{"SubnetIds": strList(subnets), "SecurityGroupIds": strList(t.blockRefN(r, "vpc_config", 0, 1, b, "security_group_ids", sgTypes...)), "VpcId": vpc},
	})
}

func (t *translator) vpcEndpoint(r *res) {
	d := t.docs(r)
	id := ownID(r, "id")
	kind := r.strOr("vpc_endpoint_type", "Gateway")
	subnets := t.refN(r, "subnet_ids", subnetTypes...)
	groups := t.refN(r, "security_group_ids", sgTypes...)
	enis := strsOf(r.vals["network_interface_ids"])
	if len(enis) == 0 && strings.EqualFold(kind, "Interface") {
		for i, s := range subnets {
			eni := fmt.Sprintf("eni-(%s #%d)", r.addr, i+1)
			enis = append(enis, eni)
			ip := t.privateIP(d, s)
			d.put(model.CallNetworkInterfaces, map[string]any{"PrivateIpAddress": ip,
				"NetworkInterfaceId": eni, "SubnetId": s, "VpcId": t.vpcOfSubnet(d, s), "AvailabilityZone": t.azOfSubnet(d, s),
				"InterfaceType": "vpc_endpoint", "Description": "VPC Endpoint Interface " + id, "RequesterManaged": true, "Status": "in-use",
				"Groups": groupRefs(groups), "PrivateIpAddresses": []any{map[string]any{"Primary": true, "PrivateIpAddress": ip}}, "Ipv6Addresses": []any{}, "TagSet": []any{},
			})
		}
	}
	private, _ := r.flag("private_dns_enabled")
	d.put(model.CallVPCEndpoints, map[string]any{
		"VpcEndpointId": id, "VpcEndpointType": kind, "VpcId": t.ref1(r, "vpc_id", vpcTypes...), "ServiceName": r.strOr("service_name", ""),
		"State": "available", "SubnetIds": strList(subnets), "RouteTableIds": strList(t.refN(r, "route_table_ids", rtTypes...)),
		"NetworkInterfaceIds": strList(enis), "Groups": groupRefs(groups), "PrivateDnsEnabled": private, "Tags": tags(r),
	})
}

func (t *translator) ecsService(r *res) {
	d := t.docs(r)
	cluster := t.ref1(r, "cluster", "aws_ecs_cluster")
	if cluster == "" {
		cluster = "default"
	}
	present := false
	for _, c := range d.lists[model.CallECSClusters] {
		if c == cluster {
			present = true
		}
	}
	if !present {
		d.lists[model.CallECSClusters] = append(d.lists[model.CallECSClusters], cluster)
	}
	svc := map[string]any{"serviceArn": ownID(r, "id"), "serviceName": r.strOr("name", r.addr), "clusterArn": cluster, "launchType": r.strOr("launch_type", "")}
	if blocks := blocksOf(r.vals["network_configuration"]); len(blocks) > 0 {
		b := blocks[0]
		assign := "DISABLED"
		if p, known := b["assign_public_ip"].(bool); p {
			assign = "ENABLED"
		} else if !known && isUnknown(r.unknown, "network_configuration", 0, "assign_public_ip") {
			assign = "ENABLED"
			t.note(r, "network_configuration.assign_public_ip is known only after apply: assumed true, its tasks get public addresses (an over-approximation)")
		}
		svc["networkConfiguration"] = map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets":        strList(t.blockRefN(r, "network_configuration", 0, 1, b, "subnets", subnetTypes...)),
			"securityGroups": strList(t.blockRefN(r, "network_configuration", 0, 1, b, "security_groups", sgTypes...)),
			"assignPublicIp": assign,
		}}
	}
	lbs := []any{}
	blocks := blocksOf(r.vals["load_balancer"])
	for i, b := range blocks {
		if tg := t.blockRef1(r, "load_balancer", i, len(blocks), b, "target_group_arn", tgTypes...); tg != "" {
			lbs = append(lbs, map[string]any{"targetGroupArn": tg})
		}
	}
	svc["loadBalancers"] = lbs
	d.putPer(model.CallECSServices, cluster, svc)
}

// removeENIsOf removes, with a base instance or DB instance the plan
// deletes, its interfaces.
func (t *translator) removeENIsOf(d *regionDocs, call model.Call, id string) {
	if call == model.CallDBInstances {
		if db := d.find(call, id); db != nil {
			t.dropRDSInterfaces(d, db)
		}
		for _, c := range d.items(model.CallDBClusters) {
			var keep []any
			for _, m := range anyList(c["DBClusterMembers"]) {
				if mm, ok := m.(map[string]any); ok && str(mm, "DBInstanceIdentifier") == id {
					continue
				}
				keep = append(keep, m)
			}
			if keep == nil {
				keep = []any{}
			}
			c["DBClusterMembers"] = keep
		}
		return
	}
	for _, e := range d.items(model.CallNetworkInterfaces) {
		if a, ok := e["Attachment"].(map[string]any); ok && str(a, "InstanceId") == id {
			d.remove(model.CallNetworkInterfaces, str(e, "NetworkInterfaceId"))
		}
	}
}
