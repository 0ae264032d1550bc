package plan

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// generateHint is the comment on every imported block the plan cannot
// complete.
const generateHint = "or move this block aside, run terraform plan -generate-config-out=generated.tf, and copy the attributes set here into generated.tf."

// writePlacement writes placement.tf's part for one region: the new DB and
// cache subnet groups, the kept public subnets and the emptied default
// groups, then every move (AWS-SEMANTICS.md §8) as the resource change or
// the replacement it implies.
func (w *tfWriter) writePlacement(rg *tfRegion) error {
	w.writeSubnetGroups(rg)
	w.writeKeptPublicSubnets(rg)
	w.writeDefaultGroups(rg)
	done := map[string]bool{}
	var unchanged, tasks []string
	for _, m := range rg.plan.Moves {
		res := rg.resourceOf(m)
		var err error
		switch m.Method {
		case MoveReplaceInstance:
			err = w.replaceInstance(rg, m, res)
		case MoveAuroraClone:
			err = w.auroraClone(rg, m, res, done)
		case MoveRDSReplica:
			err = w.rdsReplica(rg, m, res)
		case MoveCacheSnapshot:
			err = w.cacheRestore(rg, m, res, done)
		case MoveStay, MoveLambdaConfig, MoveECSConfig, MoveLBSubnets, MoveEndpointSubnets:
			switch {
			case m.Kind == string(model.KindECSTask):
				tasks = append(tasks, moveLabel(m))
			case m.Method == MoveStay && !groupsChange(m):
				unchanged = append(unchanged, moveLabel(m))
			default:
				err = w.updateExisting(rg, m, res, done)
			}
		default:
			err = fmt.Errorf("unknown method %q", m.Method)
		}
		if err != nil {
			return fmt.Errorf("terraform: %s/%s: the move of %s: %w", rg.plan.Account, rg.plan.Region, m.Resource, err)
		}
	}
	if len(tasks) > 0 {
		w.placement.note("ECS tasks follow their service's network configuration (new tasks start in its new subnets): " + strings.Join(tasks, ", ") + ".")
	}
	if len(unchanged) > 0 {
		w.placement.note("Unchanged (they stay where they are, with the groups they have): " + strings.Join(unchanged, ", ") + ".")
	}
	return nil
}

// moveLabel names a moved resource for comments.
func moveLabel(m *Move) string {
	if m.Name != "" && m.Name != m.Resource && !strings.HasPrefix(m.Resource, "arn:") {
		return m.Resource + " (" + m.Name + ")"
	}
	if m.Name != "" {
		return m.Name
	}
	return m.Resource
}

// groupsChange reports whether a move gives the resource other groups.
func groupsChange(m *Move) bool {
	if len(m.NewGroups) == 0 {
		return false
	}
	return strings.Join(sortedUnique(m.NewGroups), ",") != strings.Join(sortedUnique(m.OldGroups), ",")
}

// writeSubnetGroups writes a DB or cache subnet group per distinct
// Move.SubnetGroup, over the union of its moves' target subnets.
func (w *tfWriter) writeSubnetGroups(rg *tfRegion) {
	type sg struct {
		cache   bool
		subnets []string
		users   []string
	}
	groups := map[string]*sg{}
	for _, m := range rg.plan.Moves {
		if m.SubnetGroup == "" {
			continue
		}
		g := groups[m.SubnetGroup]
		if g == nil {
			g = &sg{cache: m.Kind == string(model.KindCacheCluster) || m.Method == MoveCacheSnapshot}
			groups[m.SubnetGroup] = g
		}
		g.subnets = append(g.subnets, m.ToSubnets...)
		g.users = append(g.users, moveLabel(m))
	}
	for _, name := range sortedKeys(groups) {
		g := groups[name]
		typ := "aws_db_subnet_group"
		if g.cache {
			typ = "aws_elasticache_subnet_group"
		}
		tf := w.names.claim(typ, rg.prefix, name, "subnet_group")
		b := w.resource(w.placement, rg, []string{"New subnet group for " + strings.Join(sortedUnique(g.users), ", ") + ": isolated subnets only."}, typ, tf)
		setString(b, "name", name)
		setString(b, "description", "vpcdoctor plan: isolated subnets")
		setRefs(b, "subnet_ids", rg.refs(sortedUnique(g.subnets)))
		setTags(b, map[string]string{"Name": name})
		rg.ids["subnet-group:"+name] = tfPath(typ, tf, "name")
		w.additive = append(w.additive, address(typ, tf))
	}
}

