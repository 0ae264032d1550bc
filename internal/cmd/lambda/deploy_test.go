package lambda

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const deployDir = "../../../deploy"

// cfnValue turns a YAML node of a CloudFormation template into plain
// values, each short-form intrinsic function (!Ref X, !GetAtt A.B, !Sub,
// !If, ...) into its long form ({"Ref": "X"}, {"Fn::GetAtt": ["A",
// "B"]}, {"Fn::Sub": ...}).
func cfnValue(n *yaml.Node) (any, error) {
	custom := strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!")
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return cfnValue(n.Content[0])
	case yaml.AliasNode:
		return cfnValue(n.Alias)
	case yaml.ScalarNode:
		if custom {
			v = n.Value
		} else if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
	case yaml.SequenceNode:
		list := []any{}
		for _, c := range n.Content {
			x, err := cfnValue(c)
			if err != nil {
				return nil, err
			}
			list = append(list, x)
		}
		v = list
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: %q twice in one mapping", n.Content[i].Line, k)
			}
			x, err := cfnValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = x
		}
		v = m
	}
	if !custom {
		return v, nil
	}
	switch tag := strings.TrimPrefix(n.Tag, "!"); tag {
	case "Ref":
		return map[string]any{"Ref": v}, nil
	case "Condition":
		return map[string]any{"Condition": v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, ok := strings.Cut(s, ".")
			if !ok {
				return nil, fmt.Errorf("line %d: !GetAtt %s: want RESOURCE.ATTRIBUTE", n.Line, s)
			}
			v = []any{res, attr}
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	case "Sub", "If", "Join", "Select", "Split", "Equals", "Not", "And", "Or", "FindInMap", "GetAZs", "Base64", "ImportValue", "Cidr":
		return map[string]any{"Fn::" + tag: v}, nil
	default:
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
}

// cfnTemplate is a parsed CloudFormation template.
type cfnTemplate struct {
	Parameters map[string]any
	Conditions map[string]any
	Resources  map[string]map[string]any
	Outputs    map[string]any
	raw        map[string]any
}

func loadTemplate(t *testing.T, name string) *cfnTemplate {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	raw, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is not a mapping", name)
	}
	tpl := &cfnTemplate{raw: raw, Parameters: mapOf(raw["Parameters"]), Conditions: mapOf(raw["Conditions"]), Outputs: mapOf(raw["Outputs"]), Resources: map[string]map[string]any{}}
	for k, r := range mapOf(raw["Resources"]) {
		tpl.Resources[k] = mapOf(r)
	}
	return tpl
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// resourceTypes are the types the templates may use: real
// CloudFormation types, the ones vpcdoctor's deployment needs.
var resourceTypes = []string{
	"AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::S3::BucketPolicy",
	"AWS::Scheduler::Schedule", "AWS::StepFunctions::StateMachine",
}

var templateKeys = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"}

// resourceKeys are the members a resource may have.
var resourceKeys = []string{"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"}

// pseudoParameters are CloudFormation's own.
var pseudoParameters = []string{"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}

// subVariable is a ${NAME} or ${NAME.ATTR} of Fn::Sub (not ${!literal}).
var subVariable = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// checkStructure checks the template's keys, resource types and every
// reference: Ref, Fn::GetAtt, Fn::Sub variables, DependsOn and
// conditions name things that exist.
func checkStructure(name string, tpl *cfnTemplate) []string {
	var errs []string
	errorf := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for k := range tpl.raw {
		if !slices.Contains(templateKeys, k) {
			errorf("%s: unknown top-level member %s", name, k)
		}
	}
	if tpl.raw["AWSTemplateFormatVersion"] != "2010-09-09" {
		errorf("%s: AWSTemplateFormatVersion %v", name, tpl.raw["AWSTemplateFormatVersion"])
	}
	if len(tpl.Resources) == 0 {
		errorf("%s has no resources", name)
		return errs
	}
	refable := func(n string) bool {
		_, p := tpl.Parameters[n]
		_, r := tpl.Resources[n]
		return p || r || slices.Contains(pseudoParameters, n)
	}
	condition := func(where string, v any) {
		if s, ok := v.(string); !ok || tpl.Conditions[s] == nil {
			errorf("%s: %s names condition %v, which the template does not define", name, where, v)
		}
	}
	var walk func(where string, v any, local map[string]bool)
	walk = func(where string, v any, local map[string]bool) {
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", where, i), e, local)
			}
		case map[string]any:
			for k, e := range x {
				switch k {
				case "Ref":
					if s, _ := e.(string); !refable(s) {
						errorf("%s: %s: Ref %v names no parameter or resource", name, where, e)
					}
				case "Fn::GetAtt":
					parts, _ := e.([]any)
					if len(parts) != 2 || tpl.Resources[fmt.Sprint(parts[0])] == nil {
						errorf("%s: %s: Fn::GetAtt %v names no resource", name, where, e)
					}
				case "Condition":
					// The intrinsic {"Condition": NAME} (!Condition), not
					// an IAM statement's Condition block.
					if _, ok := e.(string); ok && len(x) == 1 {
						condition(where, e)
					}
				case "Fn::If":
					if args, _ := e.([]any); len(args) != 3 {
						errorf("%s: %s: Fn::If takes 3 arguments, not %v", name, where, e)
					} else {
						condition(where+" Fn::If", args[0])
					}
				case "Fn::Sub":
					text, vars := e, map[string]bool{}
					if args, ok := e.([]any); ok && len(args) == 2 {
						text = args[0]
						for vk, vv := range mapOf(args[1]) {
							vars[vk] = true
							walk(where+" Fn::Sub "+vk, vv, local)
						}
					}
					s, _ := text.(string)
					for _, m := range subVariable.FindAllStringSubmatch(s, -1) {
						ref, _, _ := strings.Cut(m[1], ".")
						if strings.Contains(m[1], ".") && !strings.HasPrefix(m[1], "AWS::") {
							if tpl.Resources[ref] == nil {
								errorf("%s: %s: Fn::Sub ${%s} names no resource", name, where, m[1])
							}
						} else if !vars[m[1]] && !local[m[1]] && !refable(m[1]) {
							errorf("%s: %s: Fn::Sub ${%s} names nothing", name, where, m[1])
						}
					}
				}
				walk(where+"."+k, e, local)
			}
		}
	}
	for id, r := range tpl.Resources {
		for k := range r {
			if !slices.Contains(resourceKeys, k) {
				errorf("%s: resource %s: unknown member %s", name, id, k)
			}
		}
		typ, _ := r["Type"].(string)
		if !slices.Contains(resourceTypes, typ) {
			errorf("%s: resource %s: type %q is not one of %v", name, id, typ, resourceTypes)
		}
		deps := r["DependsOn"]
		if s, ok := deps.(string); ok {
			deps = []any{s}
		}
		list, _ := deps.([]any)
		for _, d := range list {
			if tpl.Resources[fmt.Sprint(d)] == nil {
				errorf("%s: resource %s: DependsOn %v names no resource", name, id, d)
			}
		}
		if c, ok := r["Condition"]; ok {
			condition("resource "+id, c)
		}
		// A state machine's DefinitionSubstitutions are its ${} names.
		local := map[string]bool{}
		for k := range mapOf(mapOf(r["Properties"])["DefinitionSubstitutions"]) {
			local[k] = true
		}
		walk("Resources."+id, r["Properties"], local)
	}
	walk("Conditions", tpl.raw["Conditions"], nil)
	walk("Outputs", tpl.raw["Outputs"], nil)
	return errs
}

