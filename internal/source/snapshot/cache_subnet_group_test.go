package snapshot

import (
	"slices"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// TestCacheSubnetGroupSubnets: a cache cluster's subnet group subnets come
// only from elasticache-describe-cache-subnet-groups. Without that optional
// call, or when it does not list the cluster's group, they are unknown (nil)
// and the cluster's subnets are only those of its interfaces.
func TestCacheSubnetGroupSubnets(t *testing.T) {
	clusters := `{"CacheClusters": [
		{"CacheClusterId": "web-001", "CacheSubnetGroupName": "cache-subnets", "SecurityGroups": [{"SecurityGroupId": "sg-cache"}]},
		{"CacheClusterId": "other-001", "CacheSubnetGroupName": "not-listed"}]}`
	enis := `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-cache", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.1.9",
		"Description": "ElastiCache web-001", "Groups": [{"GroupId": "sg-cache"}]}]}`
	groups := `{"CacheSubnetGroups": [{"CacheSubnetGroupName": "cache-subnets",
		"Subnets": [{"SubnetIdentifier": "subnet-b"}, {"SubnetIdentifier": "subnet-a"}]}]}`

	t.Run("collected", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallCacheClusters, clusters)
		sn.call(model.CallNetworkInterfaces, enis)
		sn.call(model.CallCacheSubnetGroups, groups)
		r := sn.region()
		web := r.Resource(model.KindCacheCluster, "web-001")
		if got, want := web.Cache.SubnetGroupSubnetIDs, []string{"subnet-b", "subnet-a"}; !slices.Equal(got, want) {
			t.Errorf("web-001 subnet group subnets = %v, want %v (the group's, in its order)", got, want)
		}
		if got, want := web.SubnetIDs, []string{"subnet-a", "subnet-b"}; !slices.Equal(got, want) {
			t.Errorf("web-001 subnets = %v, want %v", got, want)
		}
		if other := r.Resource(model.KindCacheCluster, "other-001"); other.Cache.SubnetGroupSubnetIDs != nil {
			t.Errorf("other-001, whose group the call does not list: subnet group subnets %v, want nil (unknown)", other.Cache.SubnetGroupSubnetIDs)
		}
	})
	t.Run("not collected", func(t *testing.T) {
		sn := newSnap(t)
		sn.call(model.CallCacheClusters, clusters)
		sn.call(model.CallNetworkInterfaces, enis)
		r := sn.region()
		web := r.Resource(model.KindCacheCluster, "web-001")
		if web.Cache.SubnetGroupSubnetIDs != nil {
			t.Errorf("subnet group subnets = %v, want nil: the call was not collected", web.Cache.SubnetGroupSubnetIDs)
		}
		if got, want := web.SubnetIDs, []string{"subnet-a"}; !slices.Equal(got, want) {
			t.Errorf("subnets = %v, want %v (its interface's only)", got, want)
		}
	})
}
