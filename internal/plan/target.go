package plan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// WriteTarget writes the account after the migration into dir, in the
// snapshot layout the loader reads (internal/source/snapshot), so that
// every vpcdoctor command, and any other tool, reads it as it reads a
// snapshot. One account is written as dir/<the account folder's files>;
// several as dir/<account folder name>/....
//
// It reads the source snapshot's files (model.Account.Path) as generic
// JSON, edits the files of every region the plan covers (new subnets,
// route tables, NAT gateways, endpoints, groups and flow logs; moved
// resources in their new subnets with their new groups and addresses; the
// retired groups gone, the default groups empty) and copies every file it
// does not change byte for byte. An edited file is written with a 4-space
// indent and sorted keys: the same plan and snapshot give the same bytes.
//
// Existing resources keep their IDs; new objects have the plan's
// placeholder IDs (IsPlaceholder), their interfaces
// "eni-new-<owner without -new->[-<AZ suffix>]" (eni-new-nat-1a,
// eni-new-vpce-ssm-1a). An interface placed in a subnet gets the subnet's
// network address + 10 + n, n counting the interfaces placed there in
// order of interface ID and skipping addresses still in use. New NAT
// gateways have no public address in the target: AWS assigns their
// Elastic IPs when they are created, and a NAT gateway accepts no
// connection from the internet whatever its address (AWS-SEMANTICS.md §5),
// so leaving it out hides no exposure. A file that the source snapshot did
// not collect is not created: the target does not claim to know more of
// the account than the snapshot did.
func WriteTarget(p *Plan, inv *model.Inventory, dir string) error {
	if p == nil || inv == nil {
		return errors.New("write target: no plan or no inventory")
	}
	folders := accountFolders(inv, dir)
	plans := map[*model.Region]*RegionPlan{}
	for _, rp := range p.Regions {
		reg := findRegion(inv, rp)
		if reg == nil {
			return fmt.Errorf("write target: the plan names account %s region %s, which the snapshot does not hold", rp.Account, rp.Region)
		}
		if plans[reg] != nil {
			return fmt.Errorf("write target: the plan holds account %s region %s twice", rp.Account, rp.Region)
		}
		plans[reg] = rp
	}
	for i, a := range inv.Accounts {
		out := folders[i]
		edited := map[string][]byte{}
		for _, reg := range a.Regions {
			rp := plans[reg]
			if rp == nil {
				continue
			}
			files, err := editRegion(p, rp, reg, a)
			if err != nil {
				return fmt.Errorf("write target for account %s region %s: %w", a.Label(), reg.Name, err)
			}
			for rel, data := range files {
				edited[rel] = data
			}
		}
		if err := copyAccount(a.Path, out, edited); err != nil {
			return fmt.Errorf("write target for account %s: %w", a.Label(), err)
		}
	}
	return nil
}

// findRegion finds the plan's account and region in the inventory, by the
// region's Account label as the loader set it (the account ID, with the
// folder's name when two folders hold one account).
func findRegion(inv *model.Inventory, rp *RegionPlan) *model.Region {
	if inv == nil {
		return nil
	}
	for _, a := range inv.Accounts {
		for _, r := range a.Regions {
			if r.Name == rp.Region && r.Account == rp.Account {
				return r
			}
		}
	}
	return nil
}

// accountFolders says where each account of the inventory is written: dir
// itself for one account, else dir/<folder name>, with "-2", "-3" added to
// names that repeat (two snapshot dates of one account, say).
func accountFolders(inv *model.Inventory, dir string) []string {
	if len(inv.Accounts) == 1 {
		return []string{dir}
	}
	seen := map[string]int{}
	out := make([]string, len(inv.Accounts))
	for i, a := range inv.Accounts {
		name := a.Name
		if name == "" || name == "." || name == string(filepath.Separator) {
			name = a.Label()
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s-%d", name, n)
		}
		out[i] = filepath.Join(dir, name)
	}
	return out
}

// copyAccount writes the account folder src to dst: the edited files'
// bytes, every other file as it is.
func copyAccount(src, dst string, edited map[string][]byte) error {
	var rels []string
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		rels = append(rels, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		data, ok := edited[rel]
		if !ok {
			var err error
			if data, err = os.ReadFile(filepath.Join(src, filepath.FromSlash(rel))); err != nil {
				return fmt.Errorf("read %w", err)
			}
		}
		if err := writeFile(filepath.Join(dst, filepath.FromSlash(rel)), data); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %w", err)
	}
	return nil
}

