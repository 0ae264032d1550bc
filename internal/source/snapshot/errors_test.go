package snapshot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// A file that is not JSON is an error at the offending character, as
// editors count: lines and columns from 1, columns in bytes.
func TestSyntaxErrorPosition(t *testing.T) {
	for _, tc := range []struct {
		name      string
		content   string
		line, col int
		msg       string
	}{
		{"trailing comma", "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/16\",}\n  ]\n}\n", 3, 51, "'}' looking for beginning of object key string"},
		{"single quotes", "{\n  'Vpcs': []\n}\n", 2, 3, `'\'' looking for beginning of object key string`},
		{"elided output", "{\n    \"Vpcs\": [\n        ...\n    ]\n}\n", 3, 9, "'.' looking for beginning of value"},
		{"newline in a string", "{\"Vpcs\": [{\"VpcId\": \"vpc-\n1\"}]}", 1, 26, `'\n' in string literal`},
		{"missing comma", "{\n\t\"Vpcs\": []\n\t\"NextToken\": \"x\"\n}", 3, 2, "'\"' after object key:value pair"},
		{"garbage after the value", "{\"Vpcs\": []}\n}", 2, 1, "'}' after top-level value"},
		{"not JSON at all", "An error occurred (UnauthorizedOperation) when calling the DescribeVpcs operation", 1, 1, "'A' looking for beginning of value"},
		{"truncated", "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\"", 3, 21, "unexpected end of JSON input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			file := sn.call(model.CallVPCs, tc.content)
			fe := loadFileError(t, sn.root)
			if fe.Path != file || fe.Line != tc.line || fe.Col != tc.col {
				t.Errorf("error at %s:%d:%d, want %s:%d:%d", fe.Path, fe.Line, fe.Col, file, tc.line, tc.col)
			}
			if !strings.Contains(fe.Msg, "not valid JSON") || !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("Msg = %q, want it to say not valid JSON: %s", fe.Msg, tc.msg)
			}
			if want := fmt.Sprintf("%s:%d:%d: not valid JSON", file, tc.line, tc.col); !strings.HasPrefix(fe.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", fe.Error(), want)
			}
		})
	}
}

// A value of the wrong JSON type is an error at the value, naming its path.
func TestTypeMismatch(t *testing.T) {
	for _, tc := range []struct {
		name      string
		call      model.Call
		content   string
		field     string
		line, col int
		msg       string
	}{
		{
			name: "boolean as a string", call: model.CallSubnets,
			content: `{
    "Subnets": [
        {"SubnetId": "subnet-1", "MapPublicIpOnLaunch": false},
        {
            "SubnetId": "subnet-2",
            "MapPublicIpOnLaunch": "yes"
        }
    ]
}`,
			field: "Subnets[1].MapPublicIpOnLaunch", line: 6, col: 36, msg: "got JSON string, want boolean",
		},
		{
			name: "port as a string", call: model.CallSecurityGroups,
			content: `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
  {"IpProtocol": "tcp", "FromPort": "22", "ToPort": 22}
]}]}`,
			field: "SecurityGroups[0].IpPermissions[0].FromPort", line: 2, col: 37, msg: "got JSON string, want integer",
		},
		{
			name: "fractional port", call: model.CallSecurityGroups,
			content: `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [
  {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22.5}
]}]}`,
			field: "SecurityGroups[0].IpPermissions[0].ToPort", line: 2, col: 51, msg: "got JSON number 22.5, want integer",
		},
		{
			name: "object for a list", call: model.CallVPCs,
			content: "{\n  \"Vpcs\": {\"VpcId\": \"vpc-1\"}\n}",
			field:   "Vpcs", line: 2, col: 11, msg: "got JSON object, want array",
		},
		{
			name: "list for the whole output", call: model.CallVPCs,
			content: `[{"VpcId": "vpc-1"}]`,
			field:   "", line: 1, col: 1, msg: "got JSON array, want object",
		},
		{
			name: "number for a string list", call: model.CallLambdaFunctions,
			content: `{"Functions": [{"FunctionName": "f", "VpcConfig": {"SubnetIds": ["subnet-1", 7]}}]}`,
			field:   "Functions[0].VpcConfig.SubnetIds[1]", line: 1, col: 78, msg: "got JSON number, want string",
		},
		{
			name: "aggregation interval as a string", call: model.CallFlowLogs,
			content: `{"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1", "MaxAggregationInterval": "600"}]}`,
			field:   "FlowLogs[0].MaxAggregationInterval", line: 1, col: 86, msg: "got JSON string, want integer",
		},
		{
			name: "ECS lower-case keys", call: model.CallECSClusters,
			content: `{"clusterArns": "arn:aws:ecs:us-east-1:123456789012:cluster/x"}`,
			field:   "clusterArns", line: 1, col: 17, msg: "got JSON string, want array",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			file := sn.call(tc.call, tc.content)
			fe := loadFileError(t, sn.root)
			if fe.Path != file || fe.Field != tc.field || fe.Line != tc.line || fe.Col != tc.col {
				t.Errorf("error = %s:%d:%d field %q, want %s:%d:%d field %q (%v)", fe.Path, fe.Line, fe.Col, fe.Field, file, tc.line, tc.col, tc.field, fe)
			}
			if !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("Msg = %q, want %q", fe.Msg, tc.msg)
			}
		})
	}
}

