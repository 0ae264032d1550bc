// Package examples_test checks the bundled example snapshots against AWS's own
// API models (the botocore subset in shared/corpus), so that every example file
// has exactly the shape that `aws SERVICE OPERATION --output json` prints.
package examples_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared corpus beside this clone: <clone>/../shared/corpus,
// seen from the examples directory (the test's working directory).
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// unmodelled lists operations that the examples use but that the corpus's
// botocore subset does not carry. Their files are parsed and checked loosely,
// then skipped with this reason. Any other operation missing from a model that
// exists is a test failure, so a gap in the corpus stays visible.
var unmodelled = map[string]string{
	"elbv2 DescribeTargetGroupAttributes": "the corpus's elbv2 subset has no DescribeTargetGroupAttributes; checked only for an Attributes list of Key/Value strings",
}

// enumExtras are values that AWS really prints although the model's enum does
// not list them (shape name -> value -> evidence).
var enumExtras = map[string]map[string]string{
	"AttachmentStatus": {"available": "internet gateway attachments; see awscli-examples/outputs/ec2/describe-internet-gateways"},
	// describe-vpc-endpoints prints the state in lower case, although the
	// model's State enum is capitalised.
	"State": {"available": "VPC endpoints; see awscli-examples/outputs/ec2/describe-vpc-endpoints"},
	// A NAT gateway's interface prints "nat_gateway" (the spelling of the
	// interface-type filter of describe-network-interfaces); the model's enum
	// has only "natGateway".
	"NetworkInterfaceType": {"nat_gateway": "NAT gateway interfaces; see the interface-type filter of aws ec2 describe-network-interfaces"},
}

// ---------------------------------------------------------------- models

type shapeRef struct {
	Shape string `json:"shape"`
}

type shape struct {
	Type    string              `json:"type"`
	Members map[string]shapeRef `json:"members"`
	Member  *shapeRef           `json:"member"`
	Key     *shapeRef           `json:"key"`
	Value   *shapeRef           `json:"value"`
	Enum    []string            `json:"enum"`
}

type operation struct {
	Output *shapeRef `json:"output"`
}

type model struct {
	Operations map[string]operation `json:"operations"`
	Shapes     map[string]shape     `json:"shapes"`
	byCLIName  map[string]string    // "describedbinstances" -> "DescribeDBInstances"
}

type models struct {
	dir    string
	loaded map[string]*model // nil value: the service has no model folder
}

func (m *models) get(t *testing.T, service string) *model {
	t.Helper()
	if md, ok := m.loaded[service]; ok {
		return md
	}
	path := filepath.Join(m.dir, service, "service-2.subset.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		m.loaded[service] = nil
		return nil
	}
	if err != nil {
		t.Fatalf("reading model %s: %v", path, err)
	}
	md := &model{}
	if err := json.Unmarshal(data, md); err != nil {
		t.Fatalf("parsing model %s: %v", path, err)
	}
	md.byCLIName = map[string]string{}
	for name := range md.Operations {
		md.byCLIName[strings.ToLower(name)] = name
	}
	m.loaded[service] = md
	return md
}

// serviceOf splits a call name like "ec2-describe-security-groups" into the
// service ("ec2") and the CLI operation ("describe-security-groups"). Service
// names that contain a hyphen (network-firewall) win over shorter prefixes.
func (m *models) serviceOf(call string) (string, string) {
	best := ""
	entries, _ := os.ReadDir(m.dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(call, e.Name()+"-") && len(e.Name()) > len(best) {
			best = e.Name()
		}
	}
	if best == "" {
		i := strings.IndexByte(call, '-')
		if i < 0 {
			return call, ""
		}
		best = call[:i]
	}
	return best, strings.TrimPrefix(call, best+"-")
}

// ---------------------------------------------------------------- files

type outputFile struct {
	path    string // relative to the examples directory, for messages
	account string // account folder
	region  string // "" for files at the account root
	call    string // "ec2-describe-vpcs"
	param   string // decoded per-resource parameter, "" for a plain call
}