// editRegion applies the region's plan to its files and returns the
// changed ones, keyed by their path relative to the account folder.
func editRegion(p *Plan, rp *RegionPlan, reg *model.Region, acct *model.Account) (map[string][]byte, error) {
	t, err := newRegionTarget(rp, reg, acct)
	if err != nil {
		return nil, err
	}
	if err := t.prefetch(); err != nil {
		return nil, err
	}
	steps := []func() error{
		t.editVPCs,
		t.editPrefixLists,
		t.editSubnets,
		t.editRouteTables,
		t.editNetworkACLs,
		t.editNATGateways,
		t.editVPCEndpoints,
		t.editSecurityGroups,
		t.editNetworkInterfaces,
		t.editInstances,
		t.editLoadBalancers,
		t.editClassicLoadBalancers,
		t.editTargetHealth,
		t.editDBInstances,
		t.editDBClusters,
		t.editDBSubnetGroups,
		t.editCacheClusters,
		t.editCacheSubnetGroups,
		t.editLambdas,
		t.editECSServices,
		t.editECSTasks,
		t.editFlowLogs,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return t.encodeAll()
}

// regionTarget is one region's files being edited, with what the edits
// need to know: the plan's decisions indexed, and where each interface
// goes.
type regionTarget struct {
	rp   *RegionPlan
	reg  *model.Region
	acct *model.Account
	dir  string // the region folder of the source
	// owner is the account ID new objects are owned by.
	owner string

	files map[string]*jsonFile // by path relative to the account folder
	// absent marks files looked for and not present (or empty).
	absent map[string]bool

	groupName map[string]string // security group ID → name, existing and new
	subnets   map[string]*subnetInfo
	newGroups []*Group
	retired   map[string]bool
	defaults  map[string]bool

	moves     []*resourceMove
	moveOf    map[string]*resourceMove   // kind + "/" + resource ID
	placed    map[string]*ifacePlacement // ENI ID → its placement
	newENIs   []*newENI
	subnetGrp map[string][]string // DB or cache subnet group name → its subnet IDs
}

// resourceMove is a Move with the model resource it moves.
type resourceMove struct {
	*Move
	res *model.Resource
}

func newRegionTarget(rp *RegionPlan, reg *model.Region, acct *model.Account) (*regionTarget, error) {
	t := &regionTarget{
		rp: rp, reg: reg, acct: acct, dir: reg.Name, owner: acct.ID,
		files: map[string]*jsonFile{}, absent: map[string]bool{},
		groupName: map[string]string{}, retired: map[string]bool{}, defaults: map[string]bool{},
		moveOf: map[string]*resourceMove{}, placed: map[string]*ifacePlacement{},
	}
	for _, g := range reg.SecurityGroups {
		t.groupName[g.ID] = g.Name
	}
	t.newGroups = append(t.newGroups, rp.Groups...)
	sort.SliceStable(t.newGroups, func(i, j int) bool { return t.newGroups[i].ID < t.newGroups[j].ID })
	for _, g := range t.newGroups {
		t.groupName[g.ID] = g.Name
	}
	for _, id := range rp.RetiredGroups {
		t.retired[id] = true
	}
	for _, id := range rp.DefaultGroups {
		t.defaults[id] = true
	}
	if t.owner == "" {
		for _, v := range reg.VPCs {
			if v.OwnerID != "" {
				t.owner = v.OwnerID
				break
			}
		}
	}
	if err := t.indexSubnets(); err != nil {
		return nil, err
	}
	t.indexMoves()
	if err := t.place(); err != nil {
		return nil, err
	}
	return t, nil
}

// file returns the region's file name (a call's file, e.g.
// "ec2-describe-subnets.json"), decoded, or nil when the source lacks it
// or holds an empty file.
func (t *regionTarget) file(name string) (*jsonFile, error) {
	rel := t.dir + "/" + name
	if f := t.files[rel]; f != nil {
		return f, nil
	}
	if t.absent[rel] {
		return nil, nil
	}
	path := filepath.Join(t.acct.Path, filepath.FromSlash(rel))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		t.absent[rel] = true
		return nil, nil
	}
	f, ok, err := readJSONFile(path, rel)
	if err != nil {
		return nil, err
	}
	if !ok {
		t.absent[rel] = true
		return nil, nil
	}
	t.files[rel] = f
	return f, nil
}