// A value that has the right JSON type but is not valid (a CIDR that does
// not parse, a port out of range) is an error at the value, naming the JSON
// path to it.
func TestValueErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		call    model.Call
		content string
		field   string
		at      string // the text the position must point at
		msg     string
	}{
		{
			name: "CIDR in a security-group rule", call: model.CallSecurityGroups,
			content: `{
    "SecurityGroups": [
        {
            "GroupId": "sg-1",
            "IpPermissions": [
                {
                    "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "IpRanges": [
                        {"CidrIp": "10.0.0.0/8"},
                        {"CidrIp": "10.0.0.0/33", "Description": "typo"}
                    ]
                }
            ]
        }
    ]
}`,
			field: "SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp", at: `"10.0.0.0/33"`, msg: "is not a CIDR block",
		},
		{
			name: "IPv6 CIDR in an egress rule", call: model.CallSecurityGroups,
			content: `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissionsEgress": [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}, {"CidrIpv6": "fe80::/129"}]}]}]}`,
			field:   "SecurityGroups[0].IpPermissionsEgress[0].Ipv6Ranges[1].CidrIpv6", at: `"fe80::/129"`, msg: "is not a CIDR block",
		},
		{
			name: "port out of range", call: model.CallSecurityGroups,
			content: `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "udp", "FromPort": 53, "ToPort": 70000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`,
			field:   "SecurityGroups[0].IpPermissions[0].FromPort", at: "53", msg: "port range 53-70000",
		},
		{
			name: "unknown protocol", call: model.CallSecurityGroups,
			content: `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcpp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`,
			field:   "SecurityGroups[0].IpPermissions[0].IpProtocol", at: `"tcpp"`, msg: `protocol "tcpp"`,
		},
		{
			name: "subnet CIDR", call: model.CallSubnets,
			content: "{\"Subnets\": [\n {\"SubnetId\": \"subnet-1\", \"CidrBlock\": \"10.0.0.0\"}\n]}",
			field:   "Subnets[0].CidrBlock", at: `"10.0.0.0"`, msg: "is not a CIDR block",
		},
		{
			name: "network ACL rule number", call: model.CallNetworkACLs,
			content: `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 0, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}]}]}`,
			field:   "NetworkAcls[0].Entries[0].RuleNumber", at: "0", msg: "want a rule number",
		},
		{
			name: "network ACL action", call: model.CallNetworkACLs,
			content: `{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "permit", "CidrBlock": "0.0.0.0/0"}]}]}`,
			field:   "NetworkAcls[0].Entries[0].RuleAction", at: `"permit"`, msg: "want allow or deny",
		},
		{
			name: "route without destination", call: model.CallRouteTables,
			content: `{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, {"GatewayId": "igw-1"}]}]}`,
			field:   "RouteTables[0].Routes[1]", at: `{"GatewayId": "igw-1"}`, msg: "a route needs",
		},
		{
			name: "interface address", call: model.CallNetworkInterfaces,
			content: `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.300"}]}`,
			field:   "NetworkInterfaces[0].PrivateIpAddress", at: `"10.0.0.300"`, msg: "is not an IP address",
		},
		{
			// encoding/json matches keys case-insensitively; so does the position.
			name: "key in another case", call: model.CallVPCs,
			content: `{"vpcs": [{"vpcid": "vpc-1", "cidrblock": "10.0.0.0/16/8"}]}`,
			field:   "Vpcs[0].CidrBlock", at: `"10.0.0.0/16/8"`, msg: "is not a CIDR block",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn := newSnap(t)
			file := sn.call(tc.call, tc.content)
			fe := loadFileError(t, sn.root)
			if fe.Path != file || fe.Field != tc.field {
				t.Errorf("error names %s field %q, want %s field %q (%v)", fe.Path, fe.Field, file, tc.field, fe)
			}
			if fe.Line <= 0 || fe.Col <= 0 || !strings.HasPrefix(textAt([]byte(tc.content), fe.Line, fe.Col), tc.at) {
				t.Errorf("%d:%d points at %.30q, want %s", fe.Line, fe.Col, textAt([]byte(tc.content), fe.Line, fe.Col), tc.at)
			}
			if !strings.Contains(fe.Msg, tc.msg) {
				t.Errorf("Msg = %q, want %q", fe.Msg, tc.msg)
			}
			if want := fmt.Sprintf("%s:%d:%d: %s: ", file, fe.Line, fe.Col, tc.field); !strings.HasPrefix(fe.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", fe.Error(), want)
			}
		})
	}
}

