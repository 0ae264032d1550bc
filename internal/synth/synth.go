// Package synth writes large synthetic snapshots in the AWS CLI layout, for
// benchmarks and scale tests. The accounts are deterministic for a given
// Size: the same size gives the same bytes.
package synth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Size says how big an account to write.
//
// With ENIs zero, WriteAccount writes a plain account: VPCs each with 4
// subnets (2 public, 2 private), Instances spread over the subnets with
// one ENI each, SecurityGroups each with 6 ingress rules (instances carry
// 2 each).
//
// With ENIs set, it writes an account shaped like a real one (see
// writeRealistic) with exactly ENIs network interfaces, SecurityGroups
// groups and VPCs VPCs; Instances is then ignored (most interfaces are
// instances').
type Size struct {
	VPCs           int
	Instances      int
	SecurityGroups int
	ENIs           int
	Region         string
	AccountID      string
}

// WriteAccount writes one account folder at dir.
func WriteAccount(dir string, s Size) error {
	if s.Region == "" {
		s.Region = "ap-northeast-1"
	}
	if s.AccountID == "" {
		s.AccountID = "111122223333"
	}
	if s.ENIs > 0 {
		return writeRealistic(dir, s)
	}
	if s.VPCs < 1 {
		s.VPCs = 1
	}
	if s.SecurityGroups < 2 {
		s.SecurityGroups = 2
	}
	reg := filepath.Join(dir, s.Region)
	if err := os.MkdirAll(reg, 0o755); err != nil {
		return err
	}
	files := map[string]any{}
	files[filepath.Join(dir, "sts-get-caller-identity.json")] = map[string]any{"Account": s.AccountID, "Arn": "arn:aws:iam::" + s.AccountID + ":user/bench", "UserId": "AIDABENCH"}
	var vpcs, subnets, rts, igws, acls []any
	subnetIDs := []string{}
	for v := 0; v < s.VPCs; v++ {
		vpc := fmt.Sprintf("vpc-%017x", v+1)
		cidr := fmt.Sprintf("10.%d.0.0/16", v%256)
		vpcs = append(vpcs, map[string]any{"VpcId": vpc, "CidrBlock": cidr, "OwnerId": s.AccountID, "IsDefault": false, "State": "available",
			"CidrBlockAssociationSet": []any{map[string]any{"CidrBlock": cidr, "CidrBlockState": map[string]any{"State": "associated"}}}})
		igw := fmt.Sprintf("igw-%017x", v+1)
		igws = append(igws, map[string]any{"InternetGatewayId": igw, "Attachments": []any{map[string]any{"State": "available", "VpcId": vpc}}})
		var pub, priv []any
		var aclAssoc []any
		for n := 0; n < 4; n++ {
			sn := fmt.Sprintf("subnet-%017x", v*4+n+1)
			subnetIDs = append(subnetIDs, sn)
			subnets = append(subnets, map[string]any{"SubnetId": sn, "VpcId": vpc, "CidrBlock": fmt.Sprintf("10.%d.%d.0/24", v%256, n), "AvailabilityZone": s.Region + string(rune('a'+n%2)), "MapPublicIpOnLaunch": n < 2})
			assoc := map[string]any{"SubnetId": sn, "Main": false}
			if n < 2 {
				pub = append(pub, assoc)
			} else {
				priv = append(priv, assoc)
			}
			aclAssoc = append(aclAssoc, map[string]any{"SubnetId": sn})
		}
		local := map[string]any{"DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active", "Origin": "CreateRouteTable"}
		rts = append(rts,
			map[string]any{"RouteTableId": fmt.Sprintf("rtb-%017x", v*2+1), "VpcId": vpc, "Associations": append(pub, map[string]any{"Main": true}),
				"Routes": []any{local, map[string]any{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "State": "active", "Origin": "CreateRoute"}}},
			map[string]any{"RouteTableId": fmt.Sprintf("rtb-%017x", v*2+2), "VpcId": vpc, "Associations": priv, "Routes": []any{local}})
		acls = append(acls, map[string]any{"NetworkAclId": fmt.Sprintf("acl-%017x", v+1), "VpcId": vpc, "IsDefault": true, "Associations": aclAssoc,
			"Entries": []any{
				map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
				map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
				map[string]any{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
				map[string]any{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"},
			}})
	}
	var groups []any
	for g := 0; g < s.SecurityGroups; g++ {
		id := fmt.Sprintf("sg-%017x", g+1)
		world := "10.0.0.0/8"
		if g%5 == 0 {
			world = "0.0.0.0/0"
		}
		groups = append(groups, map[string]any{"GroupId": id, "GroupName": fmt.Sprintf("group-%d", g), "VpcId": fmt.Sprintf("vpc-%017x", g%s.VPCs+1), "OwnerId": s.AccountID, "Description": "bench",
			"IpPermissions": []any{
				perm("tcp", 443, 443, "0.0.0.0/0"), perm("tcp", 80, 80, world), perm("tcp", 22, 22, world),
				perm("tcp", 1024, 65535, "10.0.0.0/8"), perm("udp", 53, 53, "10.0.0.0/8"),
				map[string]any{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": []any{map[string]any{"GroupId": fmt.Sprintf("sg-%017x", (g+1)%s.SecurityGroups+1)}}},
			},
			"IpPermissionsEgress": []any{perm("-1", -1, -1, "0.0.0.0/0")}})
	}
	var reservations, enis []any
	for i := 0; i < s.Instances; i++ {
		sn := subnetIDs[i%len(subnetIDs)]
		vpc := fmt.Sprintf("vpc-%017x", (i%len(subnetIDs))/4+1)
		id := fmt.Sprintf("i-%017x", i+1)
		eni := fmt.Sprintf("eni-%017x", i+1)
		ip := fmt.Sprintf("10.%d.%d.%d", ((i%len(subnetIDs))/4)%256, (i%len(subnetIDs))%4, 4+(i/len(subnetIDs))%250)
		sgs := []any{
			map[string]any{"GroupId": fmt.Sprintf("sg-%017x", i%s.SecurityGroups+1)},
			map[string]any{"GroupId": fmt.Sprintf("sg-%017x", (i+1)%s.SecurityGroups+1)},
		}
		assoc := map[string]any{"PublicIp": fmt.Sprintf("203.0.%d.%d", (i/250)%256, i%250+1), "IpOwnerId": "amazon"}
		reservations = append(reservations, map[string]any{"OwnerId": s.AccountID, "Instances": []any{map[string]any{
			"InstanceId": id, "InstanceType": "t3.small", "State": map[string]any{"Name": "running"}, "SubnetId": sn, "VpcId": vpc, "PrivateIpAddress": ip,
			"SecurityGroups": sgs, "Tags": []any{map[string]any{"Key": "Name", "Value": fmt.Sprintf("app-%d", i%20)}},
			"NetworkInterfaces": []any{map[string]any{"NetworkInterfaceId": eni, "SubnetId": sn, "VpcId": vpc, "PrivateIpAddress": ip, "Groups": sgs, "Association": assoc,
				"PrivateIpAddresses": []any{map[string]any{"PrivateIpAddress": ip, "Primary": true, "Association": assoc}}}},
		}}})
		enis = append(enis, map[string]any{"NetworkInterfaceId": eni, "SubnetId": sn, "VpcId": vpc, "InterfaceType": "interface", "Status": "in-use", "PrivateIpAddress": ip,
			"Groups": sgs, "Attachment": map[string]any{"InstanceId": id, "Status": "attached"}, "Association": assoc,
			"PrivateIpAddresses": []any{map[string]any{"PrivateIpAddress": ip, "Primary": true, "Association": assoc}}})
	}
	put := func(name string, v any) { files[filepath.Join(reg, name+".json")] = v }
	put("ec2-describe-vpcs", map[string]any{"Vpcs": vpcs})
	put("ec2-describe-subnets", map[string]any{"Subnets": subnets})
	put("ec2-describe-route-tables", map[string]any{"RouteTables": rts})
	put("ec2-describe-internet-gateways", map[string]any{"InternetGateways": igws})
	put("ec2-describe-network-acls", map[string]any{"NetworkAcls": acls})
	put("ec2-describe-security-groups", map[string]any{"SecurityGroups": groups})
	put("ec2-describe-instances", map[string]any{"Reservations": reservations})
	put("ec2-describe-network-interfaces", map[string]any{"NetworkInterfaces": enis})
	for _, empty := range []struct{ name, key string }{
		{"ec2-describe-egress-only-internet-gateways", "EgressOnlyInternetGateways"}, {"ec2-describe-nat-gateways", "NatGateways"},
		{"ec2-describe-vpc-endpoints", "VpcEndpoints"}, {"ec2-describe-vpc-peering-connections", "VpcPeeringConnections"},
		{"ec2-describe-flow-logs", "FlowLogs"},
		{"ec2-describe-managed-prefix-lists", "PrefixLists"}, {"elbv2-describe-load-balancers", "LoadBalancers"},
		{"elbv2-describe-target-groups", "TargetGroups"}, {"elb-describe-load-balancers", "LoadBalancerDescriptions"},
		{"rds-describe-db-instances", "DBInstances"}, {"rds-describe-db-clusters", "DBClusters"},
		{"elasticache-describe-cache-clusters", "CacheClusters"}, {"lambda-list-functions", "Functions"}, {"ecs-list-clusters", "clusterArns"},
	} {
		put(empty.name, map[string]any{empty.key: []any{}})
	}
	for path, v := range files {
		data, err := json.MarshalIndent(v, "", "    ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func perm(proto string, from, to int, cidr string) map[string]any {
	p := map[string]any{"IpProtocol": proto, "IpRanges": []any{map[string]any{"CidrIp": cidr}}}
	if proto != "-1" {
		p["FromPort"], p["ToPort"] = from, to
	}
	return p
}
