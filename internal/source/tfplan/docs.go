package tfplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/source/snapshot"
)

// callDoc says where one call's output keeps its list and each item its
// ID.
type callDoc struct {
	call   model.Call
	result string // the result key
	id     string // the ID member of each item; "" for lists of strings
}

// regional is every regional call a plan is translated into, in the order
// they are written. A plan alone "collects" each of them: the resources of
// these types that the configuration manages are all in the plan.
var regional = []callDoc{
	{model.CallVPCs, "Vpcs", "VpcId"},
	{model.CallSubnets, "Subnets", "SubnetId"},
	{model.CallRouteTables, "RouteTables", "RouteTableId"},
	{model.CallInternetGateways, "InternetGateways", "InternetGatewayId"},
	{model.CallEgressOnlyIGWs, "EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId"},
	{model.CallNATGateways, "NatGateways", "NatGatewayId"},
	{model.CallNetworkACLs, "NetworkAcls", "NetworkAclId"},
	{model.CallSecurityGroups, "SecurityGroups", "GroupId"},
	{model.CallNetworkInterfaces, "NetworkInterfaces", "NetworkInterfaceId"},
	{model.CallInstances, "Reservations", "InstanceId"}, // items are instances; written one reservation each
	{model.CallVPCEndpoints, "VpcEndpoints", "VpcEndpointId"},
	{model.CallLoadBalancersV2, "LoadBalancers", "LoadBalancerArn"},
	{model.CallTargetGroups, "TargetGroups", "TargetGroupArn"},
	{model.CallDBInstances, "DBInstances", "DBInstanceIdentifier"},
	{model.CallDBClusters, "DBClusters", "DBClusterIdentifier"},
	{model.CallCacheClusters, "CacheClusters", "CacheClusterId"},
	{model.CallCacheSubnetGroups, "CacheSubnetGroups", "CacheSubnetGroupName"},
	{model.CallLambdaFunctions, "Functions", "FunctionName"},
	{model.CallECSClusters, "clusterArns", ""},
}

// perResource is every per-resource call a plan is translated into.
var perResource = []callDoc{
	{model.CallListeners, "Listeners", "ListenerArn"},
	{model.CallTargetHealth, "TargetHealthDescriptions", ""},
	{model.CallTargetGroupAttributes, "Attributes", "Key"},
	{model.CallECSServices, "services", "serviceArn"},
}

func docOf(call model.Call) callDoc {
	for _, d := range append(append([]callDoc(nil), regional...), perResource...) {
		if d.call == call {
			return d
		}
	}
	panic("tfplan: no document for " + string(call))
}

// regionDocs is one region's outputs, as generic JSON, being edited.
type regionDocs struct {
	name       string
	dir        string // where it is written
	fromPlan   bool   // the region exists only in the plan (no base)
	lists      map[model.Call][]any
	present    map[model.Call]bool // the call is collected (always, for a plan alone)
	per        map[model.Call]map[string][]any
	perPresent map[model.Call]map[string]bool
	index      map[model.Call]map[string]map[string]any // items by ID, built on first use
	cur        string                                   // the address of the resource being translated
	dropped    []model.Call                             // calls the plan adds to that the base lacks
}

func newRegionDocs(name, dir string, fromPlan bool) *regionDocs {
	return &regionDocs{name: name, dir: dir, fromPlan: fromPlan, lists: map[model.Call][]any{}, present: map[model.Call]bool{},
		per: map[model.Call]map[string][]any{}, perPresent: map[model.Call]map[string]bool{}}
}

