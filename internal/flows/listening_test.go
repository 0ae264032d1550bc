package flows_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// TestListeningPortsOf pins docs/flows.md's listening ports: single ports
// and ranges of at most 16 ports of ingress rules, listener and target
// ports, database and cache ports — never a client range or "all".
func TestListeningPortsOf(t *testing.T) {
	b := mt.New("111122223333", "ap-northeast-1")
	b.VPC("vpc-1", "10.0.0.0/16")
	b.Subnet("subnet-a", "vpc-1", "10.0.1.0/24")
	b.SecurityGroup("sg-1", "vpc-1",
		mt.Ingress("tcp", 22, 22, "0.0.0.0/0"),
		mt.Ingress("tcp", 8000, 8015, "10.0.0.0/16"), // 16 ports: services
		mt.Ingress("tcp", 9000, 9016, "10.0.0.0/16"), // 17 ports: not
		mt.Ingress("tcp", 1024, 65535, "10.0.0.0/16"),
		mt.Ingress("udp", 53, 53, "10.0.0.0/16"),
		mt.Ingress("-1", -1, -1, "10.0.0.0/16"),
		mt.Ingress("icmp", 8, -1, "0.0.0.0/0"),
	)
	lb := b.LoadBalancer("web", mt.InternetFacing, []string{"subnet-a"}, "sg-1")
	lb.LoadBalancer.Listeners = []model.Listener{{Protocol: "HTTPS", Port: 443}, {Protocol: "TCP_UDP", Port: 5060}, {Protocol: "HTTP", Port: 80, InstanceProtocol: "HTTP", InstancePort: 8080}}
	b.TargetGroup("app", "i-1").Port = 3000
	b.DBInstance("db-1", "", []string{"subnet-a"}, "sg-1")
	b.CacheCluster("redis-1", []string{"subnet-a"}, "sg-1")
	ports := flows.ListeningPortsOf(mt.Inventory(b.Link()))
	var tcp []int32
	for i := int32(8000); i <= 8015; i++ {
		tcp = append(tcp, i)
	}
	tcp = append(tcp, 22, 80, 443, 3000, 5060, 5432, 6379, 8080)
	slices.Sort(tcp)
	if got := slices.Sorted(maps.Keys(ports[6])); !slices.Equal(got, tcp) {
		t.Errorf("tcp %v, want %v", got, tcp)
	}
	if got := slices.Sorted(maps.Keys(ports[17])); !slices.Equal(got, []int32{53, 5060}) {
		t.Errorf("udp %v, want [53 5060]", got)
	}
	if len(ports) != 2 {
		t.Errorf("protocols %v, want tcp and udp only", slices.Sorted(maps.Keys(ports)))
	}
}