func TestCloudFormationTemplates(t *testing.T) {
	for _, name := range []string{"cloudformation.yaml", "member-role.yaml"} {
		t.Run(name, func(t *testing.T) {
			for _, e := range checkStructure(name, loadTemplate(t, name)) {
				t.Error(e)
			}
		})
	}
}

// TestCloudFormationTemplateChecksCatchMistakes: the structure checks
// fail on a template with a wrong type, a dangling Ref, GetAtt, Sub
// variable, DependsOn and condition (a check that cannot fail proves
// nothing).
func TestCloudFormationTemplateChecksCatchMistakes(t *testing.T) {
	const bad = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  P: {Type: String}
Resources:
  A:
    Type: AWS::Lambda::Funktion
    DependsOn: [Nope]
    Condition: NoSuchCondition
    Properties:
      X: !Ref Missing
      Y: !GetAtt Gone.Arn
      Z: !Sub "${P}-${Absent}-${Away.Arn}-${!Literal}"
      W: !If [Undefined, a, b]
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(bad), &doc); err != nil {
		t.Fatal(err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		t.Fatal(err)
	}
	raw := v.(map[string]any)
	tpl := &cfnTemplate{raw: raw, Parameters: mapOf(raw["Parameters"]), Conditions: mapOf(raw["Conditions"]), Resources: map[string]map[string]any{}}
	for k, r := range mapOf(raw["Resources"]) {
		tpl.Resources[k] = mapOf(r)
	}
	errs := checkStructure("bad.yaml", tpl)
	has := func(s string) bool {
		return slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, s) })
	}
	for _, want := range []string{`type "AWS::Lambda::Funktion"`, "DependsOn Nope", "condition NoSuchCondition", "Ref Missing", "Fn::GetAtt [Gone Arn]", "${Absent} names nothing", "${Away.Arn} names no resource", "condition Undefined"} {
		if !has(want) {
			t.Errorf("no error says %q; errors: %q", want, errs)
		}
	}
	if has("Literal") {
		t.Errorf("${!Literal} is not a variable: %q", errs)
	}
}

