package flows

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// maxListeningRange is the widest port range of a security-group rule
// whose ports count as listening ports (docs/flows.md, stage 1): a rule
// for 8000-8010 names services, one for 1024-65535 names clients' ports.
const maxListeningRange = 16

// ListeningPortsOf is the set of listening ports the snapshot shows
// (docs/flows.md, stage 1): every port a security group's ingress rule
// opens as a single port or a range of at most 16 ports, every
// load-balancer listener and target-group port (and registered targets'
// and classic back-end ports), every database and cache port. TCP-based
// listener protocols (HTTP, HTTPS, TCP, TLS) are TCP; UDP is UDP; TCP_UDP
// is both; GENEVE is UDP 6081.
func ListeningPortsOf(inv *model.Inventory) ListeningPorts {
	ports := ListeningPorts{}
	add := func(proto int16, port int) {
		if port <= 0 || port > 65535 {
			return
		}
		if ports[proto] == nil {
			ports[proto] = map[int32]bool{}
		}
		ports[proto][int32(port)] = true
	}
	addLB := func(protocol string, port int) {
		switch strings.ToUpper(protocol) {
		case "UDP":
			add(protoUDP, port)
		case "TCP_UDP":
			add(protoTCP, port)
			add(protoUDP, port)
		case "GENEVE":
			add(protoUDP, 6081)
		default: // HTTP, HTTPS, TCP, TLS, and a classic listener's protocols
			add(protoTCP, port)
		}
	}
	for _, reg := range inv.Regions() {
		for _, g := range reg.SecurityGroups {
			for _, r := range g.Ingress {
				if !r.Protocol.HasPorts() || r.Ports.IsAll() || int(r.Ports.To)-int(r.Ports.From) >= maxListeningRange {
					continue
				}
				for p := int(r.Ports.From); p <= int(r.Ports.To); p++ {
					add(int16(r.Protocol), p)
				}
			}
		}
		for _, res := range reg.Resources {
			switch {
			case res.LoadBalancer != nil:
				for _, l := range res.LoadBalancer.Listeners {
					addLB(l.Protocol, l.Port)
					if l.InstancePort > 0 {
						addLB(l.InstanceProtocol, l.InstancePort)
					}
				}
			case res.DB != nil:
				add(protoTCP, res.DB.Port)
			case res.Cache != nil:
				add(protoTCP, res.Cache.Port)
			}
		}
		for _, tg := range reg.TargetGroups {
			addLB(tg.Protocol, tg.Port)
			for _, t := range tg.Targets {
				addLB(tg.Protocol, t.Port)
			}
		}
		for _, c := range reg.DBClusters {
			add(protoTCP, c.Port)
		}
	}
	return ports
}
