package awsapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// outputTypes are the SDK output types of every call of model.Calls.
var outputTypes = map[model.Call]reflect.Type{
	model.CallVPCs:                  reflect.TypeFor[ec2.DescribeVpcsOutput](),
	model.CallSubnets:               reflect.TypeFor[ec2.DescribeSubnetsOutput](),
	model.CallRouteTables:           reflect.TypeFor[ec2.DescribeRouteTablesOutput](),
	model.CallInternetGateways:      reflect.TypeFor[ec2.DescribeInternetGatewaysOutput](),
	model.CallEgressOnlyIGWs:        reflect.TypeFor[ec2.DescribeEgressOnlyInternetGatewaysOutput](),
	model.CallNATGateways:           reflect.TypeFor[ec2.DescribeNatGatewaysOutput](),
	model.CallNetworkACLs:           reflect.TypeFor[ec2.DescribeNetworkAclsOutput](),
	model.CallSecurityGroups:        reflect.TypeFor[ec2.DescribeSecurityGroupsOutput](),
	model.CallNetworkInterfaces:     reflect.TypeFor[ec2.DescribeNetworkInterfacesOutput](),
	model.CallInstances:             reflect.TypeFor[ec2.DescribeInstancesOutput](),
	model.CallVPCEndpoints:          reflect.TypeFor[ec2.DescribeVpcEndpointsOutput](),
	model.CallPeeringConnections:    reflect.TypeFor[ec2.DescribeVpcPeeringConnectionsOutput](),
	model.CallManagedPrefixLists:    reflect.TypeFor[ec2.DescribeManagedPrefixListsOutput](),
	model.CallPrefixListEntries:     reflect.TypeFor[ec2.GetManagedPrefixListEntriesOutput](),
	model.CallFlowLogs:              reflect.TypeFor[ec2.DescribeFlowLogsOutput](),
	model.CallLoadBalancersV2:       reflect.TypeFor[elbv2.DescribeLoadBalancersOutput](),
	model.CallListeners:             reflect.TypeFor[elbv2.DescribeListenersOutput](),
	model.CallTargetGroups:          reflect.TypeFor[elbv2.DescribeTargetGroupsOutput](),
	model.CallTargetHealth:          reflect.TypeFor[elbv2.DescribeTargetHealthOutput](),
	model.CallTargetGroupAttributes: reflect.TypeFor[elbv2.DescribeTargetGroupAttributesOutput](),
	model.CallClassicLoadBalancers:  reflect.TypeFor[elb.DescribeLoadBalancersOutput](),
	model.CallDBInstances:           reflect.TypeFor[rds.DescribeDBInstancesOutput](),
	model.CallDBClusters:            reflect.TypeFor[rds.DescribeDBClustersOutput](),
	model.CallCacheClusters:         reflect.TypeFor[elasticache.DescribeCacheClustersOutput](),
	model.CallCacheSubnetGroups:     reflect.TypeFor[elasticache.DescribeCacheSubnetGroupsOutput](),
	model.CallLambdaFunctions:       reflect.TypeFor[lambda.ListFunctionsOutput](),
	model.CallECSClusters:           reflect.TypeFor[ecs.ListClustersOutput](),
	model.CallECSServicesList:       reflect.TypeFor[ecs.ListServicesOutput](),
	model.CallECSServices:           reflect.TypeFor[ecs.DescribeServicesOutput](),
	model.CallECSTasksList:          reflect.TypeFor[ecs.ListTasksOutput](),
	model.CallECSTasks:              reflect.TypeFor[ecs.DescribeTasksOutput](),
}

// botocoreShapes is a botocore service model: its operations and shapes.
type botocoreShapes struct {
	Operations map[string]struct {
		Output struct {
			Shape string `json:"shape"`
		} `json:"output"`
	} `json:"operations"`
	Shapes map[string]struct {
		Type    string `json:"type"`
		Members map[string]struct {
			Shape string `json:"shape"`
		} `json:"members"`
		Member struct {
			Shape string `json:"shape"`
		} `json:"member"`
		Value struct {
			Shape string `json:"shape"`
		} `json:"value"`
	} `json:"shapes"`
}