// writeKeptPublicSubnets takes over the public subnets the plan keeps, to
// stop them assigning public IPv4 addresses on launch.
func (w *tfWriter) writeKeptPublicSubnets(rg *tfRegion) {
	for _, v := range rg.plan.VPCs {
		for _, id := range v.PublicSubnets {
			name := rg.names[id]
			s := rg.subnet(id)
			comments := []string{id + " stays public (internet-facing load balancers, NAT gateways) but stops giving public IPv4 addresses on launch."}
			if s == nil {
				comments = append(comments, "Not in the snapshot: fill in cidr_block and availability_zone, "+generateHint)
				w.fillIn = append(w.fillIn, tfFillIn{address("aws_subnet", name), "cidr_block, availability_zone, tags"})
			}
			b := w.resource(w.placement, rg, comments, "aws_subnet", name)
			setRef(b, "vpc_id", rg.vpcRef(v.VPCID))
			if s != nil {
				setString(b, "cidr_block", s.CIDR.String())
				setString(b, "availability_zone", s.AZ)
				if len(s.IPv6CIDRs) > 0 {
					setString(b, "ipv6_cidr_block", s.IPv6CIDRs[0].String())
				}
			}
			setBool(b, "map_public_ip_on_launch", false)
			if s != nil {
				setTags(b, s.Tags)
			}
			w.importBlock(rg, []string{id + ": kept public, stops assigning public addresses (placement.tf)."}, "aws_subnet", name, id)
			w.switches = append(w.switches, address("aws_subnet", name))
		}
	}
}

// writeDefaultGroups empties the VPCs' default groups: an
// aws_default_security_group without rules removes every rule.
func (w *tfWriter) writeDefaultGroups(rg *tfRegion) {
	for _, id := range rg.plan.DefaultGroups {
		g := rg.group(id)
		vpc := ""
		if g != nil {
			vpc = g.VPCID
		} else if len(rg.plan.VPCs) == 1 {
			vpc = rg.plan.VPCs[0].VPCID
		}
		name := w.names.claim("aws_default_security_group", rg.prefix, w.vpcName(rg, vpc), "default")
		b := w.resource(w.placement, rg, []string{
			id + ": the VPC's default group, emptied (AWS does not delete it). No rule blocks: Terraform removes every rule.",
		}, "aws_default_security_group", name)
		if vpc != "" {
			setRef(b, "vpc_id", rg.vpcRef(vpc))
		}
		if g != nil {
			setTags(b, g.Tags)
		}
		w.importBlock(rg, []string{id + ": the default group, emptied (placement.tf)."}, "aws_default_security_group", name, id)
		w.switches = append(w.switches, address("aws_default_security_group", name))
	}
}

