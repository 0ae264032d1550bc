package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// apiARN is the ARN of ECS service api of cluster main in the fixtures.
const apiARN = "arn:aws:ecs:ap-northeast-1:111122223333:service/main/api"

// apiService adds ECS service api (cluster main) in subnet-pub2 with
// assignPublicIp set to assign, and a running task t1 whose interface has
// publicIP ("" for none).
func apiService(assign, publicIP string) func(*modeltest.Builder) {
	return func(b *modeltest.Builder) {
		b.ECSService("main", "api", ids("subnet-pub2"), "sg-1").AssignPublicIP = assign
		t := b.ECSTask("main", "api", "t1", "subnet-pub2", "sg-1")
		if publicIP != "" {
			modeltest.SetPublicIP(t.ENIs[0], publicIP)
		}
	}
}

// The check's rule (FSBP ECS.2): an ECS service whose awsvpc configuration
// has assignPublicIp ENABLED, or an ECS service or task whose interfaces
// have an internet-routable address (AWS-SEMANTICS.md §5.1). Fixture:
// subnetRegion.
var ecsTaskPublicIPCases = []checkCase{
	{"assignPublicIp ENABLED, its task's address shown", subnetRegion(apiService("ENABLED", "198.51.100.20")),
		fires(check.Medium, ids(apiARN), "ECS service api (cluster main) assigns a public IPv4 address to every task (assignPublicIp ENABLED); its tasks have the public address 198.51.100.20; they run in public subnet subnet-pub2.").
			withEvidence("api (cluster main) awsvpcConfiguration assignPublicIp=ENABLED", "eni-t1 public IPv4 198.51.100.20 on 10.0.2.4", "subnet-pub2 route 0.0.0.0/0 -> igw-1 in rtb-pub")},
	{"assignPublicIp ENABLED with no task running", subnetRegion(func(b *modeltest.Builder) {
		b.ECSService("main", "api", ids("subnet-pub2"), "sg-1").AssignPublicIP = "ENABLED"
	}), fires(check.Medium, ids(apiARN), "assigns a public IPv4 address to every task (assignPublicIp ENABLED); they run in public subnet subnet-pub2.")},
	{"assignPublicIp ENABLED in a private subnet: the address, no subnet named", subnetRegion(func(b *modeltest.Builder) {
		b.ECSService("main", "api", ids("subnet-priv"), "sg-1").AssignPublicIP = "ENABLED"
	}), fires(check.Medium, ids(apiARN), "assigns a public IPv4 address to every task (assignPublicIp ENABLED).").
		withEvidence("api (cluster main) awsvpcConfiguration assignPublicIp=ENABLED")},
	{"DISABLED, but a task's interface has a public address", subnetRegion(apiService("DISABLED", "198.51.100.20")),
		fires(check.Medium, ids(apiARN), "The tasks of ECS service api (cluster main) have the public address 198.51.100.20; they run in public subnet subnet-pub2.")},
	{"a task's global IPv6 address in a dual-stack subnet (§5.1)", subnetRegion(func(b *modeltest.Builder) {
		apiService("DISABLED", "")(b)
		withIPv6(b.Region().Resources[len(b.Region().Resources)-1].ENIs[0], "2600:1f18:1::20")
	}), fires(check.Medium, ids(apiARN), "the public address 2600:1f18:1::20")},
	{"a task outside any service with a public address", subnetRegion(func(b *modeltest.Builder) {
		modeltest.SetPublicIP(b.ECSTask("main", "", "t9", "subnet-pub", "sg-1").ENIs[0], "198.51.100.21")
	}), fires(check.Medium, ids("arn:aws:ecs:ap-northeast-1:111122223333:task/main/t9"), "ECS task t9 (cluster main) has the public address 198.51.100.21; it runs in public subnet subnet-pub (public-a).")},
	{"services description not collected: the task's address is still seen", subnetRegion(func(b *modeltest.Builder) {
		modeltest.SetPublicIP(b.ECSTask("main", "api", "t1", "subnet-pub2", "sg-1").ENIs[0], "198.51.100.20")
	}), fires(check.Medium, ids("arn:aws:ecs:ap-northeast-1:111122223333:cluster/main/api"), "198.51.100.20")},

	{"DISABLED and no public address", subnetRegion(apiService("DISABLED", "")), none},
	{"an instance with a public address is not a task", subnetRegion(func(b *modeltest.Builder) {
		modeltest.SetPublicIP(b.Instance("i-1", "subnet-pub", "sg-1").ENIs[0], "198.51.100.9")
		b.Collected(model.CallECSClusters)
	}), none},
	{"ECS clusters not collected: skipped", subnetRegion(func(b *modeltest.Builder) { b.NotCollected(model.CallECSClusters) }), skipped(model.CallECSClusters)},
}

func TestECSTaskPublicIP(t *testing.T) {
	runCases(t, check.ECSTaskPublicIP, ecsTaskPublicIPCases)
}