// The encoder's member names are the service model's: every field it
// writes, at any depth, of the output of every call vpcdoctor makes, is a
// member of the botocore shape at that place (botocore is what the AWS
// CLI prints with).
func TestEncoderNamesAreModelMembers(t *testing.T) {
	root := corpusPath(t, "botocore-models")
	models := map[string]*botocoreShapes{}
	checked := 0
	for _, ci := range model.Calls {
		typ, ok := outputTypes[ci.Call]
		if !ok {
			t.Errorf("%s: no output type in this test's table", ci.Call)
			continue
		}
		service, op, _ := strings.Cut(string(ci.Call), "-")
		m := models[service]
		if m == nil {
			data, err := os.ReadFile(filepath.Join(root, service, "service-2.subset.json"))
			if err != nil {
				t.Errorf("%s: %v", ci.Call, err)
				continue
			}
			m = &botocoreShapes{}
			if err := json.Unmarshal(data, m); err != nil {
				t.Fatal(err)
			}
			models[service] = m
		}
		shape := ""
		for name, o := range m.Operations {
			if strings.EqualFold(name, strings.ReplaceAll(op, "-", "")) {
				shape = o.Output.Shape
			}
		}
		if shape == "" {
			t.Logf("%s: the corpus's %s model has no such operation; not checked", ci.Call, service)
			continue
		}
		checked++
		e := &cliEncoder{lower: service == "ecs"}
		seen := map[string]bool{}
		var walk func(t reflect.Type, shape, path string)
		walk = func(typ reflect.Type, shape, path string) {
			for typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			s, ok := m.Shapes[shape]
			if !ok || seen[shape] {
				return
			}
			switch typ.Kind() {
			case reflect.Slice:
				if s.Type == "list" {
					walk(typ.Elem(), s.Member.Shape, path+"[]")
				}
			case reflect.Map:
				if s.Type == "map" {
					walk(typ.Elem(), s.Value.Shape, path+"{}")
				}
			case reflect.Struct:
				if typ == timeType {
					return
				}
				seen[shape] = true
				defer delete(seen, shape)
				fields := map[string]bool{}
				for i := range typ.NumField() {
					f := typ.Field(i)
					if !f.IsExported() || path == "" && f.Name == "ResultMetadata" {
						continue
					}
					name := e.memberName(f.Name)
					fields[name] = true
					mem, ok := s.Members[name]
					if !ok {
						// A member newer than the corpus's model is
						// fine; one spelled otherwise is not.
						for m := range s.Members {
							if strings.EqualFold(m, name) {
								t.Errorf("%s: %s.%s: written %q, botocore's %s spells it %q", ci.Call, path, name, name, shape, m)
							}
						}
						continue
					}
					walk(f.Type, mem.Shape, path+"."+name)
				}
				// Every member of the model is a field the encoder
				// names exactly so.
				for m := range s.Members {
					if !fields[m] && !(path == "" && (m == "NextToken" || m == "nextToken")) {
						t.Errorf("%s: %s: botocore's %s member %q is no field the encoder writes under that name", ci.Call, path, shape, m)
					}
				}
			}
		}
		walk(typ, shape, "")
	}
	if checked < 25 {
		t.Errorf("checked %d calls against the models, want 25 or more", checked)
	}
}

// The encoder writes what the CLI prints: absent members omitted, empty
// lists kept, defaults of non-pointer numbers written, timestamps with
// microseconds only when there are any, no HTML escaping, four-space
// indentation.
func TestEncodeCLI(t *testing.T) {
	out := &ec2.DescribeVpcsOutput{Vpcs: []ec2types.Vpc{{
		VpcId:                   aws.String("vpc-1"),
		IsDefault:               aws.Bool(false),
		Tags:                    []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("a<b>&c \"q\"\n")}},
		CidrBlockAssociationSet: []ec2types.VpcCidrBlockAssociation{},
	}}}
	got, err := encodeCLI(out, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
    "Vpcs": [
        {
            "CidrBlockAssociationSet": [],
            "IsDefault": false,
            "Tags": [
                {
                    "Key": "Name",
                    "Value": "a<b>&c \"q\"\n"
                }
            ],
            "VpcId": "vpc-1"
        }
    ]
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	ts := time.Date(2021, 2, 26, 5, 44, 41, 225999999, time.UTC)
	svc := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{ServiceName: aws.String("api"), CreatedAt: &ts, DesiredCount: 0}}}
	got, err = encodeCLI(svc, true)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string][]map[string]any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatal(err)
	}
	s := v["services"][0]
	if s["serviceName"] != "api" || s["createdAt"] != "2021-02-26T05:44:41.226000+00:00" || s["desiredCount"] != float64(0) {
		t.Errorf("ECS service: %s", got)
	}
	if _, ok := s["status"]; ok {
		t.Errorf("an absent member written: %s", got)
	}
	if c := cliTime(time.Date(2021, 2, 15, 1, 12, 39, 0, time.FixedZone("JST", 9*3600))); c != "2021-02-14T16:12:39+00:00" {
		t.Errorf("cliTime: %s", c)
	}
}