// replaceInstance writes the instance that replaces an EC2 instance in its
// private subnet (no public address, IMDSv2, Session Manager's instance
// profile, no key pair) and registers it where the old one is registered.
// The old instance is not imported: it drains and is terminated outside
// Terraform.
func (w *tfWriter) replaceInstance(rg *tfRegion, m *Move, res *model.Resource) error {
	if len(m.ToSubnets) == 0 {
		return fmt.Errorf("replace-instance without a target subnet")
	}
	name := w.names.claim("aws_instance", rg.prefix, nameOr(m.Name, m.Resource), "instance")
	base := strings.TrimPrefix(name, rg.prefix)
	var info model.InstanceInfo
	if res != nil && res.Instance != nil {
		info = *res.Instance
	}
	amiDesc := "AMI of the instance that replaces " + moveLabel(m) + ". Bake an AMI of the running instance first (aws ec2 create-image --instance-id " + m.Resource + " --no-reboot) and set it here"
	if info.ImageID != "" {
		amiDesc += "; the default is the AMI it was launched from (" + info.ImageID + "), which lacks whatever was installed since."
	} else {
		amiDesc += "."
	}
	ami := w.variable(rg, "ami_"+base, amiDesc, info.ImageID, info.ImageID != "")
	profile := instanceProfileName(info.InstanceProfile)
	profDesc := "Instance profile of the instance that replaces " + moveLabel(m) + ": its role needs the policy AmazonSSMManagedInstanceCore (Session Manager replaces SSH)."
	if profile != "" {
		profDesc += " The default is the old instance's profile: add the policy to its role."
	}
	prof := w.variable(rg, "instance_profile_"+base, profDesc, profile, profile != "")
	var typeExpr tfRef
	if info.InstanceType != "" {
		typeExpr = lit(info.InstanceType)
	} else {
		typeExpr = w.variable(rg, "instance_type_"+base, "Instance type of the instance that replaces "+moveLabel(m)+".", "", false)
	}
	comments := []string{
		"Replaces " + moveLabel(m) + ": " + m.Reason,
		"Not copied: user data, extra EBS volumes, the key pair (Session Manager replaces SSH). Add them if it needs them.",
	}
	if m.DropsPublicIP {
		comments = append(comments, "It has no public address: outbound traffic goes through the NAT gateway.")
	}
	b := w.resource(w.placement, rg, comments, "aws_instance", name)
	setRef(b, "ami", ami)
	setRef(b, "instance_type", typeExpr)
	setRef(b, "subnet_id", rg.tfPath(m.ToSubnets[0]))
	setRefs(b, "vpc_security_group_ids", rg.refs(m.NewGroups))
	setBool(b, "associate_public_ip_address", false)
	setRef(b, "iam_instance_profile", prof)
	md := b.AppendNewBlock("metadata_options", nil).Body()
	setString(md, "http_endpoint", "enabled")
	setString(md, "http_tokens", "required")
	tags := map[string]string{"Name": nameOr(m.Name, m.Resource)}
	if res != nil {
		for k, v := range res.Tags {
			tags[k] = v
		}
	}
	tags["vpcdoctor:replaces"] = m.Resource
	setTags(b, tags)
	w.copies = append(w.copies, address("aws_instance", name))
	w.registerReplacement(rg, m, name)
	return nil
}

// registerReplacement registers a replacement instance in every target
// group and classic load balancer the old instance is registered with,
// on the same port, so it serves before the old one drains.
func (w *tfWriter) registerReplacement(rg *tfRegion, m *Move, instance string) {
	if rg.model == nil {
		return
	}
	if rg.registrations == nil {
		rg.registrations = map[string][]tfRegistration{}
		for _, tg := range rg.model.TargetGroups {
			for _, t := range tg.Targets {
				port := t.Port
				if port == 0 {
					port = tg.Port
				}
				rg.registrations[t.ID] = append(rg.registrations[t.ID], tfRegistration{group: tg, port: port})
			}
		}
		for _, r := range rg.model.Resources {
			if r.LoadBalancer != nil && r.LoadBalancer.Type == model.LBClassic {
				for _, id := range r.LoadBalancer.InstanceIDs {
					rg.registrations[id] = append(rg.registrations[id], tfRegistration{classic: r.LoadBalancer.Name})
				}
			}
		}
	}
	for _, reg := range rg.registrations[m.Resource] {
		if reg.group != nil {
			tg := reg.group
			name := w.names.claim("aws_lb_target_group_attachment", "", instance+"_"+nameOr(tg.Name, "tg"), "attachment")
			b := w.resource(w.placement, rg, []string{
				"Registers the replacement in " + tg.Name + " beside " + m.Resource + "; deregister the old one once this is healthy.",
			}, "aws_lb_target_group_attachment", name)
			setString(b, "target_group_arn", tg.ARN)
			setRef(b, "target_id", tfPath("aws_instance", instance, "id"))
			if reg.port != 0 {
				setInt(b, "port", reg.port)
			}
			w.copies = append(w.copies, address("aws_lb_target_group_attachment", name))
			continue
		}
		name := w.names.claim("aws_elb_attachment", "", instance+"_"+reg.classic, "attachment")
		b := w.resource(w.placement, rg, []string{
			"Registers the replacement with " + reg.classic + " beside " + m.Resource + "; deregister the old one once this is healthy.",
		}, "aws_elb_attachment", name)
		setString(b, "elb", reg.classic)
		setRef(b, "instance", tfPath("aws_instance", instance, "id"))
		w.copies = append(w.copies, address("aws_elb_attachment", name))
	}
}