// items is the call's list of objects.
func (d *regionDocs) items(call model.Call) []map[string]any {
	var out []map[string]any
	for _, x := range d.lists[call] {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// find is the item of call whose ID is id, nil if none.
func (d *regionDocs) find(call model.Call, id string) map[string]any {
	return d.byID(call)[id]
}

// byID is the index of call's items by ID (the first item of an ID wins,
// as put replaces later ones).
func (d *regionDocs) byID(call model.Call) map[string]map[string]any {
	if d.index == nil {
		d.index = map[model.Call]map[string]map[string]any{}
	}
	if ix, ok := d.index[call]; ok {
		return ix
	}
	key := docOf(call).id
	ix := map[string]map[string]any{}
	for _, m := range d.items(call) {
		if s, _ := m[key].(string); s != "" {
			if _, dup := ix[s]; !dup {
				ix[s] = m
			}
		}
	}
	d.index[call] = ix
	return ix
}

// put adds item to call, replacing the item with the same ID.
func (d *regionDocs) put(call model.Call, item map[string]any) {
	d.mark(call, item)
	key := docOf(call).id
	id, _ := item[key].(string)
	ix := d.byID(call)
	if old := ix[id]; id != "" && old != nil {
		for i, x := range d.lists[call] {
			if m, ok := x.(map[string]any); ok && sameMap(m, old) {
				d.lists[call][i] = item
				break
			}
		}
	} else {
		d.lists[call] = append(d.lists[call], item)
	}
	if id != "" {
		ix[id] = item
	}
}

// sameMap reports whether a and b are the same map (not equal ones).
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// mark records that item comes from the resource being translated, and
// notes a call the base lacks.
func (d *regionDocs) mark(call model.Call, item map[string]any) {
	if d.cur != "" {
		if _, ok := item[addressKey]; !ok {
			item[addressKey] = d.cur
		}
	}
	if !d.present[call] {
		for _, c := range d.dropped {
			if c == call {
				return
			}
		}
		d.dropped = append(d.dropped, call)
	}
}

// remove drops the item of call whose ID is id; it reports whether there
// was one.
func (d *regionDocs) remove(call model.Call, id string) bool {
	key := docOf(call).id
	list := d.lists[call]
	for i, x := range list {
		if m, ok := x.(map[string]any); ok && m[key] == id {
			d.lists[call] = append(list[:i:i], list[i+1:]...)
			// Rebuilt on next use: another item of the same ID (a base
			// listing it twice) may take its place.
			delete(d.index, call)
			return true
		}
	}
	return false
}

// putPer appends item to the per-resource call's list for key and marks
// it collected.
func (d *regionDocs) putPer(call model.Call, key string, item any) {
	if m, ok := item.(map[string]any); ok && d.cur != "" {
		m[addressKey] = d.cur
	}
	d.ensurePer(call, key)
	d.per[call][key] = append(d.per[call][key], item)
}

// ensurePer marks the per-resource call collected for key (an empty list
// when nothing is added).
func (d *regionDocs) ensurePer(call model.Call, key string) {
	if d.per[call] == nil {
		d.per[call] = map[string][]any{}
		d.perPresent[call] = map[string]bool{}
	}
	if !d.perPresent[call][key] {
		d.perPresent[call][key] = true
		if d.per[call][key] == nil {
			d.per[call][key] = []any{}
		}
	}
}

// readBase reads the base region folder's outputs of the calls a plan
// edits, as generic JSON. A call whose file is absent or empty stays not
// collected.
func (d *regionDocs) readBase() error {
	for _, c := range regional {
		path := filepath.Join(d.dir, string(c.call)+".json")
		list, ok, err := readList(path, c.result)
		if err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if c.call == model.CallInstances {
			list = flattenReservations(list)
		}
		d.lists[c.call], d.present[c.call] = list, true
	}
	for _, c := range perResource {
		entries, err := os.ReadDir(filepath.Join(d.dir, string(c.call)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			key, err := url.PathUnescape(e.Name())
			if err != nil {
				continue
			}
			path := filepath.Join(d.dir, string(c.call), e.Name())
			list, ok, err := readList(path, c.result)
			if err != nil {
				return err
			}
			if ok {
				if d.per[c.call] == nil {
					d.per[c.call], d.perPresent[c.call] = map[string][]any{}, map[string]bool{}
				}
				d.per[c.call][key], d.perPresent[c.call][key] = list, true
				// Written back under the plan's name for it.
				if err := os.Remove(path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readList reads a call's file and returns the list under key; ok is false
// for an absent or empty file.
func readList(path, key string) ([]any, bool, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, false, nil
	}
	data := snapshot.UTF8Text(raw)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, false, snapshot.DecodeError(path, data, err)
	}
	list, ok := top[key].([]any)
	if !ok {
		// The loader reports the missing key with its position.
		return nil, false, nil
	}
	return list, true, nil
}

// ownerKey keeps a base instance's reservation owner while instances are
// edited one by one.
const ownerKey = "\x00OwnerId"

func flattenReservations(list []any) []any {
	var out []any
	for _, r := range list {
		rm, _ := r.(map[string]any)
		insts, _ := rm["Instances"].([]any)
		for _, i := range insts {
			if im, ok := i.(map[string]any); ok {
				if o, ok := rm["OwnerId"]; ok {
					im[ownerKey] = o
				}
				out = append(out, im)
			}
		}
	}
	return out
}

// write writes the region's outputs into its folder.
func (d *regionDocs) write() error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	for _, c := range regional {
		if !d.present[c.call] {
			continue
		}
		list := d.lists[c.call]
		if list == nil {
			list = []any{}
		}
		if c.call == model.CallInstances {
			var rs []any
			for _, x := range list {
				im, _ := x.(map[string]any)
				r := map[string]any{"Instances": []any{im}}
				if o, ok := im[ownerKey]; ok {
					delete(im, ownerKey)
					r["OwnerId"] = o
				}
				rs = append(rs, r)
			}
			list = rs
			if list == nil {
				list = []any{}
			}
		}
		if err := writeJSON(filepath.Join(d.dir, string(c.call)+".json"), map[string]any{c.result: list}); err != nil {
			return err
		}
	}
	for _, c := range perResource {
		keys := make([]string, 0, len(d.perPresent[c.call]))
		for k := range d.perPresent[c.call] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			continue
		}
		dir := filepath.Join(d.dir, string(c.call))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, k := range keys {
			if err := writeJSON(filepath.Join(dir, escapeKey(k)), map[string]any{c.result: d.per[c.call][k]}); err != nil {
				return err
			}
		}
	}
	return nil
}

// escapeKey URL-encodes a resource ID into a file name, as the snapshot
// layout does (arn%3Aaws%3A..., no extension).
func escapeKey(k string) string {
	return strings.NewReplacer(":", "%3A", "+", "%2B").Replace(url.PathEscape(k))
}

func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("tfplan: %s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
