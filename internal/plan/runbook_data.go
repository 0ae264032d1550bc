package plan

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// data is stage 4: databases and caches move to isolated subnets by a copy
// that catches up and a short cut-over (AWS-SEMANTICS.md §8: RDS/Aurora
// cannot switch to other subnets of the same VPC in place).
func (b *stageBuilder) data() *Stage {
	st := b.newStage(4, "Database cut-over", StageCutover, RiskHigh,
		"Writes stop for the cut-over (minutes), and the database's name moves to the copy: applications reconnect to the same endpoint name. "+
			"If replication is behind when writes resume on the copy, those writes are lost on it; the checks make sure it is not. "+
			"A cache restored from a snapshot misses what was written after the snapshot. The old databases and caches stay, unused, until stage 6. "+
			"Who notices: the applications (errors while writes are stopped), and whoever runs the cut-over.")
	b.eachRegion(func() {
		seen := map[string]bool{}
		for _, m := range b.rp.Moves {
			switch m.Method {
			case MoveAuroraClone:
				c := b.clusterOf(m)
				if !seen["cluster:"+c.ID] {
					seen["cluster:"+c.ID] = true
					b.auroraClone(m, c)
				}
			case MoveRDSReplica:
				b.rdsReplica(m)
			case MoveCacheSnapshot:
				id, isGroup := b.cacheIDOf(m)
				if !seen["cache:"+id] {
					seen["cache:"+id] = true
					b.cacheRestore(m, id, isGroup)
				}
			}
		}
	})
	b.eachRegion(func() {
		seen := map[string]bool{}
		for _, m := range b.rp.Moves {
			switch m.Method {
			case MoveAuroraClone, MoveRDSReplica:
				id := m.Resource
				q := "DBInstances[0].[DBInstanceIdentifier,DBSubnetGroup.DBSubnetGroupName,DBInstanceStatus]"
				call := []string{"rds", "describe-db-instances", "--db-instance-identifier"}
				if m.Method == MoveAuroraClone {
					id = b.clusterOf(m).ID
					q = "DBClusters[0].[DBClusterIdentifier,DBSubnetGroup,Status]"
					call = []string{"rds", "describe-db-clusters", "--db-cluster-identifier"}
				}
				if seen[id] {
					continue
				}
				seen[id] = true
				b.check(i18n.M("plan.check.database-copy", id),
					i18n.M("plan.expect.database-copy", id, subnetGroupOf(m, id)),
					append(call, id, "--query", q, "--output", "text")...)
			case MoveCacheSnapshot:
				id, isGroup := b.cacheIDOf(m)
				if seen[id] {
					continue
				}
				seen[id] = true
				if isGroup {
					b.check(i18n.M("plan.check.cache-copy", id+"-new"),
						i18n.M("plan.expect.cache-copy", id+"-new", id+"-new"),
						"elasticache", "describe-replication-groups", "--replication-group-id", id+"-new",
						"--query", "ReplicationGroups[0].[ReplicationGroupId,Status]", "--output", "text")
				} else {
					b.check(i18n.M("plan.check.cache-copy", id+"-new"),
						i18n.M("plan.expect.cache-copy", id+"-new", id+"-new"),
						"elasticache", "describe-cache-clusters", "--cache-cluster-id", id+"-new",
						"--query", "CacheClusters[0].[CacheClusterId,CacheClusterStatus]", "--output", "text")
				}
			}
		}
	})
	return st
}

// subnetGroupOf is a move's new DB or cache subnet group: the plan's, or
// "<id>-private".
func subnetGroupOf(m *Move, id string) string {
	if m.SubnetGroup != "" {
		return m.SubnetGroup
	}
	return id + "-private"
}