// result returns the objects of a call's result key (e.g. "Subnets"), and
// the file's root object to append to; root is nil when the file is absent
// or lacks the key.
func (t *regionTarget) result(name, key string) ([]map[string]any, map[string]any, error) {
	f, err := t.file(name)
	if err != nil || f == nil {
		return nil, nil, err
	}
	root := obj(f.root)
	if root == nil {
		return nil, nil, fmt.Errorf("%s: want an object with the key %q", f.rel, key)
	}
	if _, ok := root[key].([]any); !ok {
		return nil, nil, fmt.Errorf("%s: want an object with the key %q holding a list", f.rel, key)
	}
	return objects(root, key), root, nil
}

// perResourceFiles lists the files of a per-resource call's folder (one
// file per resource, or a folder of files per resource), by name.
func (t *regionTarget) perResourceFiles(call string) ([]string, error) {
	root := filepath.Join(t.acct.Path, t.dir, call)
	var names []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == root {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(filepath.Join(t.acct.Path, t.dir), path)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	sort.Strings(names)
	return names, nil
}

// editedFiles are the regional calls' files the editors may change.
var editedFiles = []string{
	"ec2-describe-flow-logs.json", "ec2-describe-instances.json", "ec2-describe-managed-prefix-lists.json",
	"ec2-describe-nat-gateways.json", "ec2-describe-network-acls.json", "ec2-describe-network-interfaces.json",
	"ec2-describe-route-tables.json", "ec2-describe-security-groups.json", "ec2-describe-subnets.json",
	"ec2-describe-vpc-endpoints.json", "ec2-describe-vpcs.json", "elasticache-describe-cache-clusters.json",
	"elasticache-describe-cache-subnet-groups.json", "elb-describe-load-balancers.json",
	"elbv2-describe-load-balancers.json", "lambda-list-functions.json", "rds-describe-db-clusters.json",
	"rds-describe-db-instances.json", "rds-describe-db-subnet-groups.json",
}

// prefetch reads and decodes the files the editors read, on as many
// goroutines as GOMAXPROCS: decoding the ENI and instance lists of a
// large account is most of the writer's time.
func (t *regionTarget) prefetch() error {
	names := slices.Clone(editedFiles)
	for _, call := range []model.Call{model.CallECSServices, model.CallECSTasks, model.CallTargetHealth} {
		more, err := t.perResourceFiles(string(call))
		if err != nil {
			return err
		}
		names = append(names, more...)
	}
	type read struct {
		f   *jsonFile
		ok  bool
		err error
	}
	results := make([]read, len(names))
	inParallel(len(names), func(i int) {
		rel := t.dir + "/" + names[i]
		path := filepath.Join(t.acct.Path, filepath.FromSlash(rel))
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return
		}
		f, ok, err := readJSONFile(path, rel)
		results[i] = read{f, ok, err}
	})
	for i, name := range names {
		rel := t.dir + "/" + name
		switch r := results[i]; {
		case r.err != nil:
			return r.err
		case r.ok:
			t.files[rel] = r.f
		default:
			t.absent[rel] = true
		}
	}
	return nil
}

// encodeAll marshals every changed file, concurrently.
func (t *regionTarget) encodeAll() (map[string][]byte, error) {
	rels := sortedKeys(t.files)
	type encoded struct {
		data    []byte
		changed bool
		err     error
	}
	results := make([]encoded, len(rels))
	inParallel(len(rels), func(i int) {
		data, changed, err := t.files[rels[i]].encode()
		results[i] = encoded{data, changed, err}
	})
	out := map[string][]byte{}
	for i, rel := range rels {
		r := results[i]
		if r.err != nil {
			return nil, r.err
		}
		if r.changed {
			out[rel] = r.data
		}
	}
	return out, nil
}

// inParallel calls f(0) … f(n-1) on at most GOMAXPROCS goroutines at a
// time and returns when all have returned.
func inParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}
