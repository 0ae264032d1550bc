package check

import (
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// ExposureSeverity grades one internet exposure as internet-exposed grades
// the exposures of a resource: all traffic or an administration or
// data-tier port open to the internet at large is critical, another port
// high; narrow sources lower it, ICMP is low, a load balancer's web
// listeners and the targets behind them info. `vpcdoctor diff` grades the
// exposures a change opens with it.
func ExposureSeverity(x reach.Exposure) Severity {
	s, _ := exposureSeverity([]reach.Exposure{x})
	return s
}

// SensitivePort names the administration or data-tier service of a TCP
// port ("SSH", "MySQL") whose exposure internet-exposed grades critical,
// or returns false.
func SensitivePort(port uint16) (string, bool) {
	name, ok := sensitivePorts[port]
	return name, ok
}

// IsDataTier reports whether resources of kind k hold data: RDS databases
// and ElastiCache clusters, the tiers the data-tier checks protect.
func IsDataTier(k model.ResourceKind) bool {
	return k == model.KindDBInstance || k == model.KindCacheCluster
}
