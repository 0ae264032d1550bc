package flows

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// maxListeningRange is the widest security-group port range whose ports
// count as listening ports (docs/flows.md, stage 1): a rule opening
// 8000–8010 says something listens there; one opening 1024–65535 says
// nothing about any one port.
const maxListeningRange = 16

// ListeningPortsOf returns the ports the snapshot says something listens
// on, per protocol (docs/flows.md, stage 1; AWS-SEMANTICS.md §9):
//
//   - every port a security group's ingress rule opens, as a single port or
//     a range of at most 16 ports, for TCP and UDP (rules for all protocols
//     or all ports say nothing about a port);
//   - every load-balancer listener port, a classic listener's instance
//     port, every target group's port and each registered target's port,
//     by the listener's protocol (HTTP, HTTPS, TLS and TCP are TCP; UDP is
//     UDP; TCP_UDP both; GENEVE is UDP 6081);
//   - every DB instance, DB cluster and cache cluster port, or the
//     engine's default port when the snapshot does not give it.
//
// The result is never nil; an empty inventory gives an empty set.
func ListeningPortsOf(inv *model.Inventory) ListeningPorts {
	lp := ListeningPorts{}
	add := func(proto int16, port int) {
		if port <= 0 || port > 65535 {
			return
		}
		m := lp[proto]
		if m == nil {
			m = map[int32]bool{}
			lp[proto] = m
		}
		m[int32(port)] = true
	}
	addFor := func(protocol string, port int) {
		switch strings.ToUpper(protocol) {
		case "UDP":
			add(protoUDP, port)
		case "TCP_UDP":
			add(protoTCP, port)
			add(protoUDP, port)
		case "GENEVE":
			add(protoUDP, 6081)
		default: // HTTP, HTTPS, TCP, TLS, and unknown: connections are TCP
			add(protoTCP, port)
		}
	}
	if inv == nil {
		return lp
	}
	for _, r := range inv.Regions() {
		for _, g := range r.SecurityGroups {
			for _, rule := range g.Ingress {
				if !rule.Protocol.HasPorts() || int(rule.Ports.To)-int(rule.Ports.From)+1 > maxListeningRange {
					continue
				}
				for p := int(rule.Ports.From); p <= int(rule.Ports.To); p++ {
					add(int16(rule.Protocol), p)
				}
			}
		}
		for _, res := range r.Resources {
			switch {
			case res.LoadBalancer != nil:
				for _, l := range res.LoadBalancer.Listeners {
					addFor(l.Protocol, l.Port)
					if l.InstancePort > 0 {
						addFor(l.InstanceProtocol, l.InstancePort)
					}
				}
			case res.DB != nil:
				if res.DB.Port > 0 {
					add(protoTCP, res.DB.Port)
				} else {
					add(protoTCP, enginePort(res.DB.Engine))
				}
			case res.Cache != nil:
				if res.Cache.Port > 0 {
					add(protoTCP, res.Cache.Port)
				} else {
					add(protoTCP, enginePort(res.Cache.Engine))
				}
			}
		}
		for _, tg := range r.TargetGroups {
			addFor(tg.Protocol, tg.Port)
			for _, t := range tg.Targets {
				addFor(tg.Protocol, t.Port)
			}
		}
		for _, c := range r.DBClusters {
			if c.Port > 0 {
				add(protoTCP, c.Port)
			} else {
				add(protoTCP, enginePort(c.Engine))
			}
		}
	}
	return lp
}

// enginePort is a database or cache engine's default port, 0 when unknown.
func enginePort(engine string) int {
	e := strings.ToLower(engine)
	switch {
	case strings.Contains(e, "postgres"):
		return 5432
	case strings.Contains(e, "mysql"), strings.Contains(e, "mariadb"):
		return 3306
	case strings.HasPrefix(e, "oracle"):
		return 1521
	case strings.HasPrefix(e, "sqlserver"):
		return 1433
	case strings.HasPrefix(e, "db2"):
		return 50000
	case e == "redis", e == "valkey":
		return 6379
	case e == "memcached":
		return 11211
	case e == "docdb":
		return 27017
	case e == "neptune":
		return 8182
	}
	return 0
}