// stateMachine is the organisation's state machine's definition, its
// ${} names replaced by sample values of the right JSON kind.
func stateMachine(t *testing.T, tpl *cfnTemplate) map[string]any {
	t.Helper()
	props := mapOf(tpl.Resources["StateMachine"]["Properties"])
	text, _ := props["DefinitionString"].(string)
	if text == "" {
		t.Fatal("the state machine has no DefinitionString")
	}
	subs := mapOf(props["DefinitionSubstitutions"])
	text = subVariable.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		if _, ok := subs[name]; !ok {
			t.Errorf("the definition's ${%s} is not in DefinitionSubstitutions", name)
		}
		if name == "MaxConcurrency" {
			return "10"
		}
		return "sample-" + name
	})
	var def map[string]any
	if err := json.Unmarshal([]byte(text), &def); err != nil {
		t.Fatalf("the state machine's definition is not JSON: %v", err)
	}
	return def
}

// TestStateMachine: the definition parses, every state's Next names a
// state, the accounts are fanned out by a DISTRIBUTED Map reading the
// run's accounts.json, and each step invokes the function in the mode
// the handler knows.
func TestStateMachine(t *testing.T) {
	def := stateMachine(t, loadTemplate(t, "cloudformation.yaml"))
	var maps []map[string]any
	var modes []string
	var check func(where string, block map[string]any)
	check = func(where string, block map[string]any) {
		states := mapOf(block["States"])
		if states[fmt.Sprint(block["StartAt"])] == nil {
			t.Errorf("%s: StartAt %v names no state", where, block["StartAt"])
		}
		for name, s := range states {
			st := mapOf(s)
			if next, ok := st["Next"]; ok && states[fmt.Sprint(next)] == nil {
				t.Errorf("%s.%s: Next %v names no state", where, name, next)
			}
			if _, end := st["End"]; !end && st["Next"] == nil {
				t.Errorf("%s.%s: neither Next nor End", where, name)
			}
			switch st["Type"] {
			case "Map":
				maps = append(maps, st)
				check(where+"."+name, mapOf(st["ItemProcessor"]))
			case "Task":
				if st["Resource"] != "arn:aws:states:::lambda:invoke" {
					t.Errorf("%s.%s: Resource %v", where, name, st["Resource"])
				}
				params := mapOf(st["Parameters"])
				if params["FunctionName"] != "sample-FunctionArn" {
					t.Errorf("%s.%s: FunctionName %v", where, name, params["FunctionName"])
				}
				mode := "scan (the item)"
				if p := mapOf(params["Payload"]); p["mode"] != nil {
					mode = fmt.Sprint(p["mode"])
				}
				modes = append(modes, mode)
			}
		}
	}
	check("States", def)
	sort.Strings(modes)
	if want := []string{ModeAccounts, ModeIndex, "scan (the item)"}; !slices.Equal(modes, want) {
		t.Errorf("the tasks invoke the modes %q, want %q", modes, want)
	}
	if len(maps) != 1 {
		t.Fatalf("%d Map states, want 1", len(maps))
	}
	m := maps[0]
	if mode := mapOf(mapOf(m["ItemProcessor"])["ProcessorConfig"])["Mode"]; mode != "DISTRIBUTED" {
		t.Errorf("the Map's mode is %v, want DISTRIBUTED", mode)
	}
	reader := mapOf(m["ItemReader"])
	if reader["Resource"] != "arn:aws:states:::s3:getObject" || mapOf(reader["ReaderConfig"])["InputType"] != "JSON" {
		t.Errorf("the Map's ItemReader %v does not read a JSON array from S3", reader)
	}
	if p := mapOf(reader["Parameters"]); p["Key.$"] != "$.list.key" || p["Bucket.$"] != "$.list.bucket" {
		t.Errorf("the ItemReader reads %v, not the object accounts mode wrote", p)
	}
}

