package awsapi

import (
	"encoding/json"
	"fmt"
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

// otherImports are the imports from github.com/aws/ other than service
// clients that the package's non-test code may use, because none of them
// sends a request by itself (or, for stscreds, only the one checked
// below). Anything else fails the test until reviewed: a signer
// (aws/signer/v4) signs requests the test cannot name, smithy-go's
// middleware can rewrite them, and the feature packages make calls of
// their own (feature/s3/manager's Uploader: CreateMultipartUpload,
// AbortMultipartUpload).
var otherImports = map[string]string{
	"github.com/aws/aws-sdk-go-v2/aws":                  "configuration and value helpers",
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit":        "the retry quota's setting",
	"github.com/aws/aws-sdk-go-v2/aws/retry":            "the retry mode",
	"github.com/aws/aws-sdk-go-v2/aws/transport/http":   "the HTTP error type",
	"github.com/aws/aws-sdk-go-v2/config":               "the default chain",
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds": "sts AssumeRole, through NewAssumeRoleProvider only",
	"github.com/aws/smithy-go":                          "the API error type",
	"github.com/aws/aws-lambda-go/lambda":               "the Lambda Runtime API of the function itself, not an AWS API",
	"github.com/aws/aws-lambda-go/lambdacontext":        "the invocation's context",
}

// reviewSelectors are names whose use makes a request the operation list
// cannot name, or changes what a request does: reflection on a client,
// middleware added to a client's stack.
var reviewSelectors = map[string]string{
	"MethodByName":   "calls a method named at run time",
	"APIOptions":     "adds middleware to a client's requests",
	"WithAPIOptions": "adds middleware to every client's requests",
}

// sdkOperations lists every AWS operation the package's non-test code
// (with its subfolders) can call, as "iamprefix:Operation": every SDK
// input type it names (&ec2.DescribeVpcsInput{}, a
// *athena.GetQueryResultsInput parameter), every paginator it builds
// (ec2.NewDescribeVpcsPaginator), every presigned request
// (PresignGetObject is s3:GetObject), every selector named as an
// operation of a client the package imports — in any file, on any value,
// whatever its arguments (r.ec2.DeleteVpc(ctx, nil) in a file that
// imports no ec2 is ec2:DeleteVpc) — and stscreds.NewAssumeRoleProvider as
// sts:AssumeRole. What the list could miss is reported as a problem
// instead: a waiter, an import outside serviceClients and otherImports, a
// name of reviewSelectors.
func sdkOperations(t *testing.T) []string {
	t.Helper()
	ops, problems := scanOperations(t, ".")
	for _, p := range problems {
		t.Error(p)
	}
	return ops
}

// scanOperations is sdkOperations for the Go files under dir.
func scanOperations(t *testing.T, dir string) (ops []string, problems []string) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	problem := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	// The services imported anywhere: a client built in one file can be
	// called in another that does not import its package.
	imported := map[string]bool{}
	perFile := make([]map[string]string, len(files)) // local name → service or "stscreds"
	for i, f := range files {
		perFile[i] = map[string]string{}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, "github.com/aws/") {
				continue
			}
			svc, isService := strings.CutPrefix(p, sdkService)
			switch {
			case isService && strings.HasSuffix(svc, "/types"):
				continue // data types only
			case isService && !strings.Contains(svc, "/"):
				if _, known := serviceClients[svc]; !known {
					problem(imp.Pos(), "imports %s: add its client to serviceClients so that its calls are checked", p)
					continue
				}
				imported[svc] = true
			case otherImports[p] != "":
			default:
				problem(imp.Pos(), "imports %s, which may make AWS calls this test cannot name: review it, then add it to otherImports", p)
				continue
			}
			local := filepath.Base(p)
			if imp.Name != nil {
				local = imp.Name.Name
			}
			switch {
			case p == "github.com/aws/aws-sdk-go-v2/credentials/stscreds":
				perFile[i][local] = "stscreds"
			case isService:
				perFile[i][local] = svc
			}
		}
	}
	// An operation's name → the imported services whose client has it.
	methods := map[string][]string{}
	for svc := range imported {
		client := serviceClients[svc].client
		for m := range client.NumMethod() {
			if name := client.Method(m).Name; name != "Options" {
				methods[name] = append(methods[name], svc)
			}
		}
	}
	for i, f := range files {
		imports := perFile[i]
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			name := sel.Sel.Name
			if why, ok := reviewSelectors[name]; ok {
				problem(sel.Pos(), "%s %s: the operations it leads to cannot be listed", name, why)
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				if svc, ok := imports[x.Name]; ok {
					switch {
					case svc == "stscreds" && name == "NewAssumeRoleProvider":
						found["sts:AssumeRole"] = true
					case svc == "stscreds":
						if strings.HasPrefix(name, "New") {
							problem(sel.Pos(), "stscreds.%s: only NewAssumeRoleProvider is known to call sts:AssumeRole", name)
						}
					case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Paginator"):
						found[serviceClients[svc].iam+":"+strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Paginator")] = true
					case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Waiter"):
						problem(sel.Pos(), "%s.%s: a waiter calls operations this test cannot name; call the Describe operation instead", x.Name, name)
					case strings.HasSuffix(name, "Input") && name != "Input":
						if _, ok := serviceClients[svc].client.MethodByName(strings.TrimSuffix(name, "Input")); ok {
							found[serviceClients[svc].iam+":"+strings.TrimSuffix(name, "Input")] = true
						}
					}
					return true
				}
			}
			// A method by an operation's name, on any value, in any
			// file; a presigner's Presign<Operation> as the operation.
			op := name
			if rest, ok := strings.CutPrefix(name, "Presign"); ok && len(methods[rest]) > 0 {
				op = rest
			}
			for _, svc := range methods[op] {
				found[serviceClients[svc].iam+":"+op] = true
			}
			return true
		})
	}
	for op := range found {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops, problems
}