// clusterOf finds the Aurora cluster of a move: the move may name the
// cluster or one of its instances.
func (b *stageBuilder) clusterOf(m *Move) *model.DBCluster {
	if b.reg != nil {
		id := m.Resource
		if r := b.resource(m); r != nil && r.DB != nil && r.DB.ClusterID != "" {
			id = r.DB.ClusterID
		}
		for _, c := range b.reg.DBClusters {
			if c.ID == id {
				return c
			}
		}
	}
	return &model.DBCluster{ID: m.Resource, MemberIDs: []string{}}
}

// subnetGroupStep creates a DB subnet group of the isolated subnets.
func (b *stageBuilder) subnetGroupStep(m *Move, id string) string {
	name := subnetGroupOf(m, id)
	s := b.step("DB subnet group "+name+" (isolated subnets)", name)
	args := []string{"rds", "create-db-subnet-group", "--db-subnet-group-name", name,
		"--db-subnet-group-description", "Isolated subnets for " + id + " (vpcdoctor plan)", "--subnet-ids"}
	args = append(args, refs(m.ToSubnets)...)
	s.do(append(args, "--tags", tagsArg(name, name))...)
	s.undo("rds", "delete-db-subnet-group", "--db-subnet-group-name", name)
	return name
}

// auroraClone moves an Aurora cluster: a copy-on-write clone in the new DB
// subnet group, binlog replication from the old writer to catch up, and a
// cut-over that gives the clone the cluster's name.
func (b *stageBuilder) auroraClone(m *Move, c *model.DBCluster) {
	x, xNew, xOld := c.ID, c.ID+"-new", c.ID+"-old"
	subnetGroup := b.subnetGroupStep(m, x)
	groups := refs(m.NewGroups)

	bin := b.step("Binary log of "+x+" (needed for the replication)", x)
	bin.do("rds", "describe-db-clusters", "--db-cluster-identifier", x,
		"--query", "DBClusters[0].[DBClusterParameterGroup,EngineVersion]", "--output", "text")
	bin.manual("Replication needs the binary log on %[1]s's writer: binlog_format ROW in its cluster parameter group (printed above). "+
		"If it is OFF: a default group cannot change, so create one "+
		"(aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name %[1]s-binlog --db-parameter-group-family FAMILY --description 'binlog on'), "+
		"set it (aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name GROUP --parameters ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot), "+
		"give it to the cluster (aws rds modify-db-cluster --db-cluster-identifier %[1]s --db-cluster-parameter-group-name GROUP --apply-immediately) "+
		"and reboot the writer (aws rds reboot-db-instance --db-instance-identifier WRITER): a short outage, plan it. "+
		"Then keep the log long enough for the copy to catch up: on the writer, CALL mysql.rds_set_configuration('binlog retention hours', 24);", x)

	clone := b.step("Clone "+x+" as "+xNew+" in "+subnetGroup, xNew)
	restore := []string{"rds", "restore-db-cluster-to-point-in-time", "--source-db-cluster-identifier", x,
		"--db-cluster-identifier", xNew, "--restore-type", "copy-on-write", "--use-latest-restorable-time",
		"--db-subnet-group-name", subnetGroup, "--vpc-security-group-ids"}
	restore = append(restore, groups...)
	clone.do(append(restore, "--tags", tagsArg(xNew, xNew))...)
	members := b.clusterMembers(c, m)
	// create-db-instance requires the engine and the class: a member whose
	// engine or class the inventory does not say is created by hand.
	var unknown []string
	for _, mem := range members {
		if mem.engine == "" || mem.class == "" {
			unknown = append(unknown, mem.id)
			continue
		}
		clone.do("rds", "create-db-instance", "--db-instance-identifier", mem.id+"-new", "--db-cluster-identifier", xNew,
			"--engine", mem.engine, "--db-instance-class", mem.class,
			"--no-publicly-accessible", "--tags", tagsArg(mem.id+"-new", mem.id+"-new"))
	}
	for _, mem := range members {
		if mem.engine != "" && mem.class != "" {
			clone.do("rds", "wait", "db-instance-available", "--db-instance-identifier", mem.id+"-new")
		}
	}
	for _, id := range unknown {
		clone.manual("The snapshot does not say the engine and class of %[1]s: read them "+
			"(aws rds describe-db-instances --db-instance-identifier %[1]s --query 'DBInstances[0].[Engine,DBInstanceClass]' --output text), "+
			"create %[1]s-new in %[2]s with them "+
			"(aws rds create-db-instance --db-instance-identifier %[1]s-new --db-cluster-identifier %[2]s --engine ENGINE --db-instance-class CLASS --no-publicly-accessible) "+
			"and wait for it (aws rds wait db-instance-available --db-instance-identifier %[1]s-new).", id, xNew)
	}
	for _, mem := range members {
		clone.undo("rds", "delete-db-instance", "--db-instance-identifier", mem.id+"-new", "--skip-final-snapshot")
	}
	for _, mem := range members {
		clone.undo("rds", "wait", "db-instance-deleted", "--db-instance-identifier", mem.id+"-new")
	}
	clone.undo("rds", "delete-db-cluster", "--db-cluster-identifier", xNew, "--skip-final-snapshot")
	clone.manual("The clone starts with AWS's default cluster parameter group: if %[1]s uses its own (step %[2]s printed it), "+
		"give it to %[3]s (aws rds modify-db-cluster --db-cluster-identifier %[3]s --db-cluster-parameter-group-name GROUP --apply-immediately) "+
		"and reboot its writer, so that time zone, character set and the like stay the same.", x, bin.ID, xNew)

	writer := c.Endpoint
	if writer == "" {
		writer = x + "'s cluster (writer) endpoint"
	}
	rep := b.step("Replicate from "+x+" to "+xNew, xNew)
	rep.do("rds", "describe-events", "--source-type", "db-cluster", "--source-identifier", xNew, "--duration", "1440",
		"--query", "Events[?contains(Message, 'inlog')].Message", "--output", "text")
	rep.manual("Set up binlog replication from %[1]s to %[2]s (MySQL, as the master user):\n"+
		"  1. On %[1]s's writer: CREATE USER 'repl'@'%%' IDENTIFIED BY 'PASSWORD'; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%%';\n"+
		"  2. The clone's event printed above names the binlog file and position it was made at (\"Binlog position from crash recovery is FILE POSITION\").\n"+
		"  3. On %[2]s's writer: CALL mysql.rds_set_external_master('%[3]s', %[4]d, 'repl', 'PASSWORD', 'FILE', POSITION, 0); CALL mysql.rds_start_replication;\n"+
		"  4. Check on %[2]s: SHOW SLAVE STATUS\\G shows Slave_IO_Running: Yes, Slave_SQL_Running: Yes, and Seconds_Behind_Master falling to 0.\n"+
		"%[2]s's group (%[5]s) reaches %[1]s through %[1]s's old groups, which stay until stage 5.",
		x, xNew, writer, portOr(c.Port, 3306), strings.Join(m.NewGroups, ", "))

	stop := b.step("Stop writes to "+x+" and let "+xNew+" catch up", x)
	stop.manual("Stop the applications' writes to %[1]s (maintenance mode, or scale the writers to zero). "+
		"On %[2]s: SHOW SLAVE STATUS\\G until Seconds_Behind_Master is 0 and Exec_Master_Log_Pos equals the Position of SHOW MASTER STATUS on %[1]s's writer. "+
		"Only then go on: the next step gives %[2]s the name %[1]s.", x, xNew)

	cut := b.step("Cut over: "+xNew+" takes the name "+x, x)
	cut.do("rds", "modify-db-cluster", "--db-cluster-identifier", x, "--new-db-cluster-identifier", xOld, "--apply-immediately")
	cut.do("rds", "wait", "db-cluster-available", "--db-cluster-identifier", xOld)
	cut.do("rds", "modify-db-cluster", "--db-cluster-identifier", xNew, "--new-db-cluster-identifier", x, "--apply-immediately")
	cut.do("rds", "wait", "db-cluster-available", "--db-cluster-identifier", x)
	for _, mem := range members {
		cut.do("rds", "modify-db-instance", "--db-instance-identifier", mem.id, "--new-db-instance-identifier", mem.id+"-old", "--apply-immediately")
		cut.do("rds", "wait", "db-instance-available", "--db-instance-identifier", mem.id+"-old")
		cut.do("rds", "modify-db-instance", "--db-instance-identifier", mem.id+"-new", "--new-db-instance-identifier", mem.id, "--apply-immediately")
		cut.do("rds", "wait", "db-instance-available", "--db-instance-identifier", mem.id)
	}
	for i := len(members) - 1; i >= 0; i-- {
		mem := members[i]
		cut.undo("rds", "modify-db-instance", "--db-instance-identifier", mem.id, "--new-db-instance-identifier", mem.id+"-new", "--apply-immediately")
		cut.undo("rds", "wait", "db-instance-available", "--db-instance-identifier", mem.id+"-new")
		cut.undo("rds", "modify-db-instance", "--db-instance-identifier", mem.id+"-old", "--new-db-instance-identifier", mem.id, "--apply-immediately")
		cut.undo("rds", "wait", "db-instance-available", "--db-instance-identifier", mem.id)
	}
	cut.undo("rds", "modify-db-cluster", "--db-cluster-identifier", x, "--new-db-cluster-identifier", xNew, "--apply-immediately")
	cut.undo("rds", "wait", "db-cluster-available", "--db-cluster-identifier", xNew)
	cut.undo("rds", "modify-db-cluster", "--db-cluster-identifier", xOld, "--new-db-cluster-identifier", x, "--apply-immediately")
	cut.undo("rds", "wait", "db-cluster-available", "--db-cluster-identifier", x)
	cut.manual("A rename is not safe to repeat: if this step stopped halfway, look at `aws rds describe-db-clusters` and finish the renames by hand. "+
		"The endpoint names follow the identifiers within a minute or two: applications reconnect to %[1]s and reach the copy.", x)

	done := b.step("Stop the replication and resume writes on "+x, x)
	done.manual("On %[1]s (the former %[2]s): CALL mysql.rds_stop_replication; CALL mysql.rds_reset_external_master; "+
		"then resume the applications' writes and check they write to the copy (SELECT @@aurora_server_id;). "+
		"Drop the 'repl' user. %[3]s stays, unused, until stage 6; to go back, undo this stage (writes made since the cut-over are only on %[1]s).",
		x, xNew, xOld)
}