// collect returns every AWS CLI output file of the example accounts
// (examples/*/ with an sts-get-caller-identity.json).
func collect(t *testing.T) []outputFile {
	t.Helper()
	var files []outputFile
	accounts, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range accounts {
		if !acct.IsDir() || strings.HasPrefix(acct.Name(), ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(acct.Name(), "sts-get-caller-identity.json")); err != nil {
			continue // not an account snapshot (github-actions/ holds a workflow)
		}
		root := acct.Name()
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			base := d.Name()
			if base == "README.md" || strings.HasSuffix(base, ".go") || strings.HasPrefix(base, ".") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			parts := strings.Split(filepath.ToSlash(rel), "/")
			f := outputFile{path: p, account: root}
			switch {
			case len(parts) == 1:
				f.call = strings.TrimSuffix(parts[0], ".json")
				if f.call == parts[0] {
					t.Errorf("%s: a file at the account root must be <service>-<operation>.json", p)
					return nil
				}
			case len(parts) == 2:
				f.region = parts[0]
				f.call = strings.TrimSuffix(parts[1], ".json")
				if f.call == parts[1] {
					t.Errorf("%s: a call file in a region folder must end in .json (per-resource calls go in a <service>-<operation>/ folder)", p)
					return nil
				}
			default:
				// <region>/<call>/<encoded param>[/<encoded param>...]
				f.region = parts[0]
				f.call = parts[1]
				var params []string
				for _, enc := range parts[2:] {
					dec, err := url.PathUnescape(enc)
					if err != nil || pyQuote(dec) != enc {
						t.Errorf("%s: file name %q is not the URL-encoded (quote(x, safe='')) form of a resource id; want %q", p, enc, pyQuote(dec))
					}
					if strings.HasSuffix(enc, ".json") {
						t.Errorf("%s: per-resource files have no .json suffix", p)
					}
					params = append(params, dec)
				}
				f.param = strings.Join(params, "\n")
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// pyQuote is Python's urllib.parse.quote(s, safe=""): everything but
// letters, digits and "_.-~" is percent-encoded, byte by byte, in upper case.
func pyQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// ---------------------------------------------------------------- shape check

type checker struct {
	m    *model
	errs []string
}

func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func (c *checker) check(v any, shapeName, path string) {
	s, ok := c.m.Shapes[shapeName]
	if !ok {
		c.fail(path, "model has no shape %q", shapeName)
		return
	}
	want := map[string]string{
		"structure": "object", "map": "object", "list": "array",
		"string": "string", "timestamp": "string", "blob": "string",
		"integer": "number", "long": "number", "double": "number", "float": "number",
		"boolean": "boolean",
	}[s.Type]
	if want == "" {
		c.fail(path, "shape %s has type %q that this test does not know", shapeName, s.Type)
		return
	}
	if got := jsonKind(v); got != want {
		c.fail(path, "JSON %s where the model (%s, %s) wants %s", got, shapeName, s.Type, want)
		return
	}
	switch s.Type {
	case "structure":
		obj := v.(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			mem, ok := s.Members[k]
			if !ok {
				c.fail(path+"."+k, "unknown key: %s has no member %q", shapeName, k)
				continue
			}
			c.check(obj[k], mem.Shape, path+"."+k)
		}
	case "list":
		for i, item := range v.([]any) {
			c.check(item, s.Member.Shape, fmt.Sprintf("%s[%d]", path, i))
		}
	case "map":
		obj := v.(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c.check(k, s.Key.Shape, path+"{key "+strconv.Quote(k)+"}")
			c.check(obj[k], s.Value.Shape, path+"["+strconv.Quote(k)+"]")
		}
	case "string":
		if _, extra := enumExtras[shapeName][v.(string)]; len(s.Enum) > 0 && !extra && !slices.Contains(s.Enum, v.(string)) {
			c.fail(path, "%q is not one of the values the model lists for %s (%s)", v, shapeName, strings.Join(s.Enum, ", "))
		}
	case "timestamp":
		if _, err := time.Parse(time.RFC3339, v.(string)); err != nil {
			c.fail(path, "timestamp %q is not ISO 8601 as the CLI prints it (e.g. 2021-03-01T09:00:00+00:00)", v)
		}
	case "integer", "long":
		if _, err := strconv.ParseInt(string(v.(json.Number)), 10, 64); err != nil {
			c.fail(path, "%s is not an integer (%s)", v, s.Type)
		}
	}
}

// ---------------------------------------------------------------- tests

func loadModels(t *testing.T) *models {
	t.Helper()
	dir := filepath.Join(corpusDir, "botocore-models")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared corpus is not beside this clone (%s not found: %v); the examples cannot be checked against the AWS API models", dir, err)
	}
	return &models{dir: dir, loaded: map[string]*model{}}
}

// TestExamplesMatchAWSModels checks every example file against the output
// shape of its operation in AWS's API model.
func TestExamplesMatchAWSModels(t *testing.T) {
	ms := loadModels(t)
	files := collect(t)
	if len(files) == 0 {
		t.Fatal("no example files found under examples/*/")
	}
	for _, f := range files {
		t.Run(f.path, func(t *testing.T) {
			data, err := os.ReadFile(f.path)
			if err != nil {
				t.Fatal(err)
			}
			v, err := decode(data)
			if err != nil {
				t.Fatalf("%s: not valid JSON: %v", f.path, err)
			}
			// The AWS CLI pretty-prints with a 4-space indent and a final newline.
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, bytes.TrimSpace(data), "", "    "); err == nil {
				pretty.WriteByte('\n')
				if !bytes.Equal(pretty.Bytes(), data) {
					t.Errorf("%s: not formatted as the AWS CLI prints JSON (4-space indent, newline at the end)", f.path)
				}
			}

			service, cliOp := ms.serviceOf(f.call)
			if f.call == "sts-get-caller-identity" {
				obj, _ := v.(map[string]any)
				acct, _ := obj["Account"].(string)
				if ok, _ := regexp.MatchString(`^[0-9]{12}$`, acct); !ok {
					t.Errorf("%s: Account is %q, want a 12-digit account id", f.path, obj["Account"])
				}
				return
			}
			md := ms.get(t, service)
			if md == nil {
				t.Skipf("%s: no API model for service %q in %s", f.path, service, ms.dir)
			}
			opName, ok := md.byCLIName[strings.ReplaceAll(cliOp, "-", "")]
			if !ok {
				opName = cliToOperation(cliOp)
				if reason, known := unmodelled[service+" "+opName]; known {
					checkAttributesList(t, f.path, v)
					t.Skipf("%s: %s", f.path, reason)
				}
				t.Fatalf("%s: operation %s %s (%q) is not in the subset model %s; add it to the corpus or to the unmodelled list with a reason",
					f.path, service, opName, f.call, filepath.Join(ms.dir, service, "service-2.subset.json"))
			}
			op := md.Operations[opName]
			if op.Output == nil {
				t.Fatalf("%s: operation %s %s has no output shape in the model", f.path, service, opName)
			}
			if _, ok := md.Shapes[op.Output.Shape]; !ok {
				t.Fatalf("%s: output shape %s of %s %s is not in the subset model", f.path, op.Output.Shape, service, opName)
			}
			c := &checker{m: md}
			c.check(v, op.Output.Shape, "$")
			for _, e := range c.errs {
				t.Errorf("%s: %s", f.path, e)
			}
		})
	}
}

// cliToOperation turns "describe-target-group-attributes" into
// "DescribeTargetGroupAttributes" (for messages about unmodelled operations).
func cliToOperation(cli string) string {
	var b strings.Builder
	for _, w := range strings.Split(cli, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// checkAttributesList is the loose check for unmodelled *Attributes calls:
// {"Attributes": [{"Key": string, "Value": string}, ...]}.
func checkAttributesList(t *testing.T, path string, v any) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: want a JSON object", path)
		return
	}
	for k := range obj {
		if k != "Attributes" {
			t.Errorf("%s: unexpected key %q", path, k)
		}
	}
	list, ok := obj["Attributes"].([]any)
	if !ok {
		t.Errorf("%s: want an Attributes list", path)
		return
	}
	for i, item := range list {
		kv, ok := item.(map[string]any)
		if !ok || len(kv) != 2 {
			t.Errorf("%s: $.Attributes[%d]: want {\"Key\": ..., \"Value\": ...}", path, i)
			continue
		}
		for _, k := range []string{"Key", "Value"} {
			if _, ok := kv[k].(string); !ok {
				t.Errorf("%s: $.Attributes[%d].%s: want a string", path, i, k)
			}
		}
	}
}

// idKinds are the kinds of ID whose every mention in a region's files must
// be described by one of its calls: the file, the list that holds the
// descriptions (a path through nested lists, e.g. Reservations, then
// Instances) and the member that holds the ID. The patterns need a word
// boundary before the prefix, so "ami-..." or "eni-..." never count as an
// instance ID.
var idKinds = []struct {
	kind string
	re   *regexp.Regexp
	file string
	list []string
	key  string
}{
	{"subnet", regexp.MustCompile(`\bsubnet-[0-9a-f]{8,17}\b`), "ec2-describe-subnets.json", []string{"Subnets"}, "SubnetId"},
	{"security group", regexp.MustCompile(`\bsg-[0-9a-f]{8,17}\b`), "ec2-describe-security-groups.json", []string{"SecurityGroups"}, "GroupId"},
	{"vpc", regexp.MustCompile(`\bvpc-[0-9a-f]{8,17}\b`), "ec2-describe-vpcs.json", []string{"Vpcs"}, "VpcId"},
	{"network interface", regexp.MustCompile(`\beni-[0-9a-f]{8,17}\b`), "ec2-describe-network-interfaces.json", []string{"NetworkInterfaces"}, "NetworkInterfaceId"},
	{"instance", regexp.MustCompile(`\bi-[0-9a-f]{8,17}\b`), "ec2-describe-instances.json", []string{"Reservations", "Instances"}, "InstanceId"},
	{"route table", regexp.MustCompile(`\brtb-[0-9a-f]{8,17}\b`), "ec2-describe-route-tables.json", []string{"RouteTables"}, "RouteTableId"},
	{"internet gateway", regexp.MustCompile(`\bigw-[0-9a-f]{8,17}\b`), "ec2-describe-internet-gateways.json", []string{"InternetGateways"}, "InternetGatewayId"},
	{"NAT gateway", regexp.MustCompile(`\bnat-[0-9a-f]{8,17}\b`), "ec2-describe-nat-gateways.json", []string{"NatGateways"}, "NatGatewayId"},
	{"VPC endpoint", regexp.MustCompile(`\bvpce-[0-9a-f]{8,17}\b`), "ec2-describe-vpc-endpoints.json", []string{"VpcEndpoints"}, "VpcEndpointId"},
	{"prefix list", regexp.MustCompile(`\bpl-[0-9a-f]{8,17}\b`), "ec2-describe-managed-prefix-lists.json", []string{"PrefixLists"}, "PrefixListId"},
}

// TestExampleIDsConsistent checks, per region folder, that every ID of the
// kinds in idKinds (subnets, security groups, VPCs, network interfaces,
// instances, route tables, gateways, endpoints, prefix lists) that appears
// anywhere is described by the call that lists that kind, and that every
// per-resource file is named after a resource that the region's other files
// mention.
func TestExampleIDsConsistent(t *testing.T) {
	files := collect(t)
	type region struct {
		files []outputFile
		text  map[string]string // path -> content
	}
	regions := map[string]*region{}
	var names []string
	for _, f := range files {
		if f.region == "" {
			continue
		}
		key := filepath.Join(f.account, f.region)
		r := regions[key]
		if r == nil {
			r = &region{text: map[string]string{}}
			regions[key] = r
			names = append(names, key)
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		r.files = append(r.files, f)
		r.text[f.path] = string(data)
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatal("no region folders found under examples/*/")
	}
	for _, name := range names {
		r := regions[name]
		t.Run(name, func(t *testing.T) {
			known := map[string]map[string]bool{}
			for _, k := range idKinds {
				known[k.kind] = describedIDs(t, filepath.Join(name, k.file), k.list, k.key)
			}
			var paths []string
			for p := range r.text {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for _, p := range paths {
				for _, k := range idKinds {
					seen := map[string]bool{}
					for _, id := range k.re.FindAllString(r.text[p], -1) {
						if !known[k.kind][id] && !seen[id] {
							seen[id] = true
							t.Errorf("%s: %s %s is not described in %s", p, k.kind, id, k.file)
						}
					}
				}
			}
			for _, f := range r.files {
				if f.param == "" {
					continue
				}
				for _, param := range strings.Split(f.param, "\n") {
					found := false
					for p, text := range r.text {
						if p != f.path && strings.HasSuffix(p, ".json") && strings.Contains(text, strconv.Quote(param)) {
							found = true
							break
						}
					}
					if !found {
						t.Errorf("%s: names resource %q, which no call file of the region lists", f.path, param)
					}
				}
			}
		})
	}
}

func describedIDs(t *testing.T, path string, list []string, idKey string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return nil
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Errorf("%s: %v", path, err)
		return nil
	}
	// Walk down the lists: each step takes, from every object so far, the
	// items of the named list.
	items := []any{doc}
	for _, key := range list {
		var next []any
		for _, it := range items {
			obj, _ := it.(map[string]any)
			l, ok := obj[key].([]any)
			if !ok {
				t.Errorf("%s: want a list %s", path, key)
				return nil
			}
			next = append(next, l...)
		}
		items = next
	}
	ids := map[string]bool{}
	for _, it := range items {
		obj, _ := it.(map[string]any)
		if id, ok := obj[idKey].(string); ok {
			ids[id] = true
		}
	}
	return ids
}