// instanceProfileName is the name in an instance profile ARN (or the name
// itself).
func instanceProfileName(p string) string {
	if i := strings.LastIndex(p, "instance-profile/"); i >= 0 {
		p = p[i+len("instance-profile/"):]
		return p[strings.LastIndexByte(p, '/')+1:]
	}
	return p
}

func nameOr(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

// auroraClone writes, once per Aurora cluster, the copy-on-write clone in
// the new DB subnet group with one instance per member. Binlog replication
// from the old cluster and the cut-over are done by hand (README.md).
func (w *tfWriter) auroraClone(rg *tfRegion, m *Move, res *model.Resource, done map[string]bool) error {
	cluster := w.clusterOf(rg, m, res)
	clusterID := m.Resource
	var members []string
	engine := ""
	if cluster != nil {
		clusterID, members, engine = cluster.ID, cluster.MemberIDs, cluster.Engine
	} else if res != nil && res.DB != nil {
		if res.DB.ClusterID != "" {
			clusterID = res.DB.ClusterID
		}
		members, engine = []string{res.ID}, res.DB.Engine
	}
	if done["cluster:"+clusterID] {
		return nil
	}
	done["cluster:"+clusterID] = true
	if m.SubnetGroup == "" {
		return fmt.Errorf("aurora-clone without a subnet group")
	}
	name := w.names.claim("aws_rds_cluster", rg.prefix, clusterID+"_clone", "cluster")
	b := w.resource(w.placement, rg, []string{
		"Copy-on-write clone of " + clusterID + " in the isolated subnets: " + m.Reason,
		"Before cloning, turn on binary logging (binlog_format in the cluster parameter group) on " + clusterID + ",",
		"then replicate from it into the clone, cut over when Seconds_Behind_Master is 0, and delete " + clusterID + " outside Terraform.",
		"Set db_cluster_parameter_group_name if the cluster uses its own parameter group.",
	}, "aws_rds_cluster", name)
	setString(b, "cluster_identifier", clusterID+"-private")
	if engine == "" {
		engine = "aurora-mysql"
	}
	setString(b, "engine", engine)
	setRef(b, "db_subnet_group_name", rg.tfPath("subnet-group:"+m.SubnetGroup))
	setRefs(b, "vpc_security_group_ids", rg.refs(m.NewGroups))
	restore := b.AppendNewBlock("restore_to_point_in_time", nil).Body()
	setString(restore, "source_cluster_identifier", clusterID)
	setString(restore, "restore_type", "copy-on-write")
	setBool(restore, "use_latest_restorable_time", true)
	setTags(b, map[string]string{"Name": clusterID + "-private", "vpcdoctor:replaces": clusterID})
	w.copies = append(w.copies, address("aws_rds_cluster", name))
	for _, id := range members {
		mem := w.memberResource(rg, id)
		in := w.names.claim("aws_rds_cluster_instance", rg.prefix, id+"_clone", "instance")
		ib := w.resource(w.placement, rg, []string{"Takes the place of " + id + "."}, "aws_rds_cluster_instance", in)
		setString(ib, "identifier", id+"-private")
		setRef(ib, "cluster_identifier", tfPath("aws_rds_cluster", name, "id"))
		setRef(ib, "engine", tfPath("aws_rds_cluster", name, "engine"))
		if mem != nil && mem.DB != nil && mem.DB.Class != "" {
			setString(ib, "instance_class", mem.DB.Class)
		} else {
			setRef(ib, "instance_class", w.variable(rg, "instance_class_"+tfIdent(id), "Instance class of the clone of "+id+".", "", false))
		}
		setRef(ib, "db_subnet_group_name", rg.tfPath("subnet-group:"+m.SubnetGroup))
		setBool(ib, "publicly_accessible", false)
		w.copies = append(w.copies, address("aws_rds_cluster_instance", in))
	}
	return nil
}

// clusterOf finds the DB cluster a move is about: the move's resource is
// the cluster, or a member instance.
func (w *tfWriter) clusterOf(rg *tfRegion, m *Move, res *model.Resource) *model.DBCluster {
	if rg.model == nil {
		return nil
	}
	id := m.Resource
	if res != nil && res.DB != nil && res.DB.ClusterID != "" {
		id = res.DB.ClusterID
	}
	for _, c := range rg.model.DBClusters {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (w *tfWriter) memberResource(rg *tfRegion, id string) *model.Resource {
	if rg.model == nil {
		return nil
	}
	return rg.model.Resource(model.KindDBInstance, id)
}

// rdsReplica writes a read replica of a non-Aurora DB instance in the new
// DB subnet group; it is promoted at the cut-over, by hand.
func (w *tfWriter) rdsReplica(rg *tfRegion, m *Move, res *model.Resource) error {
	if m.SubnetGroup == "" {
		return fmt.Errorf("rds-read-replica without a subnet group")
	}
	name := w.names.claim("aws_db_instance", rg.prefix, m.Resource+"_replica", "replica")
	b := w.resource(w.placement, rg, []string{
		"Read replica of " + m.Resource + " in the isolated subnets: " + m.Reason,
		"At the cut-over, promote it (aws rds promote-read-replica), point the application at it, then delete " + m.Resource + " outside Terraform",
		"and remove replicate_source_db from this block.",
	}, "aws_db_instance", name)
	setString(b, "identifier", m.Resource+"-private")
	setString(b, "replicate_source_db", m.Resource)
	if res != nil && res.DB != nil && res.DB.Class != "" {
		setString(b, "instance_class", res.DB.Class)
	} else {
		setRef(b, "instance_class", w.variable(rg, "instance_class_"+tfIdent(m.Resource), "Instance class of the replica of "+m.Resource+".", "", false))
	}
	setRef(b, "db_subnet_group_name", rg.tfPath("subnet-group:"+m.SubnetGroup))
	setRefs(b, "vpc_security_group_ids", rg.refs(m.NewGroups))
	setBool(b, "publicly_accessible", false)
	setBool(b, "skip_final_snapshot", true)
	setTags(b, map[string]string{"Name": m.Resource + "-private", "vpcdoctor:replaces": m.Resource})
	w.copies = append(w.copies, address("aws_db_instance", name))
	return nil
}

// cacheRestore writes, once per replication group (or standalone cluster),
// the new cache in the new subnet group, restored from a snapshot taken
// just before.
func (w *tfWriter) cacheRestore(rg *tfRegion, m *Move, res *model.Resource, done map[string]bool) error {
	if m.SubnetGroup == "" {
		return fmt.Errorf("elasticache-snapshot-restore without a subnet group")
	}
	var info model.CacheInfo
	if res != nil && res.Cache != nil {
		info = *res.Cache
	}
	id := nameOr(info.ReplicationGroup, m.Resource)
	if done["cache:"+id] {
		return nil
	}
	done["cache:"+id] = true
	members := 0
	if rg.model != nil && info.ReplicationGroup != "" {
		for _, r := range rg.model.Resources {
			if r.Cache != nil && r.Cache.ReplicationGroup == info.ReplicationGroup {
				members++
			}
		}
	}
	newID := id + "-private"
	memcached := strings.EqualFold(info.Engine, "memcached")
	var snapshot tfRef
	if !memcached {
		snap := id + "-vpcdoctor-move"
		snapshot = w.variable(rg, "cache_snapshot_"+tfIdent(id),
			"Snapshot of "+id+" to restore into "+newID+": take it just before (aws elasticache create-snapshot --"+cacheFlag(info)+" "+cacheSnapshotSource(info, m)+" --snapshot-name "+snap+"); writes after it are lost unless the application writes to both.",
			snap, true)
	}
	comments := []string{"Takes the place of " + id + " in the isolated subnets: " + m.Reason,
		"Point the application at the new endpoint, then delete " + id + " outside Terraform."}
	if memcached {
		comments = append(comments, "Memcached has no snapshots: the new cluster starts empty.")
	}
	engine := nameOr(info.Engine, "redis")
	if info.ReplicationGroup != "" {
		name := w.names.claim("aws_elasticache_replication_group", rg.prefix, newID, "cache")
		b := w.resource(w.placement, rg, comments, "aws_elasticache_replication_group", name)
		setString(b, "replication_group_id", newID)
		setString(b, "description", "vpcdoctor plan: "+id+" in isolated subnets")
		setString(b, "engine", engine)
		w.setCacheCommon(rg, b, m, info, snapshot)
		if members > 0 {
			setInt(b, "num_cache_clusters", members)
		}
		setTags(b, map[string]string{"Name": newID, "vpcdoctor:replaces": id})
		w.copies = append(w.copies, address("aws_elasticache_replication_group", name))
		return nil
	}
	name := w.names.claim("aws_elasticache_cluster", rg.prefix, newID, "cache")
	b := w.resource(w.placement, rg, comments, "aws_elasticache_cluster", name)
	setString(b, "cluster_id", newID)
	setString(b, "engine", engine)
	setInt(b, "num_cache_nodes", 1)
	w.setCacheCommon(rg, b, m, info, snapshot)
	setTags(b, map[string]string{"Name": newID, "vpcdoctor:replaces": id})
	w.copies = append(w.copies, address("aws_elasticache_cluster", name))
	return nil
}

func (w *tfWriter) setCacheCommon(rg *tfRegion, b *hclwrite.Body, m *Move, info model.CacheInfo, snapshot tfRef) {
	if info.NodeType != "" {
		setString(b, "node_type", info.NodeType)
	} else {
		setRef(b, "node_type", w.variable(rg, "node_type_"+tfIdent(m.Resource), "Node type of the cache that replaces "+m.Resource+".", "", false))
	}
	if info.Port != 0 {
		setInt(b, "port", info.Port)
	}
	setRef(b, "subnet_group_name", rg.tfPath("subnet-group:"+m.SubnetGroup))
	setRefs(b, "security_group_ids", rg.refs(m.NewGroups))
	if snapshot.traversal != nil {
		setRef(b, "snapshot_name", snapshot)
	}
}

func cacheFlag(info model.CacheInfo) string {
	if info.ReplicationGroup != "" {
		return "replication-group-id"
	}
	return "cache-cluster-id"
}

func cacheSnapshotSource(info model.CacheInfo, m *Move) string {
	return nameOr(info.ReplicationGroup, m.Resource)
}

// updateExisting takes over an existing resource whose subnets or groups
// change: an import block (imports.tf) and a block with what the plan
// knows; a person completes what it does not.
func (w *tfWriter) updateExisting(rg *tfRegion, m *Move, res *model.Resource, done map[string]bool) error {
	subnets := m.ToSubnets
	if len(subnets) == 0 {
		subnets = m.FromSubnets
	}
	groups := m.NewGroups
	if len(groups) == 0 {
		groups = m.OldGroups
	}
	head := moveLabel(m) + " (" + m.Method + "): " + m.Reason
	switch model.ResourceKind(m.Kind) {
	case model.KindInstance:
		name := w.names.claim("aws_instance", rg.prefix, nameOr(m.Name, m.Resource), "instance")
		what := "every other attribute the instance has (user_data, key_name, volumes, ...)"
		b := w.existing(rg, "aws_instance", name, m.Resource, []string{head, "Fill in " + what + ", " + generateHint,
			"A change of ami or user_data would replace the instance: the plan must show an in-place update."}, what)
		if res != nil && res.Instance != nil {
			setString(b, "ami", res.Instance.ImageID)
			setString(b, "instance_type", res.Instance.InstanceType)
		}
		if len(subnets) > 0 {
			setRef(b, "subnet_id", rg.tfPath(subnets[0]))
		}
		setRefs(b, "vpc_security_group_ids", rg.refs(groups))
	case model.KindLambda:
		name := w.names.claim("aws_lambda_function", rg.prefix, m.Resource, "function")
		what := "role, handler, runtime and the code (filename, s3_bucket and s3_key, or image_uri)"
		b := w.existing(rg, "aws_lambda_function", name, m.Resource, []string{head, "Fill in " + what + ", " + generateHint}, what)
		setString(b, "function_name", m.Resource)
		vc := b.AppendNewBlock("vpc_config", nil).Body()
		setRefs(vc, "subnet_ids", rg.refs(subnets))
		setRefs(vc, "security_group_ids", rg.refs(groups))
	case model.KindECSService:
		cluster, service := ecsServiceID(m, res)
		name := w.names.claim("aws_ecs_service", rg.prefix, service, "service")
		what := "task_definition, desired_count, launch_type and load_balancer blocks"
		b := w.existing(rg, "aws_ecs_service", name, cluster+"/"+service, []string{head, "Fill in " + what + ", " + generateHint,
			"The plan must show an in-place update: a replaced service stops its tasks."}, what)
		setString(b, "name", service)
		if res != nil && res.ECS != nil && res.ECS.Cluster != "" {
			setString(b, "cluster", res.ECS.Cluster)
		} else {
			setString(b, "cluster", cluster)
		}
		nc := b.AppendNewBlock("network_configuration", nil).Body()
		setRefs(nc, "subnets", rg.refs(subnets))
		setRefs(nc, "security_groups", rg.refs(groups))
		setBool(nc, "assign_public_ip", false)
	case model.KindLoadBalancer:
		w.existingLB(rg, m, res, head, subnets, groups)
	case model.KindVPCEndpoint:
		name := w.names.claim("aws_vpc_endpoint", rg.prefix, m.Resource, "endpoint")
		var ep *model.VPCEndpoint
		if rg.model != nil {
			for _, e := range rg.model.VPCEndpoints {
				if e.ID == m.Resource {
					ep = e
				}
			}
		}
		what := ""
		if ep == nil {
			what = "vpc_id and service_name"
		}
		comments := []string{head}
		if what != "" {
			comments = append(comments, "Fill in "+what+", "+generateHint)
		}
		b := w.existing(rg, "aws_vpc_endpoint", name, m.Resource, comments, what)
		if ep != nil {
			setRef(b, "vpc_id", rg.vpcRef(ep.VPCID))
			setString(b, "service_name", ep.ServiceName)
			setString(b, "vpc_endpoint_type", ep.Type)
			setBool(b, "private_dns_enabled", ep.PrivateDNSEnabled)
			setTags(b, ep.Tags)
		}
		setRefs(b, "subnet_ids", rg.refs(subnets))
		setRefs(b, "security_group_ids", rg.refs(groups))
	case model.KindDBInstance:
		w.existingDB(rg, m, res, head, groups, done)
	case model.KindCacheCluster:
		var info model.CacheInfo
		if res != nil && res.Cache != nil {
			info = *res.Cache
		}
		if info.ReplicationGroup != "" {
			if done["cache:"+info.ReplicationGroup] {
				return nil
			}
			done["cache:"+info.ReplicationGroup] = true
			name := w.names.claim("aws_elasticache_replication_group", rg.prefix, info.ReplicationGroup, "cache")
			what := "description, node_type and the other attributes it has"
			b := w.existing(rg, "aws_elasticache_replication_group", name, info.ReplicationGroup, []string{head, "Fill in " + what + ", " + generateHint}, what)
			setString(b, "replication_group_id", info.ReplicationGroup)
			setRefs(b, "security_group_ids", rg.refs(groups))
			return nil
		}
		name := w.names.claim("aws_elasticache_cluster", rg.prefix, m.Resource, "cache")
		what := "engine, node_type and the other attributes it has"
		b := w.existing(rg, "aws_elasticache_cluster", name, m.Resource, []string{head, "Fill in " + what + ", " + generateHint}, what)
		setString(b, "cluster_id", m.Resource)
		setRefs(b, "security_group_ids", rg.refs(groups))
	case model.KindNATGateway:
		w.placement.note(head + " NAT gateways carry no security group: nothing to change.")
	default:
		return fmt.Errorf("no Terraform resource for kind %q", m.Kind)
	}
	return nil
}

// existing writes an imported resource's block and its import block, and
// records what a person must fill in ("" for nothing).
func (w *tfWriter) existing(rg *tfRegion, typ, name, id string, comments []string, fillIn string) *hclwrite.Body {
	b := w.resource(w.placement, rg, comments, typ, name)
	w.importBlock(rg, []string{id + ": its network configuration changes (placement.tf)."}, typ, name, id)
	w.switches = append(w.switches, address(typ, name))
	if fillIn != "" {
		w.fillIn = append(w.fillIn, tfFillIn{address(typ, name), fillIn})
	}
	return b
}

// existingLB takes over a load balancer: new subnets (internal ones) and
// new groups.
func (w *tfWriter) existingLB(rg *tfRegion, m *Move, res *model.Resource, head string, subnets, groups []string) {
	var lb model.LoadBalancer
	if res != nil && res.LoadBalancer != nil {
		lb = *res.LoadBalancer
	}
	lbName := nameOr(lb.Name, m.Resource)
	// internal and the type force a new load balancer when they differ:
	// they are set only when known.
	internal, known := false, lb.Scheme != ""
	switch {
	case known:
		internal = lb.Scheme == "internal"
	case m.Method == MoveLBSubnets:
		internal, known = true, true
	}
	unknown := ""
	if !known {
		unknown = "internal, "
	}
	if lb.Type == model.LBClassic {
		name := w.names.claim("aws_elb", rg.prefix, lbName, "elb")
		what := unknown + "listener blocks and health_check"
		b := w.existing(rg, "aws_elb", name, lbName, []string{head, "Fill in " + what + ", " + generateHint}, what)
		setString(b, "name", lbName)
		if known {
			setBool(b, "internal", internal)
		}
		setRefs(b, "subnets", rg.refs(subnets))
		setRefs(b, "security_groups", rg.refs(groups))
		return
	}
	name := w.names.claim("aws_lb", rg.prefix, lbName, "lb")
	what := unknown + "the other attributes it has (access_logs, idle_timeout, ...)"
	if lb.Type == "" {
		what = unknown + "load_balancer_type and the other attributes it has (access_logs, idle_timeout, ...)"
	}
	comments := []string{head, "Fill in " + what + ", " + generateHint}
	if lb.Type == model.LBNetwork {
		comments = append(comments, "A network load balancer cannot drop subnets in place: the plan must show an in-place update, not a replacement.")
	}
	id := lb.ARN
	if id == "" && res != nil {
		id = res.ARN
	}
	id = nameOr(id, m.Resource)
	b := w.existing(rg, "aws_lb", name, id, comments, what)
	setString(b, "name", lbName)
	if known {
		setBool(b, "internal", internal)
	}
	if lb.Type != "" {
		setString(b, "load_balancer_type", string(lb.Type))
	}
	setRefs(b, "subnets", rg.refs(subnets))
	if len(groups) > 0 {
		setRefs(b, "security_groups", rg.refs(groups))
	}
}

// existingDB changes the groups of a DB instance that stays, or of its
// Aurora cluster (Aurora keeps groups on the cluster), once per cluster.
func (w *tfWriter) existingDB(rg *tfRegion, m *Move, res *model.Resource, head string, groups []string, done map[string]bool) {
	if c := w.clusterOf(rg, m, res); c != nil {
		if done["cluster:"+c.ID] {
			return
		}
		done["cluster:"+c.ID] = true
		name := w.names.claim("aws_rds_cluster", rg.prefix, c.ID, "cluster")
		what := "the attributes it has (master_username, backup settings, ...)"
		head = "DB cluster " + c.ID + " (" + m.Method + "): Aurora keeps the groups on the cluster. " + m.Reason
		b := w.existing(rg, "aws_rds_cluster", name, c.ID, []string{head, "Fill in " + what + ", " + generateHint}, what)
		setString(b, "cluster_identifier", c.ID)
		setString(b, "engine", c.Engine)
		setRefs(b, "vpc_security_group_ids", rg.refs(groups))
		return
	}
	name := w.names.claim("aws_db_instance", rg.prefix, m.Resource, "db")
	what := "the attributes it has (allocated_storage, username, ...)"
	b := w.existing(rg, "aws_db_instance", name, m.Resource, []string{head, "Fill in " + what + ", " + generateHint}, what)
	setString(b, "identifier", m.Resource)
	if res != nil && res.DB != nil {
		setString(b, "instance_class", res.DB.Class)
		setString(b, "engine", res.DB.Engine)
	}
	setRefs(b, "vpc_security_group_ids", rg.refs(groups))
	if m.DropsPublicIP {
		setBool(b, "publicly_accessible", false)
	}
}

// ecsServiceID returns an ECS service's cluster name and service name, as
// the import ID "cluster/service" wants them.
func ecsServiceID(m *Move, res *model.Resource) (cluster, service string) {
	arn := m.Resource
	if i := strings.Index(arn, ":service/"); i >= 0 {
		parts := strings.Split(arn[i+len(":service/"):], "/")
		if len(parts) == 2 {
			cluster, service = parts[0], parts[1]
		} else {
			service = parts[len(parts)-1]
		}
	} else {
		service = arn
	}
	if res != nil && res.ECS != nil {
		if c := res.ECS.Cluster; c != "" && cluster == "" {
			cluster = c[strings.LastIndexByte(c, '/')+1:]
		}
		if res.ECS.Service != "" {
			service = res.ECS.Service
		}
	}
	if service == "" {
		service = m.Name
	}
	return cluster, service
}
