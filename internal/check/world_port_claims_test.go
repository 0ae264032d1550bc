package check_test

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

var (
	broadPorts    = regexp.MustCompile(`\b(tcp|udp)/(all|\d+(?:-\d+)?)`)
	specificPorts = regexp.MustCompile(`\((\d+)\)`)
)

// TestNoWorldOpenPortIsLost checks, on random rule sets, the contract
// between sg-world-open-port and the more specific checks that took ports
// from it: every TCP or UDP port that rules open to the whole internet
// (AWS-SEMANTICS.md §2: the union of the rules that match it) is reported
// by sg-world-open-port or by sg-admin-port-world-open or a data-tier
// check, or, when all-protocol rules open every port to the whole internet
// by themselves, by sg-world-open-all-protocols; and sg-world-open-port
// reports no range made only of ports that those checks report. The oracle
// is a plain reading of the rules.
func TestNoWorldOpenPortIsLost(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 6))
	edges := []int{0, 20, 22, 23, 1024, 1433, 1434, 3306, 3307, 3389, 5432, 5601, 6379, 6380, 9200, 9300, 9301, 11211, 27017, 65535}
	sources := []string{"0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8"}
	carriers := []struct {
		name string
		add  func(*modeltest.Builder)
	}{{"instance", onInstance}, {"MySQL on 3307", onDB("mysql", 3307)}, {"Redis on 6380", onCache("redis", 6380)}, {"nothing", onNothing}}
	checks := []*check.Check{check.SGWorldOpenPort, check.SGAdminPortWorldOpen, check.SGDatabasePortWorldOpen, check.SGCachePortWorldOpen, check.SGSearchPortWorldOpen, check.SGWorldOpenAllProtocols}
	var probes []int
	for _, e := range edges {
		probes = append(probes, max(e-1, 0), e, min(e+1, 65535))
	}
	for i := range 400 {
		var rules []model.Rule
		var text []string
		for range 1 + rng.IntN(3) {
			proto := []string{"tcp", "tcp", "tcp", "udp", "-1"}[rng.IntN(5)]
			a, b := edges[rng.IntN(len(edges))], edges[rng.IntN(len(edges))]
			if rng.IntN(2) == 0 {
				b = a
			}
			src := sources[rng.IntN(len(sources))]
			r := ingress(proto, min(a, b), max(a, b), src)
			rules = append(rules, r)
			text = append(text, r.String())
		}
		carrier := carriers[rng.IntN(len(carriers))]
		res := check.Run(modeltest.Inventory(groupRegion(carrier.add, rules...)()), checks)

		broad := map[string][]model.PortRange{}
		specific := map[string]map[int]bool{"tcp": {}, "udp": {}}
		everyPort := false
		for _, f := range res.Findings {
			if f.Rule == check.SGWorldOpenAllProtocols.ID {
				everyPort = true
				continue
			}
			if f.Rule == check.SGWorldOpenPort.ID {
				for _, m := range broadPorts.FindAllStringSubmatch(f.Message, -1) {
					broad[m[1]] = append(broad[m[1]], parseRange(m[2]))
				}
				continue
			}
			for _, m := range specificPorts.FindAllStringSubmatch(f.Message, -1) {
				p, _ := strconv.Atoi(m[1])
				specific["tcp"][p] = true
				if f.Rule == check.SGAdminPortWorldOpen.ID && p == 3389 {
					specific["udp"][p] = true // RDP's UDP transport
				}
			}
		}
		what := func() string { return "rules " + strings.Join(text, "; ") + " on " + carrier.name }
		for _, proto := range []string{"tcp", "udp"} {
			for _, port := range probes {
				if !worldOpenOracle(rules, proto, port) {
					continue
				}
				inBroad := false
				for _, r := range broad[proto] {
					inBroad = inBroad || r.Contains(uint16(port))
				}
				if !inBroad && !specific[proto][port] && !everyPort {
					t.Errorf("case %d: %s/%d is open to the whole internet but no check reports it (%s)", i, proto, port, what())
				}
			}
			for _, r := range broad[proto] {
				if int(r.To)-int(r.From)+1 > len(specific[proto]) {
					continue
				}
				all := true
				for p := int(r.From); p <= int(r.To); p++ {
					all = all && specific[proto][p]
				}
				if all {
					t.Errorf("case %d: sg-world-open-port reports %s/%s, which the specific checks report whole (%s)", i, proto, r, what())
				}
			}
		}
	}
}

// worldOpenOracle reads the rules plainly: the sources of the rules of
// proto that hold port together cover the internet.
func worldOpenOracle(rules []model.Rule, proto string, port int) bool {
	has := map[string]bool{}
	for _, r := range rules {
		if (r.Protocol.String() == proto || r.Protocol == model.ProtocolAll) && r.Ports.Contains(uint16(port)) {
			has[r.Peer.CIDR.String()] = true
		}
	}
	return has["0.0.0.0/0"] || has["::/0"] || has["0.0.0.0/1"] && has["128.0.0.0/1"]
}

func parseRange(s string) model.PortRange {
	if s == "all" {
		return model.AllPorts
	}
	from, to, found := strings.Cut(s, "-")
	a, _ := strconv.Atoi(from)
	b := a
	if found {
		b, _ = strconv.Atoi(to)
	}
	return model.PortRange{From: uint16(a), To: uint16(b)}
}