// member is one DB instance of a cluster to clone.
type member struct{ id, engine, class string }

// clusterMembers lists a cluster's instances with their engine and class,
// from the inventory, else from the region's aurora-clone moves.
func (b *stageBuilder) clusterMembers(c *model.DBCluster, m *Move) []member {
	ids := append([]string{}, c.MemberIDs...)
	if len(ids) == 0 {
		for _, o := range b.rp.Moves {
			if o.Method == MoveAuroraClone && o.Kind == string(model.KindDBInstance) && (o.Resource == m.Resource || b.clusterOf(o).ID == c.ID) {
				ids = append(ids, o.Resource)
			}
		}
	}
	sortStrings(ids)
	out := make([]member, 0, len(ids))
	for _, id := range ids {
		mem := member{id: id, engine: c.Engine}
		if b.reg != nil {
			if r := b.reg.Resource(model.KindDBInstance, id); r != nil && r.DB != nil {
				mem.class = r.DB.Class
				if r.DB.Engine != "" {
					mem.engine = r.DB.Engine
				}
			}
		}
		out = append(out, mem)
	}
	return out
}

// portOr is p, or def when p is 0.
func portOr(p, def int) int {
	if p == 0 {
		return def
	}
	return p
}

// rdsReplica moves a non-Aurora DB instance: a read replica in the new DB
// subnet group, promoted at the cut-over and renamed to the old name.
func (b *stageBuilder) rdsReplica(m *Move) {
	d, dNew, dOld := m.Resource, m.Resource+"-new", m.Resource+"-old"
	subnetGroup := b.subnetGroupStep(m, d)
	rep := b.step("Read replica "+dNew+" of "+d+" in "+subnetGroup, dNew)
	args := []string{"rds", "create-db-instance-read-replica", "--db-instance-identifier", dNew, "--source-db-instance-identifier", d,
		"--db-subnet-group-name", subnetGroup, "--vpc-security-group-ids"}
	args = append(args, refs(m.NewGroups)...)
	rep.do(append(args, "--no-publicly-accessible", "--tags", tagsArg(dNew, dNew))...)
	rep.do("rds", "wait", "db-instance-available", "--db-instance-identifier", dNew)
	rep.undo("rds", "delete-db-instance", "--db-instance-identifier", dNew, "--skip-final-snapshot")
	rep.undo("rds", "wait", "db-instance-deleted", "--db-instance-identifier", dNew)

	stop := b.step("Stop writes to "+d+" and let "+dNew+" catch up", d)
	stop.manual("Stop the applications' writes to %[1]s. Wait until %[2]s has no lag: its ReplicaLag metric is 0 "+
		"(MySQL/MariaDB: SHOW SLAVE STATUS\\G, Seconds_Behind_Master 0; PostgreSQL: pg_stat_replication on %[1]s shows replay_lsn = sent_lsn).", d, dNew)

	cut := b.step("Cut over: promote "+dNew+" and give it the name "+d, d)
	cut.do("rds", "promote-read-replica", "--db-instance-identifier", dNew)
	cut.do("rds", "wait", "db-instance-available", "--db-instance-identifier", dNew)
	cut.do("rds", "modify-db-instance", "--db-instance-identifier", d, "--new-db-instance-identifier", dOld, "--apply-immediately")
	cut.do("rds", "wait", "db-instance-available", "--db-instance-identifier", dOld)
	cut.do("rds", "modify-db-instance", "--db-instance-identifier", dNew, "--new-db-instance-identifier", d, "--apply-immediately")
	cut.do("rds", "wait", "db-instance-available", "--db-instance-identifier", d)
	cut.undo("rds", "modify-db-instance", "--db-instance-identifier", d, "--new-db-instance-identifier", dNew, "--apply-immediately")
	cut.undo("rds", "wait", "db-instance-available", "--db-instance-identifier", dNew)
	cut.undo("rds", "modify-db-instance", "--db-instance-identifier", dOld, "--new-db-instance-identifier", d, "--apply-immediately")
	cut.undo("rds", "wait", "db-instance-available", "--db-instance-identifier", d)
	cut.manual("A promoted replica does not replicate back: after the cut-over, writes land only on %[1]s (the former %[2]s). "+
		"Resume the applications' writes and check they reach it. %[3]s stays, unused, until stage 6.", d, dNew, dOld)
}

