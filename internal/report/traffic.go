package report

import (
	"fmt"
	"strings"
)

// Traffic names what an exposure lets in, as people write it: tcp/22,
// tcp/1024-65535, udp (every port), icmp, all, "all but udp".
func (x Exposure) Traffic() string {
	switch {
	case x.Protocol == "all" && len(x.ExceptProtocols) > 0:
		return "all but " + strings.Join(x.ExceptProtocols, ",")
	case x.Protocol == "tcp" || x.Protocol == "udp":
		switch {
		case x.FromPort == x.ToPort:
			return fmt.Sprintf("%s/%d", x.Protocol, x.FromPort)
		case x.FromPort == 0 && x.ToPort == 65535:
			return x.Protocol
		}
		return fmt.Sprintf("%s/%d-%d", x.Protocol, x.FromPort, x.ToPort)
	}
	return x.Protocol
}