// Read-only by construction: the package calls only Describe*, List* and
// Get* operations, and the few in changesNothing, which change nothing in
// the scanned accounts.
func TestOnlyReadOnlyOperations(t *testing.T) {
	ops := sdkOperations(t)
	for _, op := range notReadOnly(ops) {
		t.Errorf("%s: not a Describe*, List* or Get* operation, and not in the allow-list of calls that change nothing", op)
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

// notReadOnly is the operations of ops that are neither Describe*, List*
// nor Get*, nor in changesNothing.
func notReadOnly(ops []string) []string {
	var bad []string
	for _, op := range ops {
		_, name, _ := strings.Cut(op, ":")
		if _, ok := changesNothing[op]; !ok && !readOnlyName.MatchString(name) {
			bad = append(bad, op)
		}
	}
	return bad
}

// The extraction catches what a careless change could slip past it: each
// planted file below, in a copy of the package's layout, must show up as a
// non-read operation or as a problem.
func TestReadOnlyCatchesPlantedCalls(t *testing.T) {
	plants := map[string]struct {
		src     string
		wantOp  string // a non-read operation the extraction must list
		problem string // or a problem it must report
	}{
		// A client built in one file (clients.go below) and called in
		// another that imports no ec2, without an *Input literal.
		"nil-input.go": {src: "package p\nimport \"context\"\nfunc del(ctx context.Context, r *run) { r.ec2.DeleteVpc(ctx, nil) }\n", wantOp: "ec2:DeleteVpc"},
		// A method value passed around instead of called.
		"method-value.go": {src: "package p\nfunc term(r *run) any { return r.ec2.TerminateInstances }\n", wantOp: "ec2:TerminateInstances"},
		// A method expression on the client type.
		"method-expr.go": {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/service/ec2\"\nvar f = (*ec2.Client).DeleteSecurityGroup\n", wantOp: "ec2:DeleteSecurityGroup"},
		// A presigned request: the URL does the call later.
		"presign.go": {src: "package p\nimport (\"context\"; \"github.com/aws/aws-sdk-go-v2/service/s3\")\nfunc pre(ctx context.Context, c *s3.Client) { s3.NewPresignClient(c).PresignDeleteObject(ctx, nil) }\n", wantOp: "s3:DeleteObject"},
		// A paginator of a non-read operation would be named as well.
		"subdir/nested.go":     {src: "package nested\nimport \"github.com/aws/aws-sdk-go-v2/service/rds\"\nvar in = &rds.DeleteDBInstanceInput{}\n", wantOp: "rds:DeleteDBInstance"},
		"waiter.go":            {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/service/ec2\"\nvar w = ec2.NewInstanceTerminatedWaiter\n", problem: "waiter"},
		"signer.go":            {src: "package p\nimport v4 \"github.com/aws/aws-sdk-go-v2/aws/signer/v4\"\nvar s = v4.NewSigner()\n", problem: "aws/signer/v4"},
		"manager.go":           {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/feature/s3/manager\"\nvar u = manager.NewUploader\n", problem: "feature/s3/manager"},
		"reflect.go":           {src: "package p\nimport \"reflect\"\nfunc call(c any) { reflect.ValueOf(c).MethodByName(\"Delete\" + \"Vpc\") }\n", problem: "MethodByName"},
		"middleware.go":        {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/service/ec2\"\nfunc opt(o *ec2.Options) { o.APIOptions = nil }\n", problem: "APIOptions"},
		"config-middleware.go": {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/config\"\nvar o = config.WithAPIOptions(nil)\n", problem: "WithAPIOptions"},
		"unknown-service.go":   {src: "package p\nimport \"github.com/aws/aws-sdk-go-v2/service/iam\"\nvar c *iam.Client\n", problem: "service/iam"},
	}
	clients := "package p\nimport \"github.com/aws/aws-sdk-go-v2/service/ec2\"\ntype run struct{ ec2 *ec2.Client }\n"
	for name, plant := range plants {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, src string) {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("clients.go", clients)
			write(name, plant.src)
			ops, problems := scanOperations(t, dir)
			if plant.wantOp != "" && !slices.Contains(notReadOnly(ops), plant.wantOp) {
				t.Errorf("planted %s not caught: operations %v, problems %v", plant.wantOp, ops, problems)
			}
			if plant.problem != "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, plant.problem) }) {
				t.Errorf("planted %s not reported: problems %v", plant.problem, problems)
			}
		})
	}
	// And the clean layout alone is clean: the plants, not the harness,
	// make the findings.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "clients.go"), []byte(clients), 0o644); err != nil {
		t.Fatal(err)
	}
	if ops, problems := scanOperations(t, dir); len(ops) != 0 || len(problems) != 0 {
		t.Errorf("clean layout: operations %v, problems %v", ops, problems)
	}
}

