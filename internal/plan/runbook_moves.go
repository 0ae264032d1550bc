package plan

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// compute is stage 3: compute moves to the private subnets, each the way
// its service allows (AWS-SEMANTICS.md §8). Every resource keeps its old
// groups beside the new one until stage 5.
func (b *stageBuilder) compute() *Stage {
	st := b.newStage(3, "Move compute to private subnets", StageAdditive, RiskMedium,
		"Each resource restarts in a private subnet: Lambda functions start cold, ECS services roll their tasks (the runbook waits until stable), "+
			"replaced instances take traffic only once healthy in their target groups, and the old ones are stopped, not terminated. "+
			"From now on they reach the internet through the NAT gateway and AWS's APIs through the endpoints: a call to a service neither covers, "+
			"or to a partner that allows only the old public addresses, fails. Who notices: health checks, the services' error rates and logs.")
	b.eachRegion(func() {
		for _, m := range b.rp.Moves {
			switch m.Method {
			case MoveLambdaConfig:
				b.lambdaMove(m)
			case MoveECSConfig:
				if m.Kind != string(model.KindECSTask) {
					b.ecsMove(m)
				}
			case MoveReplaceInstance:
				b.replaceInstance(m)
			case MoveLBSubnets:
				b.lbMove(m)
			case MoveEndpointSubnets:
				b.endpointMove(m)
			}
		}
	})
	b.eachRegion(func() {
		var moved []string
		for _, m := range b.rp.Moves {
			switch m.Method {
			case MoveLambdaConfig, MoveECSConfig, MoveReplaceInstance, MoveLBSubnets, MoveEndpointSubnets:
				moved = append(moved, m.Resource)
			}
		}
		if len(moved) == 0 {
			return
		}
		tgs := map[string]bool{}
		for _, m := range b.rp.Moves {
			if m.Method == MoveReplaceInstance {
				for _, r := range b.targetGroupsOf(m.Resource) {
					tgs[r.arn] = true
				}
			}
		}
		for _, arn := range sortedKeys(tgs) {
			b.check(i18n.M("plan.check.target-group", arn[strings.LastIndex(arn, ":")+1:]), i18n.M("plan.expect.target-group"),
				"elbv2", "describe-target-health", "--target-group-arn", arn,
				"--query", "TargetHealthDescriptions[].[Target.Id,TargetHealth.State]", "--output", "text")
		}
		b.check(i18n.M("plan.check.public-addresses"), i18n.M("plan.expect.public-addresses"),
			"ec2", "describe-network-interfaces", "--query",
			"NetworkInterfaces[?Association.PublicIp].[NetworkInterfaceId,InterfaceType,Description,Association.PublicIp]", "--output", "text")
	})
	b.check(i18n.M("plan.check.no-reject-2"), i18n.M("plan.expect.no-reject-2"))
	return st
}

// lambdaMove moves a function's ENIs by its VPC configuration.
func (b *stageBuilder) lambdaMove(m *Move) {
	s := b.step("Move Lambda function "+m.Resource+" to "+strings.Join(m.ToSubnets, ", "), m.Resource)
	groups := union(m.OldGroups, m.NewGroups)
	s.do("lambda", "update-function-configuration", "--function-name", m.Resource,
		"--vpc-config", jsonArg(map[string][]string{"SubnetIds": refs(m.ToSubnets), "SecurityGroupIds": refs(groups)}))
	s.do("lambda", "wait", "function-updated", "--function-name", m.Resource)
	s.undo("lambda", "update-function-configuration", "--function-name", m.Resource,
		"--vpc-config", jsonArg(map[string][]string{"SubnetIds": refs(m.FromSubnets), "SecurityGroupIds": refs(groups)}))
	s.undo("lambda", "wait", "function-updated", "--function-name", m.Resource)
}