// The position of the CIDR in TestValueErrors's first case, exactly.
func TestValueErrorExactPosition(t *testing.T) {
	sn := newSnap(t)
	sn.call(model.CallSecurityGroups, `{
  "SecurityGroups": [
    {
      "GroupId": "sg-1",
      "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24 "}, {"CidrIp": "300.0.0.0/8"}]}
      ]
    }
  ]
}`)
	fe := loadFileError(t, sn.root)
	if fe.Line != 6 || fe.Col != 116 || fe.Field != "SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp" {
		t.Errorf("got %d:%d %s, want 6:116 SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp", fe.Line, fe.Col, fe.Field)
	}
}

// Every bad value of a file is reported, not only the first.
func TestEveryBadValueReported(t *testing.T) {
	sn := newSnap(t)
	sn.call(model.CallSubnets, `{"Subnets": [
{"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24"},
{"SubnetId": "subnet-2", "CidrBlock": "10.0.1.0/24x"},
{"SubnetId": "subnet-3", "CidrBlock": "10.0.2.0/33"}
]}`)
	_, err := Load(sn.root)
	var lines []int
	for _, fe := range fileErrors(t, err) {
		lines = append(lines, fe.Line)
	}
	if fmt.Sprint(lines) != "[3 4]" {
		t.Errorf("errors on lines %v, want [3 4]: %v", lines, err)
	}
}

// A file without its call's result key is not the call's output.
func TestMissingResultKey(t *testing.T) {
	for _, tc := range []struct {
		call    model.Call
		content string
		key     string
	}{
		{model.CallVPCs, `{}`, "Vpcs"},
		{model.CallVPCs, `{"Vpcs": null}`, "Vpcs"},
		{model.CallSubnets, `{"Vpcs": []}`, "Subnets"},
		{model.CallECSClusters, `{"clusters": []}`, "clusterArns"},
		{model.CallClassicLoadBalancers, `{"LoadBalancers": []}`, "LoadBalancerDescriptions"},
		{model.CallInstances, `{"Instances": []}`, "Reservations"},
		{model.CallFlowLogs, `{"FlowLogSet": []}`, "FlowLogs"},
	} {
		t.Run(string(tc.call)+" "+tc.content, func(t *testing.T) {
			sn := newSnap(t)
			file := sn.call(tc.call, tc.content)
			fe := loadFileError(t, sn.root)
			if fe.Path != file || fe.Line != 1 || fe.Col != 1 || !strings.Contains(fe.Msg, fmt.Sprintf("%q", tc.key)) {
				t.Errorf("error = %v, want %s:1:1 naming the key %q", fe, file, tc.key)
			}
		})
	}
	// The same for a per-resource file.
	sn := newSnap(t)
	sn.call(model.CallTargetGroups, `{"TargetGroups": [{"TargetGroupArn": "arn:tg", "TargetGroupName": "tg"}]}`)
	file := sn.perResource(model.CallTargetHealth, "arn:tg", `{"TargetHealth": []}`)
	if fe := loadFileError(t, sn.root); fe.Path != file || !strings.Contains(fe.Msg, "TargetHealthDescriptions") {
		t.Errorf("error = %v, want %s naming TargetHealthDescriptions", fe, file)
	}
}

