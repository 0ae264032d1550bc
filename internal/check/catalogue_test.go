package check_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// casesByID is every check's table. A check added to All without a table
// here fails TestEveryCheckHasCases.
var casesByID = map[string][]checkCase{
	"db-publicly-accessible":                 dbPubliclyAccessibleCases,
	"default-vpc-in-use":                     defaultVPCInUseCases,
	"ec2-instance-public-ip":                 ec2InstancePublicIPCases,
	"ecs-task-public-ip":                     ecsTaskPublicIPCases,
	"elasticache-subnet-group-public-subnet": elastiCacheSubnetGroupPublicSubnetCases,
	"elb-http-without-https-redirect":        elbHTTPWithoutHTTPSRedirectCases,
	"elb-internal-in-public-subnet":          elbInternalInPublicSubnetCases,
	"elb-nlb-without-security-group":         elbNLBWithoutSecurityGroupCases,
	"elb-non-http-listener-world-open":       elbNonHTTPListenerWorldOpenCases,
	"igw-unused":                             igwUnusedCases,
	"internet-exposed":                       internetExposedCases,
	"lambda-in-public-subnet":                lambdaInPublicSubnetCases,
	"nacl-admin-port-world-open":             naclAdminPortWorldOpenCases,
	"nat-gateway-single-az":                  natGatewaySingleAZCases,
	"peering-route-too-wide":                 peeringRouteTooWideCases,
	"rds-subnet-group-public-subnet":         rdsSubnetGroupPublicSubnetCases,
	"resource-in-public-subnet":              resourceInPublicSubnetCases,
	"route-blackhole":                        routeBlackholeCases,
	"sg-admin-port-world-open":               sgAdminPortWorldOpenCases,
	"sg-broad-private-source":                sgBroadPrivateSourceCases,
	"sg-cache-port-world-open":               sgCachePortWorldOpenCases,
	"sg-database-port-world-open":            sgDatabasePortWorldOpenCases,
	"sg-default-has-rules":                   sgDefaultHasRulesCases,
	"sg-egress-open-data-tier":               sgEgressOpenDataTierCases,
	"sg-rule-undocumented":                   sgRuleUndocumentedCases,
	"sg-rule-unused-in-flows":                sgRuleUnusedInFlowsCases,
	"sg-search-port-world-open":              sgSearchPortWorldOpenCases,
	"sg-shared-across-roles":                 sgSharedAcrossRolesCases,
	"sg-unused":                              sgUnusedCases,
	"sg-wide-port-range":                     sgWidePortRangeCases,
	"sg-world-open-all-protocols":            sgWorldOpenAllProtocolsCases,
	"sg-world-open-port":                     sgWorldOpenPortCases,
	"subnet-auto-assign-public-ip":           subnetAutoAssignPublicIPCases,
	"vpc-flow-logs-disabled":                 vpcFlowLogsDisabledCases,
	"vpc-no-dynamodb-gateway-endpoint":       vpcNoDynamoDBGatewayEndpointCases,
	"vpc-no-s3-gateway-endpoint":             vpcNoS3GatewayEndpointCases,
	"vpc-public-subnets-only":                vpcPublicSubnetsOnlyCases,
	"vpce-private-dns-disabled":              vpcePrivateDNSDisabledCases,
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogueIsSortedByUniqueKebabIDs(t *testing.T) {
	if len(check.All) == 0 {
		t.Fatal("the catalogue is empty")
	}
	for i, c := range check.All {
		if c == nil {
			t.Fatalf("All[%d] is nil", i)
		}
		if !kebab.MatchString(c.ID) {
			t.Errorf("ID %q is not kebab-case", c.ID)
		}
		if i > 0 && check.All[i-1].ID >= c.ID {
			t.Errorf("All is not sorted by unique ID: %q before %q", check.All[i-1].ID, c.ID)
		}
	}
}

func TestCatalogueMetaIsComplete(t *testing.T) {
	for _, c := range check.All {
		t.Run(c.ID, func(t *testing.T) {
			for field, v := range map[string]string{"Title": c.Title, "Rationale": c.Rationale, "Remediation": c.Remediation} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", field)
				}
				if strings.Contains(v, "\n") {
					t.Errorf("%s spans several lines", field)
				}
			}
			if strings.HasSuffix(c.Title, ".") {
				t.Errorf("Title %q ends with a period; it is a heading", c.Title)
			}
			if len(c.References) == 0 {
				t.Error("no References")
			}
			for _, r := range c.References {
				if strings.TrimSpace(r) == "" {
					t.Error("an empty Reference")
				}
			}
			if _, err := check.ParseSeverity(c.Severity.String()); err != nil {
				t.Errorf("Severity %d is not valid", int(c.Severity))
			}
			if c.Run == nil {
				t.Error("Run is nil")
			}
			if len(c.Needs) == 0 {
				t.Error("Needs is empty: every check reads some call")
			}
			for _, call := range c.Needs {
				if ci, ok := model.CallInfoFor(call); !ok || ci.Per != "" || ci.Optional {
					t.Errorf("Needs %q, which is not a regional, required call vpcdoctor reads", call)
				}
			}
		})
	}
}