// cacheIDOf is the replication group (true) or cache cluster (false) a
// cache move restores.
func (b *stageBuilder) cacheIDOf(m *Move) (string, bool) {
	if r := b.resource(m); r != nil && r.Cache != nil && r.Cache.ReplicationGroup != "" {
		return r.Cache.ReplicationGroup, true
	}
	return m.Resource, false
}

// cacheRestore moves an ElastiCache replication group or cluster: a
// snapshot restored into a new group in the isolated subnets; the
// applications switch endpoints.
func (b *stageBuilder) cacheRestore(m *Move, id string, isGroup bool) {
	var engine, nodeType string
	nodes := 0
	if b.reg != nil {
		for _, r := range b.reg.Resources {
			if r.Cache == nil {
				continue
			}
			if (isGroup && r.Cache.ReplicationGroup == id) || (!isGroup && r.ID == id) {
				nodes++
				engine, nodeType = r.Cache.Engine, r.Cache.NodeType
			}
		}
	}
	if nodes == 0 {
		nodes = 1
	}
	newID, snap, name := id+"-new", id+"-vpcdoctor", subnetGroupOf(m, id)
	sg := b.step("Cache subnet group "+name+" (isolated subnets)", name)
	args := []string{"elasticache", "create-cache-subnet-group", "--cache-subnet-group-name", name,
		"--cache-subnet-group-description", "Isolated subnets for " + id + " (vpcdoctor plan)", "--subnet-ids"}
	args = append(args, refs(m.ToSubnets)...)
	sg.do(append(args, "--tags", tagsArg(name, name))...)
	sg.undo("elasticache", "delete-cache-subnet-group", "--cache-subnet-group-name", name)

	if strings.EqualFold(engine, "memcached") {
		s := b.step("New cache cluster "+newID+" in "+name, newID)
		s.manual("Memcached keeps no snapshots: create %s in %s with the groups %s (aws elasticache create-cache-cluster ...), "+
			"let it warm up, and point the applications at it. Keep %s until stage 6.", newID, name, strings.Join(m.NewGroups, ", "), id)
		return
	}
	snapStep := b.step("Snapshot of "+id, snap)
	source := "--cache-cluster-id"
	if isGroup {
		source = "--replication-group-id"
	}
	snapStep.do("elasticache", "create-snapshot", source, id, "--snapshot-name", snap, "--tags", tagsArg(snap, snap))
	snapStep.undo("elasticache", "delete-snapshot", "--snapshot-name", snap)
	snapStep.manual("Wait until the snapshot is available: aws elasticache describe-snapshots --snapshot-name %s --query 'Snapshots[0].SnapshotStatus'", snap)

	s := b.step("New cache "+newID+" from the snapshot, in "+name, newID)
	var create []string
	if isGroup {
		create = []string{"elasticache", "create-replication-group", "--replication-group-id", newID,
			"--replication-group-description", id + " in isolated subnets (vpcdoctor plan)", "--snapshot-name", snap,
			"--num-cache-clusters", itoa(nodes)}
	} else {
		create = []string{"elasticache", "create-cache-cluster", "--cache-cluster-id", newID, "--snapshot-name", snap,
			"--num-cache-nodes", "1"}
	}
	if engine != "" {
		create = append(create, "--engine", engine)
	}
	if nodeType != "" {
		create = append(create, "--cache-node-type", nodeType)
	}
	create = append(append(create, "--cache-subnet-group-name", name, "--security-group-ids"), refs(m.NewGroups)...)
	s.do(append(create, "--tags", tagsArg(newID, newID))...)
	if isGroup {
		s.do("elasticache", "wait", "replication-group-available", "--replication-group-id", newID)
		s.undo("elasticache", "delete-replication-group", "--replication-group-id", newID, "--no-retain-primary-cluster")
		s.undo("elasticache", "wait", "replication-group-deleted", "--replication-group-id", newID)
	} else {
		s.do("elasticache", "wait", "cache-cluster-available", "--cache-cluster-id", newID)
		s.undo("elasticache", "delete-cache-cluster", "--cache-cluster-id", newID)
		s.undo("elasticache", "wait", "cache-cluster-deleted", "--cache-cluster-id", newID)
	}
	s.manual("%[1]s copies the data, not every setting: compare engine version, parameter group, encryption in transit and AUTH with %[2]s "+
		"(aws elasticache describe-replication-groups / describe-cache-clusters) before switching.", newID, id)

	sw := b.step("Switch the applications to "+newID, newID)
	sw.manual("Point the applications' cache endpoint at %[1]s (its primary endpoint: aws elasticache describe-replication-groups --replication-group-id %[1]s "+
		"--query 'ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address'; a cluster: describe-cache-clusters --show-cache-node-info) and redeploy them. "+
		"Keys written to %[2]s after the snapshot are not in %[1]s: for a cache that is usually fine; for data kept only there, stop writes first. "+
		"%[2]s stays until stage 6; to go back, point the applications at %[2]s again.", newID, id)
}
