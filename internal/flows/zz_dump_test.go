package flows

import (
	"fmt"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

func TestDumpExample(t *testing.T) {
	inv, err := snapshot.Load("../../examples/startup-all-public")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range inv.Regions() {
		fmt.Println(r.Account, r.Name)
		for _, e := range r.ENIs {
			role := ""
			if e.Owner.Resource != nil && e.Owner.Resource.Role != nil {
				role = e.Owner.Resource.Role.ID
			}
			fmt.Printf("%s %s owner=%s/%s res=%v role=%s addrs=%v v6=%v sgs=%v subnet=%s\n", e.ID, e.InterfaceType, e.Owner.Kind, e.Owner.ID, e.Owner.Resource != nil, role, e.Addresses, e.IPv6, e.SecurityGroupIDs, e.SubnetID)
		}
		for _, res := range r.Resources {
			fmt.Printf("RES %s %s name=%s role=%v\n", res.Kind, res.ID, res.Name, res.Role.ID)
			if res.LoadBalancer != nil {
				fmt.Printf("   LB %+v\n", res.LoadBalancer.Listeners)
			}
			if res.DB != nil {
				fmt.Printf("   DB port %d\n", res.DB.Port)
			}
			if res.Cache != nil {
				fmt.Printf("   cache port %d\n", res.Cache.Port)
			}
		}
		for _, g := range r.SecurityGroups {
			for _, ru := range g.Ingress {
				fmt.Println("SG", g.ID, g.Name, ru.String())
			}
		}
		for _, tg := range r.TargetGroups {
			fmt.Printf("TG %s %d %v\n", tg.Name, tg.Port, tg.Targets)
		}
		for _, n := range r.NATGateways {
			fmt.Printf("NAT %+v\n", n)
		}
		for _, c := range r.DBClusters {
			fmt.Printf("CLUSTER %+v\n", c)
		}
	}
}