// docs/iam-policy.json follows IAM's policy grammar, not only JSON's:
// exactly the element names IAM knows (they are case-sensitive, and
// encoding/json's decoding above is not), a Sid of letters and digits
// once each, actions as "service:Operation", and a Resource on every
// statement ("*" or ARNs).
func TestIAMPolicyGrammar(t *testing.T) {
	data, err := os.ReadFile("../../docs/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	for k := range top {
		if k != "Version" && k != "Statement" {
			t.Errorf("top-level element %q: IAM knows Version and Statement (and Id)", k)
		}
	}
	var statements []map[string]json.RawMessage
	if err := json.Unmarshal(top["Statement"], &statements); err != nil || len(statements) == 0 {
		t.Fatalf("Statement: want a non-empty array of statements: %v", err)
	}
	sidRE := regexp.MustCompile(`^[A-Za-z0-9]+$`)
	actionRE := regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$`)
	arnRE := regexp.MustCompile(`^arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$`)
	sids := map[string]bool{}
	for i, st := range statements {
		for k := range st {
			switch k {
			case "Sid", "Effect", "Action", "Resource":
			default:
				t.Errorf("statement %d: element %q not expected (IAM is case-sensitive; NotAction, Condition, Principal are not wanted here)", i, k)
			}
		}
		var sid string
		if err := json.Unmarshal(st["Sid"], &sid); err != nil || !sidRE.MatchString(sid) || sids[sid] {
			t.Errorf("statement %d: Sid %s: want letters and digits, unique", i, st["Sid"])
		}
		sids[sid] = true
		var actions []string
		if err := json.Unmarshal(st["Action"], &actions); err != nil || len(actions) == 0 {
			t.Errorf("statement %s: Action %s: want a non-empty array of actions", sid, st["Action"])
		}
		for _, a := range actions {
			if !actionRE.MatchString(a) {
				t.Errorf("statement %s: action %q: want service:Operation, no wildcard", sid, a)
			}
		}
		var one string
		var many []string
		if json.Unmarshal(st["Resource"], &one) == nil {
			many = []string{one}
		} else if err := json.Unmarshal(st["Resource"], &many); err != nil || len(many) == 0 {
			t.Errorf("statement %s: Resource %s: want \"*\" or ARNs", sid, st["Resource"])
		}
		for _, r := range many {
			if r != "*" && !arnRE.MatchString(r) {
				t.Errorf("statement %s: Resource %q: want \"*\" or an ARN", sid, r)
			}
		}
	}
}
