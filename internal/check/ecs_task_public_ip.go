package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// ECSTaskPublicIP finds ECS services that assign public addresses to their
// tasks, and ECS tasks whose interfaces have one (AWS-SEMANTICS.md §5.1).
// In a public subnet, the address and the placement are one problem,
// reported here: resource-in-public-subnet leaves such a service alone.
var ECSTaskPublicIP = &Check{
	Meta: Meta{
		ID:       "ecs-task-public-ip",
		Title:    "ECS service or task gets a public IP address",
		Severity: Medium,
		Rationale: "With assignPublicIp ENABLED every task's interface gets a public IPv4 address, so each " +
			"task is addressable from the whole internet and only its security group keeps the world out. " +
			"Tasks behind a load balancer need no address of their own; Fargate tasks that were given one to " +
			"pull images or call AWS APIs can do that from private subnets through a NAT gateway or VPC " +
			"endpoints (ECR, S3, CloudWatch Logs).",
		Remediation: "Run the tasks in private subnets with a NAT gateway or the ecr.api, ecr.dkr, logs " +
			"interface endpoints and the S3 gateway endpoint, then turn the address off: aws ecs update-service " +
			"--cluster CLUSTER --service SERVICE --network-configuration " +
			"\"awsvpcConfiguration={subnets=[PRIVATE_SUBNET_1,PRIVATE_SUBNET_2],securityGroups=[GROUP],assignPublicIp=DISABLED}\" " +
			"(a new deployment replaces the tasks); for tasks started with run-task, pass the same " +
			"configuration to run-task.",
		References: []string{
			"AWS Foundational Security Best Practices ECS.2",
			"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
		},
		Needs: []model.Call{model.CallECSClusters},
	},
	Run: func(p *Pass) {
		for _, r := range p.Region.Resources {
			if (r.Kind != model.KindECSService && r.Kind != model.KindECSTask) || r.ECS == nil {
				continue
			}
			enabled := strings.EqualFold(r.ECS.AssignPublicIP, "ENABLED")
			addrs := publicAddressesOf(r)
			if !enabled && len(addrs) == 0 {
				continue
			}
			var evidence []string
			var what i18n.Message
			switch {
			case enabled && len(addrs) > 0:
				evidence = append(evidence, r.Label()+" awsvpcConfiguration assignPublicIp=ENABLED")
				what = msg("ecs-task-public-ip.enabled-addresses", kindNoun(r.Kind), resourceLabel(r), addressList(addrs))
			case enabled:
				evidence = append(evidence, r.Label()+" awsvpcConfiguration assignPublicIp=ENABLED")
				what = msg("ecs-task-public-ip.enabled", kindNoun(r.Kind), resourceLabel(r))
			case r.Kind == model.KindECSService:
				what = msg("ecs-task-public-ip.service", resourceLabel(r), addressList(addrs))
			default:
				what = msg("ecs-task-public-ip.task", kindNoun(r.Kind), resourceLabel(r), addressList(addrs))
			}
			for _, a := range addrs {
				evidence = append(evidence, a.text)
			}
			// In a public subnet the address and the placement are one
			// problem, reported here: resource-in-public-subnet leaves it.
			var where any = ""
			if phrase, routes := publicPlacement(p.Region, r); phrase != nil {
				where = msg("ecs-task-public-ip.they-run", phrase)
				if r.Kind == model.KindECSTask {
					where = msg("ecs-task-public-ip.it-runs", phrase)
				}
				evidence = append(evidence, routes...)
			}
			p.Report([]string{r.ID}, evidence, msg("ecs-task-public-ip.msg", what, where))
		}
	},
}
