package awsapi

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const sdkService = "github.com/aws/aws-sdk-go-v2/service/"

// serviceClients are the SDK clients of the services this package may
// import, by import path under sdkService, with the IAM prefix of their
// actions. A service missing here fails the test: add it, and its calls
// are then checked as every other's.
var serviceClients = map[string]struct {
	client reflect.Type
	iam    string
}{
	"athena":                 {reflect.TypeFor[*athena.Client](), "athena"},
	"ec2":                    {reflect.TypeFor[*ec2.Client](), "ec2"},
	"ecs":                    {reflect.TypeFor[*ecs.Client](), "ecs"},
	"elasticache":            {reflect.TypeFor[*elasticache.Client](), "elasticache"},
	"elasticloadbalancing":   {reflect.TypeFor[*elb.Client](), "elasticloadbalancing"},
	"elasticloadbalancingv2": {reflect.TypeFor[*elbv2.Client](), "elasticloadbalancing"},
	"lambda":                 {reflect.TypeFor[*lambda.Client](), "lambda"},
	"organizations":          {reflect.TypeFor[*organizations.Client](), "organizations"},
	"rds":                    {reflect.TypeFor[*rds.Client](), "rds"},
	"s3":                     {reflect.TypeFor[*s3.Client](), "s3"},
	"sts":                    {reflect.TypeFor[*sts.Client](), "sts"},
}

// changesNothing is the allow-list of operations not named Describe*,
// List* or Get* that the package may call, each because it changes
// nothing in the account:
var changesNothing = map[string]string{
	// A credential exchange: temporary credentials for a role, nothing
	// created or changed (--assume-role, --org-role).
	"sts:AssumeRole": "credential exchange",
	// Runs the flows query (flows --engine athena): reads the flow-log
	// table and writes only the query's result, to the S3 location the
	// user names.
	"athena:StartQueryExecution": "writes only the query result to the user's bucket",
	// The one write: the Lambda function (internal/cmd/lambda, S3Put)
	// stores its reports, summaries and index in the report bucket the
	// user names; nothing of the scanned accounts is changed. Its own
	// statement in docs/iam-policy.json, on that bucket only.
	"s3:PutObject": "writes only vpcdoctor's reports to the user's bucket",
}

// iamActions maps the operations whose IAM action is named otherwise.
var iamActions = map[string]string{
	"s3:ListObjectsV2": "s3:ListBucket",
}

var readOnlyName = regexp.MustCompile(`^(Describe|List|Get)[A-Z]`)

// sdkOperations lists every AWS operation the package's non-test code can
// call, as "iamprefix:Operation": every SDK input type it names
// (&ec2.DescribeVpcsInput{}, a *athena.GetQueryResultsInput parameter),
// every paginator it builds (ec2.NewDescribeVpcsPaginator), every method
// of an SDK client it calls by name (client.GetObject(...), whatever its
// arguments), and stscreds.NewAssumeRoleProvider as sts:AssumeRole.
func sdkOperations(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]bool{}
	methods := map[string][]string{} // client method name → services having it
	for name, sc := range serviceClients {
		for i := range sc.client.NumMethod() {
			methods[sc.client.Method(i).Name] = append(methods[sc.client.Method(i).Name], name)
		}
	}
	for _, pkg := range pkgs {
		for fname, f := range pkg.Files {
			imports := map[string]string{} // local name → service
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if p == "github.com/aws/aws-sdk-go-v2/credentials/stscreds" {
					imports["stscreds"] = "stscreds"
				}
				svc, ok := strings.CutPrefix(p, sdkService)
				if !ok || strings.Contains(svc, "/") {
					continue
				}
				if _, known := serviceClients[svc]; !known {
					t.Errorf("%s imports %s: add its client to serviceClients so that its calls are checked", fname, p)
					continue
				}
				local := filepath.Base(p)
				if imp.Name != nil {
					local = imp.Name.Name
				}
				imports[local] = svc
			}
			usedServices := map[string]bool{}
			for _, svc := range imports {
				usedServices[svc] = true
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok {
					if svc, ok := imports[x.Name]; ok {
						name := sel.Sel.Name
						switch {
						case svc == "stscreds" && name == "NewAssumeRoleProvider":
							ops["sts:AssumeRole"] = true
						case svc == "stscreds":
						case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Paginator"):
							ops[serviceClients[svc].iam+":"+strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Paginator")] = true
						case strings.HasSuffix(name, "Input") && name != "Input":
							if _, ok := serviceClients[svc].client.MethodByName(strings.TrimSuffix(name, "Input")); ok {
								ops[serviceClients[svc].iam+":"+strings.TrimSuffix(name, "Input")] = true
							}
						}
						return true
					}
				}
				// A method call by an operation's name, on any value:
				// counted for every imported service that has it.
				for _, svc := range methods[sel.Sel.Name] {
					if usedServices[svc] && sel.Sel.Name != "Options" {
						ops[serviceClients[svc].iam+":"+sel.Sel.Name] = true
					}
				}
				return true
			})
		}
	}
	var out []string
	for op := range ops {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

// Read-only by construction: the package calls only Describe*, List* and
// Get* operations, and the few in changesNothing, which change nothing in
// the scanned accounts.
func TestOnlyReadOnlyOperations(t *testing.T) {
	ops := sdkOperations(t)
	for _, op := range ops {
		_, name, _ := strings.Cut(op, ":")
		if readOnlyName.MatchString(name) {
			continue
		}
		if _, ok := changesNothing[op]; !ok {
			t.Errorf("%s: not a Describe*, List* or Get* operation, and not in the allow-list of calls that change nothing", op)
		}
	}
	// The extraction finds what is known to be called: a test that
	// finds nothing proves nothing.
	for _, want := range []string{"ec2:DescribeVpcs", "ec2:GetManagedPrefixListEntries", "elasticloadbalancing:DescribeTargetHealth", "ecs:DescribeTasks", "sts:AssumeRole", "sts:GetCallerIdentity", "organizations:ListAccounts", "ec2:DescribeRegions", "s3:GetObject", "athena:StartQueryExecution"} {
		if !slices.Contains(ops, want) {
			t.Errorf("%s not found among the operations called: %v", want, ops)
		}
	}
	if len(ops) < 35 {
		t.Errorf("found %d operations, want 35 or more: %v", len(ops), ops)
	}
}

// docs/iam-policy.json allows exactly the actions of the operations the
// package calls.
func TestIAMPolicyInSync(t *testing.T) {
	want := map[string]bool{}
	for _, op := range sdkOperations(t) {
		if a, ok := iamActions[op]; ok {
			op = a
		}
		want[op] = true
	}
	data, err := os.ReadFile("../../docs/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Version   string
		Statement []struct {
			Sid      string
			Effect   string
			Action   []string
			Resource any
		}
	}
	if err := json.Unmarshal(data, &policy); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	if policy.Version != "2012-10-17" {
		t.Errorf("Version %q, want 2012-10-17", policy.Version)
	}
	got := map[string]bool{}
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement %s: Effect %q, want Allow", s.Sid, s.Effect)
		}
		for _, a := range s.Action {
			if got[a] {
				t.Errorf("%s listed twice", a)
			}
			got[a] = true
			if !want[a] {
				t.Errorf("docs/iam-policy.json allows %s, which vpcdoctor never calls", a)
			}
		}
	}
	for a := range want {
		if !got[a] {
			t.Errorf("docs/iam-policy.json lacks %s, which vpcdoctor calls", a)
		}
	}
}