// TestCatalogueFiles pins the layout: each check in a file named after its
// ID, with its table tests beside it (STYLE.md, habit 2).
func TestCatalogueFiles(t *testing.T) {
	for _, c := range check.All {
		base := strings.ReplaceAll(c.ID, "-", "_")
		for _, f := range []string{base + ".go", base + "_test.go"} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: %v", c.ID, err)
			}
		}
	}
}

func TestByID(t *testing.T) {
	for _, c := range check.All {
		if got := check.ByID(c.ID); got != c {
			t.Errorf("ByID(%q) = %p, want %p", c.ID, got, c)
		}
	}
	for _, id := range []string{"", "no-such-check", "SG-WORLD-OPEN-PORT", " sg-world-open-port"} {
		if got := check.ByID(id); got != nil {
			t.Errorf("ByID(%q) = %q, want nil", id, got.ID)
		}
	}
}

// TestEveryCheckHasCases proves that each check of the catalogue has a
// table with a bad case that fires and a good case that does not
// (STYLE.md, habit 2), and that no table belongs to a check outside it.
func TestEveryCheckHasCases(t *testing.T) {
	var inAll []string
	for _, c := range check.All {
		inAll = append(inAll, c.ID)
		cases, ok := casesByID[c.ID]
		if !ok {
			t.Errorf("%s has no case table in casesByID", c.ID)
			continue
		}
		var bad, good int
		for _, tc := range cases {
			switch {
			case tc.want.bug != "" || tc.want.skip != nil || tc.want.skipReason != "":
			case len(tc.want.findings) > 0:
				bad++
				if problems := evaluate(c, tc); len(problems) > 0 {
					t.Errorf("%s: bad case %q does not fire as expected: %s", c.ID, tc.name, strings.Join(problems, "; "))
				}
			default:
				good++
			}
		}
		if bad == 0 || good == 0 {
			t.Errorf("%s has %d bad and %d good cases; want at least one of each", c.ID, bad, good)
		}
	}
	for id := range casesByID {
		if !slices.Contains(inAll, id) {
			t.Errorf("casesByID has a table for %q, which is not in All", id)
		}
	}
}

// TestChecksAreQuietOnAnEmptyRegion runs the whole catalogue over a region
// where every call was collected and returned nothing.
func TestChecksAreQuietOnAnEmptyRegion(t *testing.T) {
	b := modeltest.New(account, region)
	for _, ci := range model.Calls {
		b.Collected(ci.Call)
	}
	res := check.Run(modeltest.Inventory(b.Link()), check.All)
	var skipped []check.Skip
	for _, s := range res.Skipped {
		if s.Reason != check.NoFlowLogs { // no flow logs were given: not a gap in the data
			skipped = append(skipped, s)
		}
	}
	if len(res.Findings) > 0 || len(skipped) > 0 {
		t.Errorf("findings %+v, skipped %+v; want none", res.Findings, skipped)
	}
}