// ecsMove moves an ECS service's tasks by its network configuration, with
// no public address.
func (b *stageBuilder) ecsMove(m *Move) {
	r := b.resource(m)
	cluster, service := ecsNames(m, r)
	s := b.step("Move ECS service "+service+" to "+strings.Join(m.ToSubnets, ", "), m.Resource)
	groups := refs(union(m.OldGroups, m.NewGroups))
	cfg := func(subnets []string, assign string) string {
		return jsonArg(map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": refs(subnets), "securityGroups": groups, "assignPublicIp": assign,
		}})
	}
	s.do("ecs", "update-service", "--cluster", cluster, "--service", service,
		"--network-configuration", cfg(m.ToSubnets, "DISABLED"), "--force-new-deployment")
	s.do("ecs", "wait", "services-stable", "--cluster", cluster, "--services", service)
	s.undo("ecs", "update-service", "--cluster", cluster, "--service", service,
		"--network-configuration", cfg(m.FromSubnets, b.currentAssignPublicIP(m)), "--force-new-deployment")
	s.undo("ecs", "wait", "services-stable", "--cluster", cluster, "--services", service)
}

// lbMove moves an internal load balancer to private subnets.
func (b *stageBuilder) lbMove(m *Move) {
	s := b.step("Move internal load balancer "+m.Resource+" to "+strings.Join(m.ToSubnets, ", "), m.Resource)
	r := b.resource(m)
	if r == nil || r.LoadBalancer == nil || r.LoadBalancer.ARN == "" {
		s.manual("Move load balancer %s to the subnets %s: `aws elbv2 set-subnets --load-balancer-arn ARN --subnets ...` "+
			"(a Classic Load Balancer: attach-load-balancer-to-subnets, then detach-load-balancer-from-subnets). "+
			"The snapshot does not give its ARN.", m.Resource, strings.Join(m.ToSubnets, " "))
		return
	}
	arn := r.LoadBalancer.ARN
	s.do(append([]string{"elbv2", "set-subnets", "--load-balancer-arn", arn, "--subnets"}, refs(m.ToSubnets)...)...)
	s.undo(append([]string{"elbv2", "set-subnets", "--load-balancer-arn", arn, "--subnets"}, refs(m.FromSubnets)...)...)
}

// endpointMove moves an interface endpoint's ENIs to private subnets (one
// subnet per AZ: the old ones leave in the same call).
func (b *stageBuilder) endpointMove(m *Move) {
	s := b.step("Move interface endpoint "+m.Resource+" to "+strings.Join(m.ToSubnets, ", "), m.Resource)
	add, remove := difference(m.ToSubnets, m.FromSubnets), difference(m.FromSubnets, m.ToSubnets)
	do := []string{"ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", m.Resource}
	undo := append([]string{}, do...)
	if len(add) > 0 {
		do = append(append(do, "--add-subnet-ids"), refs(add)...)
		undo = append(append(undo, "--remove-subnet-ids"), refs(add)...)
	}
	if len(remove) > 0 {
		do = append(append(do, "--remove-subnet-ids"), refs(remove)...)
		undo = append(append(undo, "--add-subnet-ids"), refs(remove)...)
	}
	s.do(do...)
	s.undo(undo...)
}

// replacementOf is the placeholder of an instance's replacement, and of
// the image it is made from: "i-new-<old ID without i->".
func replacementOf(instance string) (inst, image string) {
	suffix := strings.TrimPrefix(instance, "i-")
	return "i-new-" + suffix, "ami-new-" + suffix
}

