package tfplan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// res is one resource instance of the plan: its values after the plan
// (planned_values), which of them are unknown until apply
// (resource_changes[].change.after_unknown), its values before (for
// updates and deletes on a base snapshot) and what the plan does to it.
type res struct {
	addr    string // module.app.aws_instance.web[0]
	typ     string // aws_instance
	module  string // module.app (the module instance), "" for the root
	config  string // aws_instance.web: the address in its module's configuration
	index   any    // count index (float64) or for_each key (string), nil without
	vals    map[string]any
	unknown map[string]any
	before  map[string]any
	actions tfjson.Actions
	cfg     *tfjson.ConfigResource
	modCfg  *moduleCtx // the configuration of the module it is declared in
	region  string
}

// creates, deletes and so on say what the plan does to the resource. A
// resource without a change (planned_values only) is read as created.
func (r *res) deletes() bool { return r.actions.Delete() || r.actions.Replace() }
func (r *res) exists() bool  { return !r.actions.Delete() }
func (r *res) unchanged() bool {
	return r.actions.NoOp() || r.actions.Read()
}

// collect gathers the plan's managed resources: every instance in
// planned_values (recursively through child modules), joined with its
// resource_changes entry, plus the instances resource_changes deletes.
func collect(plan *tfjson.Plan) []*res {
	changes := map[string]*tfjson.ResourceChange{}
	for _, rc := range plan.ResourceChanges {
		if rc != nil && rc.Mode == tfjson.ManagedResourceMode && rc.DeposedKey == "" {
			changes[rc.Address] = rc
		}
	}
	seen := map[string]bool{}
	var out []*res
	var walk func(m *tfjson.StateModule, depth int)
	walk = func(m *tfjson.StateModule, depth int) {
		if m == nil || depth > 100 {
			return
		}
		for _, sr := range m.Resources {
			if sr == nil || sr.Mode != tfjson.ManagedResourceMode || seen[sr.Address] || !strings.HasPrefix(sr.Type, "aws_") {
				continue
			}
			seen[sr.Address] = true
			r := &res{addr: sr.Address, typ: sr.Type, module: m.Address, index: sr.Index, vals: sr.AttributeValues}
			if rc := changes[sr.Address]; rc != nil && rc.Change != nil {
				r.actions = rc.Change.Actions
				r.unknown, _ = rc.Change.AfterUnknown.(map[string]any)
				r.before, _ = rc.Change.Before.(map[string]any)
			}
			out = append(out, r)
		}
		for _, c := range m.ChildModules {
			walk(c, depth+1)
		}
	}
	if plan.PlannedValues != nil {
		walk(plan.PlannedValues.RootModule, 0)
	}
	for _, rc := range plan.ResourceChanges {
		if rc == nil || rc.Mode != tfjson.ManagedResourceMode || rc.DeposedKey != "" || seen[rc.Address] || !strings.HasPrefix(rc.Type, "aws_") || rc.Change == nil {
			continue
		}
		seen[rc.Address] = true
		r := &res{addr: rc.Address, typ: rc.Type, module: rc.ModuleAddress, index: rc.Index, actions: rc.Change.Actions}
		r.before, _ = rc.Change.Before.(map[string]any)
		r.vals, _ = rc.Change.After.(map[string]any)
		r.unknown, _ = rc.Change.AfterUnknown.(map[string]any)
		out = append(out, r)
	}
	for _, r := range out {
		if r.vals == nil && r.exists() {
			// Every value known only after apply: planned_values may
			// leave "values" out.
			r.vals = map[string]any{}
		}
		if r.module == "" {
			r.module = moduleOf(r.addr)
		}
		r.config = configAddr(r.addr, r.module)
	}
	sort.Slice(out, func(i, j int) bool { return lessAddr(out[i], out[j]) })
	return out
}

// moduleOf is the module instance part of a resource address.
func moduleOf(addr string) string {
	parts := splitAddr(addr)
	n := 0
	for n+1 < len(parts) && strings.HasPrefix(parts[n], "module") && parts[n] == "module" {
		n += 2
	}
	return strings.Join(parts[:n], ".")
}

// configAddr is TYPE.NAME of a resource address, without module and index.
func configAddr(addr, module string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(addr, module), ".")
	if i := strings.IndexByte(rest, '['); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// splitAddr splits an address on the dots outside brackets.
func splitAddr(addr string) []string {
	var parts []string
	depth, start := 0, 0
	inStr := false
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			parts = append(parts, addr[start:i])
			start = i + 1
		}
	}
	return append(parts, addr[start:])
}

// lessAddr orders instances by address, count indexes numerically.
func lessAddr(a, b *res) bool {
	if a.module != b.module {
		return a.module < b.module
	}
	if a.config != b.config {
		return a.config < b.config
	}
	return lessIndex(a.index, b.index)
}

func lessIndex(a, b any) bool {
	fa, aNum := a.(float64)
	fb, bNum := b.(float64)
	switch {
	case aNum && bNum:
		return fa < fb
	case aNum != bNum:
		return aNum
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

// str is a string attribute; ok is false when it is absent, null, unknown
// or not a string.
func (r *res) str(attr string) (string, bool) {
	s, ok := r.vals[attr].(string)
	return s, ok && s != ""
}

// strOr is str or def.
func (r *res) strOr(attr, def string) string {
	if s, ok := r.str(attr); ok {
		return s
	}
	return def
}

// num is a number attribute (JSON numbers decode as float64).
func (r *res) num(attr string) (int64, bool) { return numOf(r.vals[attr]) }

func numOf(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		if n != n || n > 1<<53 || n < -(1<<53) {
			return 0, false
		}
		return int64(n), true
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case int64:
		return n, true
	}
	return 0, false
}

// flag is a boolean attribute; ok is false when absent or unknown.
func (r *res) flag(attr string) (bool, bool) {
	b, ok := r.vals[attr].(bool)
	return b, ok
}

// strs is a list or set of strings; unknown elements are left out.
func strsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// blocks is a nested block list (route, ingress, vpc_config, ...).
func blocksOf(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// isUnknown reports whether the value at path is unknown until apply
// (after_unknown marks it true, or marks one of its elements).
func isUnknown(unknown any, path ...any) bool {
	v := unknown
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return false
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return false
			}
			v = l[k]
		}
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return anyTrue(v, 0)
}

func anyTrue(v any, depth int) bool {
	if depth > 20 {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case []any:
		for _, e := range x {
			if anyTrue(e, depth+1) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if anyTrue(e, depth+1) {
				return true
			}
		}
	}
	return false
}
