package snapshot

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// TestPrimaryPublicAddressFromInterfaceAssociation: an interface's public
// IPv4 address is given twice by the EC2 API, in the interface's own
// Association and in the primary entry of PrivateIpAddresses. Some
// producers (moto, older SDKs, hand-written snapshots) fill only the first:
// the address must not be lost, or the interface's internet exposure is
// missed (AWS-SEMANTICS.md §5.1).
func TestPrimaryPublicAddressFromInterfaceAssociation(t *testing.T) {
	for _, tc := range []struct {
		name, eni, want string
	}{
		{"only the interface's Association", `{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.0.4",
			"Association": {"PublicIp": "54.214.44.224"},
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.4", "Primary": true}]}`, "54.214.44.224"},
		{"both, agreeing", `{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.0.4",
			"Association": {"PublicIp": "54.214.44.224"},
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.4", "Primary": true, "Association": {"PublicIp": "54.214.44.224"}}]}`, "54.214.44.224"},
		{"the primary's own entry wins", `{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.0.4",
			"Association": {"PublicIp": "198.51.100.1"},
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.4", "Primary": true, "Association": {"PublicIp": "54.214.44.224"}}]}`, "54.214.44.224"},
		{"no address at all", `{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-a", "PrivateIpAddress": "10.0.0.4",
			"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.4", "Primary": true}]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			sn.call(model.CallNetworkInterfaces, `{"NetworkInterfaces": [`+tc.eni+`]}`)
			e := sn.region().ENI("eni-1")
			if e == nil || len(e.Addresses) != 1 {
				t.Fatalf("eni-1 = %+v, want one address", e)
			}
			got := ""
			if e.Addresses[0].Public.IsValid() {
				got = e.Addresses[0].Public.String()
			}
			if got != tc.want {
				t.Errorf("public address of 10.0.0.4 = %q, want %q", got, tc.want)
			}
		})
	}
}