// replaceInstance replaces an instance in a public subnet by a new one in
// the private subnet of its AZ (an instance's primary ENI cannot change
// subnet, AWS-SEMANTICS.md §8), registered before the old one drains. The
// old instance is stopped, not terminated, until stage 6.
func (b *stageBuilder) replaceInstance(m *Move) {
	r := b.resource(m)
	inst, image := replacementOf(m.Resource)
	name := m.Name
	if name == "" {
		name = m.Resource
	}
	subnet := ""
	if len(m.ToSubnets) > 0 {
		subnet = m.ToSubnets[0]
	}
	s := b.step("Replace instance "+m.Resource+" ("+name+") by a new one in "+subnet, m.Resource)
	s.create(image, "ec2", "create-image", "--instance-id", m.Resource, "--name", "vpcdoctor "+m.Resource+" replacement",
		"--description", "Image of "+m.Resource+" ("+name+") for its replacement in a private subnet", "--no-reboot",
		"--tag-specifications", tagSpecs(image, name, "image", "snapshot"),
		"--query", "ImageId", "--output", "text")
	s.do("ec2", "wait", "image-available", "--image-ids", ref(image))
	run := []string{"ec2", "run-instances", "--image-id", ref(image), "--count", "1"}
	if r != nil && r.Instance != nil && r.Instance.InstanceType != "" {
		run = append(run, "--instance-type", r.Instance.InstanceType)
	}
	run = append(run, "--subnet-id", ref(subnet), "--security-group-ids")
	run = append(run, refs(union(m.OldGroups, m.NewGroups))...)
	run = append(run, "--no-associate-public-ip-address", "--iam-instance-profile", instanceProfileArg(r),
		"--tag-specifications", tagSpecs(inst, name, "instance", "volume"),
		"--query", "Instances[0].InstanceId", "--output", "text")
	s.create(inst, run...)
	s.do("ec2", "wait", "instance-running", "--instance-ids", ref(inst))
	tgs := b.targetGroupsOf(m.Resource)
	for _, tg := range tgs {
		target := "Id=" + ref(inst) + ",Port=" + itoa(tg.port)
		s.do("elbv2", "register-targets", "--target-group-arn", tg.arn, "--targets", target)
		s.do("elbv2", "wait", "target-in-service", "--target-group-arn", tg.arn, "--targets", target)
	}
	clbs := b.classicLBsOf(m.Resource)
	for _, lb := range clbs {
		s.do("elb", "register-instances-with-load-balancer", "--load-balancer-name", lb, "--instances", ref(inst))
		s.do("elb", "wait", "instance-in-service", "--load-balancer-name", lb, "--instances", ref(inst))
	}
	for _, lb := range clbs {
		s.undo("elb", "deregister-instances-from-load-balancer", "--load-balancer-name", lb, "--instances", ref(inst))
	}
	for _, tg := range tgs {
		target := "Id=" + ref(inst) + ",Port=" + itoa(tg.port)
		s.undo("elbv2", "deregister-targets", "--target-group-arn", tg.arn, "--targets", target)
		s.undo("elbv2", "wait", "target-deregistered", "--target-group-arn", tg.arn, "--targets", target)
	}
	s.undo("ec2", "terminate-instances", "--instance-ids", ref(inst))
	s.undo("ec2", "wait", "instance-terminated", "--instance-ids", ref(inst))
	s.undo("ec2", "deregister-image", "--image-id", ref(image))
	s.manual("The new instance %s starts from an image of %s taken without a reboot (--no-reboot): for a file system "+
		"that must be consistent, stop the application's writes first, or drop --no-reboot and AWS reboots %s. "+
		"Check that the new instance does %s's work: the application, its cron jobs and agents, and the SSM agent "+
		"(Session Manager replaces SSH: no key pair, no public address; connect with `aws ssm start-session --target INSTANCE-ID`). "+
		"Local data written on %s after the image is not on the new instance.", inst, m.Resource, m.Resource, name, m.Resource)
	if r != nil && r.Instance != nil && r.Instance.AutoScalingGroup != "" {
		s.manual("%s belongs to Auto Scaling group %s: change the group's subnets instead "+
			"(`aws autoscaling update-auto-scaling-group --auto-scaling-group-name %s --vpc-zone-identifier SUBNETS`, then an instance refresh), "+
			"and skip this step's replacement.", m.Resource, r.Instance.AutoScalingGroup, r.Instance.AutoScalingGroup)
	}

	old := b.step("Retire the old instance "+m.Resource+" ("+name+"): deregister and stop it", m.Resource)
	for _, tg := range tgs {
		target := "Id=" + m.Resource + ",Port=" + itoa(tg.port)
		old.do("elbv2", "deregister-targets", "--target-group-arn", tg.arn, "--targets", target)
		old.do("elbv2", "wait", "target-deregistered", "--target-group-arn", tg.arn, "--targets", target)
	}
	for _, lb := range clbs {
		old.do("elb", "deregister-instances-from-load-balancer", "--load-balancer-name", lb, "--instances", m.Resource)
	}
	old.do("ec2", "stop-instances", "--instance-ids", m.Resource)
	old.do("ec2", "wait", "instance-stopped", "--instance-ids", m.Resource)
	old.undo("ec2", "start-instances", "--instance-ids", m.Resource)
	old.undo("ec2", "wait", "instance-running", "--instance-ids", m.Resource)
	for _, lb := range clbs {
		old.undo("elb", "register-instances-with-load-balancer", "--load-balancer-name", lb, "--instances", m.Resource)
	}
	for _, tg := range tgs {
		target := "Id=" + m.Resource + ",Port=" + itoa(tg.port)
		old.undo("elbv2", "register-targets", "--target-group-arn", tg.arn, "--targets", target)
		old.undo("elbv2", "wait", "target-in-service", "--target-group-arn", tg.arn, "--targets", target)
	}
	if len(tgs)+len(clbs) == 0 {
		old.manual("%s is behind no load balancer: before it stops, make sure its work (scheduled jobs, queues) now runs on %s only, "+
			"so that nothing runs twice or not at all.", m.Resource, inst)
	}
	if m.DropsPublicIP {
		old.manual("%s loses its public address %s: anyone who connects to it by that address, or allows it in a firewall, must change. "+
			"An Elastic IP stays allocated (and billed) until stage 5 releases it.", m.Resource, publicIPOf(r))
	}
}