// policyActions lists a role's inline policies' Allow actions with their
// statement IDs.
func policyActions(t *testing.T, role map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, p := range mapOf(role["Properties"])["Policies"].([]any) {
		for _, s := range mapOf(mapOf(p)["PolicyDocument"])["Statement"].([]any) {
			st := mapOf(s)
			if st["Effect"] != "Allow" {
				t.Errorf("statement %v: Effect %v", st["Sid"], st["Effect"])
			}
			acts := st["Action"]
			if a, ok := acts.(string); ok {
				acts = []any{a}
			}
			for _, a := range acts.([]any) {
				out[fmt.Sprint(st["Sid"])] = append(out[fmt.Sprint(st["Sid"])], fmt.Sprint(a))
			}
		}
	}
	return out
}

// iamPolicyActions are the actions of docs/iam-policy.json's statements.
func iamPolicyActions(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("../../../docs/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Statement []struct {
			Sid    string
			Action []string
		}
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range p.Statement {
		out[s.Sid] = s.Action
	}
	return out
}

var readOnlyAction = regexp.MustCompile(`^[a-z0-9-]+:(Describe|List|Get)[A-Za-z0-9]*$`)

// TestRolesReadOnly: the function's role and the member accounts' role
// only read, but for s3:PutObject (the reports, on the report bucket
// only), sts:AssumeRole (a credential exchange) and the function's own
// log stream; the collector's actions are exactly docs/iam-policy.json's.
func TestRolesReadOnly(t *testing.T) {
	main := loadTemplate(t, "cloudformation.yaml")
	member := loadTemplate(t, "member-role.yaml")
	policy := iamPolicyActions(t)
	if len(policy["VpcdoctorCollectReadOnly"]) < 30 {
		t.Fatalf("docs/iam-policy.json's collector statement has %d actions", len(policy["VpcdoctorCollectReadOnly"]))
	}
	allowedWrites := map[string]string{
		"s3:PutObject":         "VpcdoctorLambdaReports",
		"sts:AssumeRole":       "VpcdoctorOrganizationAndRoles",
		"logs:CreateLogStream": "VpcdoctorLogs",
		"logs:PutLogEvents":    "VpcdoctorLogs",
	}
	for _, role := range []struct {
		name string
		r    map[string]any
	}{{"FunctionRole", main.Resources["FunctionRole"]}, {"ScanRole", member.Resources["ScanRole"]}} {
		acts := policyActions(t, role.r)
		for sid, list := range acts {
			for _, a := range list {
				if readOnlyAction.MatchString(a) {
					continue
				}
				if allowedWrites[a] != sid {
					t.Errorf("%s: %s allows %s, which is not read-only", role.name, sid, a)
				}
			}
		}
		if got, want := slices.Sorted(slices.Values(acts["VpcdoctorCollectReadOnly"])), slices.Sorted(slices.Values(policy["VpcdoctorCollectReadOnly"])); !slices.Equal(got, want) {
			t.Errorf("%s: the collector's actions differ from docs/iam-policy.json's:\n got %q\nwant %q", role.name, got, want)
		}
	}
	fn := policyActions(t, main.Resources["FunctionRole"])
	if !slices.Equal(fn["VpcdoctorOrganizationAndRoles"], policy["VpcdoctorOrganizationAndRoles"]) || !slices.Equal(fn["VpcdoctorLambdaReports"], policy["VpcdoctorLambdaReports"]) {
		t.Errorf("the function's role lacks docs/iam-policy.json's organisation or report statements: %v", fn)
	}
	// The one write is on the report bucket's objects, not "*".
	for _, p := range mapOf(main.Resources["FunctionRole"]["Properties"])["Policies"].([]any) {
		for _, s := range mapOf(mapOf(p)["PolicyDocument"])["Statement"].([]any) {
			st := mapOf(s)
			if st["Sid"] != "VpcdoctorLambdaReports" {
				continue
			}
			sub, _ := mapOf(st["Resource"])["Fn::Sub"].([]any)
			if len(sub) != 2 || sub[0] != "arn:${AWS::Partition}:s3:::${Bucket}/*" {
				t.Errorf("s3:PutObject is allowed on %v, not the report bucket's objects", st["Resource"])
			}
		}
	}
}