// Load reads every file before it returns and reports every broken one,
// in every region and account, with no inventory.
func TestAllBrokenFilesReported(t *testing.T) {
	root := t.TempDir()
	var want []string
	good := func(rel, content string) { writeFile(t, filepath.Join(root, filepath.FromSlash(rel)), []byte(content)) }
	bad := func(rel, content string) {
		want = append(want, writeFile(t, filepath.Join(root, filepath.FromSlash(rel)), []byte(content)))
	}
	bad("a/us-east-1/ec2-describe-vpcs.json", `{"Vpcs": [`)
	good("a/us-east-1/ec2-describe-subnets.json", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24"}]}`)
	bad("a/us-east-1/ec2-describe-security-groups.json", `{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "x"}]}]}]}`)
	bad("a/eu-west-1/ec2-describe-subnets.json", `{"Subnets": [{"MapPublicIpOnLaunch": 1}]}`)
	good("a/eu-west-1/elbv2-describe-target-groups.json", `{"TargetGroups": [{"TargetGroupArn": "arn:tg", "TargetGroupName": "tg"}]}`)
	bad("a/eu-west-1/elbv2-describe-target-health/arn%3Atg", `{"TargetHealthDescriptions": [}`)
	good("a/eu-west-1/ec2-describe-vpcs.json", "") // empty: not collected, not an error
	bad("b/sts-get-caller-identity.json", `{"Account": 123456789012}`)
	bad("b/ap-northeast-1/ec2-describe-vpcs.json", `{}`)

	inv, err := Load(root)
	if inv != nil {
		t.Errorf("Load returned an inventory with errors")
	}
	var got []string
	for _, fe := range fileErrors(t, err) {
		got = append(got, fe.Path)
		if !strings.Contains(err.Error(), fe.Error()) {
			t.Errorf("joined error text lacks %q", fe.Error())
		}
	}
	sameSet(t, "files in error", got, want)
	if len(got) != len(want) {
		t.Errorf("%d errors for %d broken files: %v", len(got), len(want), err)
	}
}

// An empty file is what `aws ... > file` leaves when the call fails: the
// call was not collected, which is not an error.
func TestEmptyFileIsNotCollected(t *testing.T) {
	for _, content := range []string{"", " \n\t\r\n"} {
		sn := newSnap(t)
		sn.call(model.CallRouteTables, content)
		sn.call(model.CallTargetGroups, `{"TargetGroups": [{"TargetGroupArn": "arn:tg", "TargetGroupName": "tg"}]}`)
		sn.perResource(model.CallTargetHealth, "arn:tg", content)
		r := sn.region()
		if r.Coverage.Has(model.CallRouteTables) {
			t.Errorf("%q: Has(route tables) = true", content)
		}
		for _, tc := range []struct {
			call     model.Call
			resource string
		}{{model.CallRouteTables, ""}, {model.CallTargetHealth, "arn:tg"}} {
			m := missing(r, tc.call)
			if len(m) != 1 || m[0].Resource != tc.resource || !strings.HasPrefix(m[0].Reason, "empty file") {
				t.Errorf("%q: missing %s = %+v, want one 'empty file' for %q", content, tc.call, m, tc.resource)
			}
		}
		if tg := r.TargetGroup("arn:tg"); tg == nil || tg.TargetsKnown {
			t.Errorf("%q: target group %+v, want its targets unknown", content, tg)
		}
	}
}

// A pagination token in the file means later pages were not saved: the
// call is reported incomplete, and the page that is there is still used.
func TestPaginationTokenMarksIncomplete(t *testing.T) {
	for _, tc := range []struct {
		call     model.Call
		content  string
		resource string
		loaded   func(r *model.Region) bool
	}{
		{call: model.CallVPCs, content: `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}], "NextToken": "eyJ2IjoxfQ=="}`,
			loaded: func(r *model.Region) bool { return r.VPC("vpc-1") != nil }},
		{call: model.CallNetworkInterfaces, content: `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}], "NextToken": "t"}`,
			loaded: func(r *model.Region) bool { return r.ENI("eni-1") != nil }},
		{call: model.CallLoadBalancersV2, content: `{"LoadBalancers": [{"LoadBalancerName": "lb", "LoadBalancerArn": "arn:lb"}], "NextMarker": "m"}`,
			loaded: func(r *model.Region) bool { return r.Resource(model.KindLoadBalancer, "lb") != nil }},
		{call: model.CallDBInstances, content: `{"DBInstances": [{"DBInstanceIdentifier": "db"}], "Marker": "m"}`,
			loaded: func(r *model.Region) bool { return r.Resource(model.KindDBInstance, "db") != nil }},
		{call: model.CallECSClusters, content: `{"clusterArns": ["arn:c"], "nextToken": "t"}`,
			loaded: func(r *model.Region) bool { return len(missing(r, model.CallECSTasks)) == 1 }},
		{call: model.CallLambdaFunctions, content: `{"Functions": [{"FunctionName": "f", "VpcConfig": {"SubnetIds": ["subnet-1"]}}], "NextMarker": "m"}`,
			loaded: func(r *model.Region) bool { return r.Resource(model.KindLambda, "f") != nil }},
		{call: model.CallFlowLogs, content: `{"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1"}], "NextToken": "t"}`,
			loaded: func(r *model.Region) bool {
				return len(r.FlowLogs) == 1 && r.FlowLogs[0].ResourceType == model.FlowLogVPC
			}},
	} {
		t.Run(string(tc.call), func(t *testing.T) {
			sn := newSnap(t)
			sn.call(tc.call, tc.content)
			r := sn.region()
			// Incomplete data is used but is not "collected": nothing may be
			// concluded from what it lacks.
			if r.Coverage.Has(tc.call) {
				t.Errorf("Has = true, want false for an incomplete result")
			}
			m := missing(r, tc.call)
			if len(m) != 1 || !strings.HasPrefix(m[0].Reason, "incomplete") {
				t.Errorf("missing = %+v, want one 'incomplete'", m)
			}
			if !tc.loaded(r) {
				t.Errorf("the page's data was not loaded")
			}
		})
	}
	// A per-resource file with a token: incomplete for that resource.
	sn := newSnap(t)
	sn.call(model.CallManagedPrefixLists, `{"PrefixLists": [{"PrefixListId": "pl-1", "OwnerId": "123456789012"}]}`)
	sn.perResource(model.CallPrefixListEntries, "pl-1", `{"Entries": [{"Cidr": "10.0.0.0/8"}], "NextToken": "t"}`)
	r := sn.region()
	if m := missing(r, model.CallPrefixListEntries); len(m) != 1 || m[0].Resource != "pl-1" || !strings.HasPrefix(m[0].Reason, "incomplete") {
		t.Errorf("missing entries = %+v, want incomplete for pl-1", m)
	}
	if pl := r.PrefixList("pl-1"); pl == nil || len(pl.Entries) != 1 || pl.EntriesKnown {
		t.Errorf("prefix list = %+v, want its first page's entry, with the entries not known in full", pl)
	}
	// An empty token is no token.
	sn = newSnap(t)
	sn.call(model.CallVPCs, `{"Vpcs": [], "NextToken": ""}`)
	if m := missing(sn.region(), model.CallVPCs); len(m) != 0 {
		t.Errorf("empty NextToken: missing = %+v, want none", m)
	}
}

// An absent file is a call not collected: listed in Coverage.Missing with
// what it weakens, and Has is false. Optional calls are never listed.
func TestMissingFile(t *testing.T) {
	sn := newSnap(t)
	sn.call(model.CallVPCs, `{"Vpcs": []}`)
	sn.call(model.CallLoadBalancersV2, `{"LoadBalancers": [{"LoadBalancerName": "lb", "LoadBalancerArn": "arn:lb"}]}`)
	r := sn.region()
	if !r.Coverage.Has(model.CallVPCs) {
		t.Error("Has(vpcs) = false; an empty list is collected")
	}
	var regional []model.Call
	for _, m := range r.Coverage.Missing {
		if m.Reason != "not collected" {
			t.Errorf("%s: reason %q", m.Call, m.Reason)
		}
		if r.Coverage.Has(m.Call) {
			t.Errorf("%s is both missing and collected", m.Call)
		}
		if m.Resource == "" {
			regional = append(regional, m.Call)
		}
	}
	var want []model.Call
	for _, ci := range model.Calls {
		if ci.Per == "" && !ci.Optional && ci.Call != model.CallVPCs && ci.Call != model.CallLoadBalancersV2 {
			want = append(want, ci.Call)
		}
	}
	if fmt.Sprint(regional) != fmt.Sprint(want) {
		t.Errorf("missing regional calls = %v, want %v in model.Calls order", regional, want)
	}
	if m := missing(r, model.CallListeners); len(m) != 1 || m[0].Resource != "arn:lb" {
		t.Errorf("missing listeners = %+v, want the load balancer's", m)
	}
	if lb := r.Resource(model.KindLoadBalancer, "lb"); lb == nil || lb.LoadBalancer.ListenersKnown {
		t.Errorf("load balancer %+v, want its listeners unknown", lb)
	}
	if m := missing(r, model.CallCacheSubnetGroups); len(m) != 0 {
		t.Errorf("optional call listed missing: %+v", m)
	}
}

// Paths that are not snapshots say so, and say what to pass instead.
func TestNotASnapshot(t *testing.T) {
	dir := t.TempDir()
	plain := writeFile(t, filepath.Join(dir, "plain.json"), []byte(`{"Vpcs": []}`))
	empty := filepath.Join(dir, "empty")
	writeFile(t, filepath.Join(empty, "notes", "README.txt"), []byte("hello"))
	writeFile(t, filepath.Join(empty, "ec2-describe-vpcs.json"), []byte(`{"Vpcs": []}`)) // a call, but no region folder
	region := filepath.Join(dir, "acct", "ap-northeast-1")
	writeFile(t, filepath.Join(region, "ec2-describe-vpcs.json"), []byte(`{"Vpcs": []}`))

	for _, tc := range []struct {
		name, path, reason string
	}{
		{"no such path", filepath.Join(dir, "nope"), "cannot read: no such file or directory"},
		{"a plain file", plain, "not a folder; pass the snapshot folder"},
		{"no region folders", empty, "found no region folders (such as ap-northeast-1/)"},
		{"a region folder", region, "this is a region folder; pass the account folder above it (" + filepath.Dir(region) + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Load(tc.path)
			if inv != nil {
				t.Error("Load returned an inventory")
			}
			var ne *NotSnapshotError
			if !errors.As(err, &ne) {
				t.Fatalf("error %v (%T), want a *NotSnapshotError", err, err)
			}
			if ne.Path != tc.path || !strings.Contains(ne.Reason, tc.reason) {
				t.Errorf("error = %v, want %s: ...%s...", ne, tc.path, tc.reason)
			}
			if !strings.HasPrefix(err.Error(), tc.path+": ") {
				t.Errorf("error text %q does not start with the path", err)
			}
		})
	}
	// With a good path beside it, the bad one is still an error.
	good := newSnap(t)
	good.call(model.CallVPCs, `{"Vpcs": []}`)
	if inv, err := Load(good.root, plain); err == nil || inv != nil {
		t.Errorf("Load(good, plain) = %v, %v; want an error and no inventory", inv, err)
	}
}

// A file that cannot be read is an error naming it.
func TestUnreadableFile(t *testing.T) {
	t.Run("a folder where the file should be", func(t *testing.T) {
		sn := newSnap(t)
		file := filepath.Join(sn.root, "us-east-1", string(model.CallSubnets)+".json")
		mkdir(t, file)
		sn.call(model.CallVPCs, `{"Vpcs": []}`)
		fe := loadFileError(t, sn.root)
		if fe.Path != file || !strings.Contains(fe.Msg, "cannot read: is a directory") {
			t.Errorf("error = %v, want cannot read %s", fe, file)
		}
	})
	t.Run("no permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: file permissions are not enforced")
		}
		sn := newSnap(t)
		file := sn.call(model.CallVPCs, `{"Vpcs": []}`)
		if err := os.Chmod(file, 0); err != nil {
			t.Fatal(err)
		}
		fe := loadFileError(t, sn.root)
		if fe.Path != file || !strings.Contains(fe.Msg, "cannot read") {
			t.Errorf("error = %v, want cannot read %s", fe, file)
		}
	})
}