// publicIPOf is an instance's public address for messages.
func publicIPOf(r *model.Resource) string {
	if r != nil && r.Instance != nil && r.Instance.PublicIP != "" {
		return r.Instance.PublicIP
	}
	return "(its public address)"
}

// instanceProfileArg is run-instances' --iam-instance-profile: the old
// instance's profile, else the Session Manager profile of stage 0.
func instanceProfileArg(r *model.Resource) string {
	if r != nil && r.Instance != nil && r.Instance.InstanceProfile != "" {
		p := r.Instance.InstanceProfile
		if strings.HasPrefix(p, "arn:") {
			return "Arn=" + p
		}
		return "Name=" + p
	}
	return "Name=" + ssmInstanceProfile
}

// registration is an instance's registration in a target group.
type registration struct {
	arn  string
	port int
}

// targetGroupsOf lists the target groups an instance is registered in,
// sorted by ARN.
func (b *stageBuilder) targetGroupsOf(instance string) []registration {
	if b.reg == nil {
		return nil
	}
	var out []registration
	for _, tg := range b.reg.TargetGroups {
		for _, t := range tg.Targets {
			if t.ID == instance {
				port := t.Port
				if port == 0 {
					port = tg.Port
				}
				out = append(out, registration{arn: tg.ARN, port: port})
			}
		}
	}
	sortRegistrations(out)
	return out
}

// classicLBsOf lists the Classic Load Balancers an instance is registered
// with, sorted.
func (b *stageBuilder) classicLBsOf(instance string) []string {
	if b.reg == nil {
		return nil
	}
	var out []string
	for _, lb := range b.reg.LoadBalancers {
		if lb.Type != model.LBClassic {
			continue
		}
		for _, id := range lb.InstanceIDs {
			if id == instance {
				out = append(out, lb.Name)
			}
		}
	}
	sortStrings(out)
	return out
}