// TestFunctionResource: the function is the image the parameter names,
// its bucket and prefix in its environment, scheduled.
func TestFunctionResource(t *testing.T) {
	tpl := loadTemplate(t, "cloudformation.yaml")
	fn := mapOf(tpl.Resources["Function"]["Properties"])
	if fn["PackageType"] != "Image" || fmt.Sprint(mapOf(fn["Code"])["ImageUri"]) != fmt.Sprint(map[string]any{"Ref": "ImageUri"}) {
		t.Errorf("the function is %v from %v, want an Image from the ImageUri parameter", fn["PackageType"], fn["Code"])
	}
	env := mapOf(mapOf(fn["Environment"])["Variables"])
	for _, v := range []string{"VPCDOCTOR_BUCKET", "VPCDOCTOR_PREFIX", "VPCDOCTOR_REGIONS", "VPCDOCTOR_EXCLUDE_ACCOUNTS", "VPCDOCTOR_BUCKET_OWNER"} {
		if env[v] == nil {
			t.Errorf("the function's environment lacks %s", v)
		}
	}
	sched := mapOf(tpl.Resources["Schedule"]["Properties"])
	if sched["ScheduleExpression"] == nil || mapOf(sched["Target"])["Arn"] == nil {
		t.Errorf("the schedule %v has no expression or target", sched)
	}
	if input, _ := mapOf(sched["Target"])["Input"].(string); input != "" {
		var e Event
		if err := json.Unmarshal([]byte(input), &e); err != nil {
			t.Errorf("the schedule's input %q: %v", input, err)
		}
	}
}

// TestDockerfile reads deploy/Dockerfile's stages: a Go build stage
// making a static binary of ./cmd/vpcdoctor, and the provided.al2023
// runtime stage with it as the bootstrap, that downloads nothing.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	type stage struct {
		from, name string
		lines      []string
	}
	var stages []*stage
	// Continuation lines joined, comments dropped.
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		if strings.ToUpper(instr) == "FROM" {
			f := strings.Fields(rest)
			f = slices.DeleteFunc(f, func(s string) bool { return strings.HasPrefix(s, "--platform=") })
			s := &stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			if strings.ToUpper(instr) != "ARG" {
				t.Errorf("%q before the first FROM", line)
			}
			continue
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want 2 (build, runtime)", len(stages))
	}
	build, run := stages[0], stages[1]
	if build.name != "build" || !strings.HasPrefix(build.from, "golang:1.26") {
		t.Errorf("the first stage is %s FROM %s, want build FROM golang:1.26", build.name, build.from)
	}
	joined := strings.Join(build.lines, "\n")
	for _, want := range []string{"CGO_ENABLED=0", "go build", "-o /out/bootstrap ./cmd/vpcdoctor", "go mod download"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the build stage lacks %q", want)
		}
	}
	if run.from != "public.ecr.aws/lambda/provided:al2023" {
		t.Errorf("the runtime stage is FROM %s, want public.ecr.aws/lambda/provided:al2023", run.from)
	}
	joined = strings.Join(run.lines, "\n")
	if !strings.Contains(joined, "COPY --from=build /out/bootstrap /var/runtime/bootstrap") {
		t.Error("the runtime stage does not copy the binary to /var/runtime/bootstrap")
	}
	if !strings.Contains(joined, `CMD ["lambda"]`) {
		t.Error(`the runtime stage's CMD is not ["lambda"]`)
	}
	for _, l := range run.lines {
		if strings.HasPrefix(strings.ToUpper(l), "RUN ") || strings.HasPrefix(strings.ToUpper(l), "ADD ") {
			t.Errorf("the runtime stage runs or fetches something: %q", l)
		}
	}
}
