// Package snapshot reads a saved AWS account: the CloudMapper-compatible
// folder layout of PRODUCT.md, one file per AWS CLI call holding exactly the
// JSON `aws SERVICE OPERATION --output json` prints.
//
//	SNAPSHOT/                       one account
//	  sts-get-caller-identity.json  optional: the account ID
//	  ap-northeast-1/               one folder per region
//	    ec2-describe-vpcs.json      one file per regional call
//	    elbv2-describe-listeners/   one folder per per-resource call,
//	      arn%3Aaws%3A...           one file per resource, URL-encoded
//
// A folder of such account folders is a multi-account snapshot. An absent
// file means "not collected" and is recorded in the region's coverage; a
// file that is not the JSON its call prints is an error naming the file and
// the position, and Load then returns no inventory at all.
package snapshot

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
	"sort"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// regionName matches AWS region names: us-east-1, ap-northeast-1,
// us-gov-west-1, cn-north-1, eu-central-2.
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// NotSnapshotError says a path is not a snapshot folder at all.
type NotSnapshotError struct {
	Path   string
	Reason string
}

func (e *NotSnapshotError) Error() string { return e.Path + ": " + e.Reason }

// Load reads every path (an account folder or a folder of account folders)
// into one linked inventory. It reads every file before it returns, and
// returns all the file errors it met, joined, with a nil inventory: a
// partial inventory is never returned as if it were complete.
func Load(paths ...string) (*model.Inventory, error) {
	inv := &model.Inventory{}
	var errs []error
	for _, p := range paths {
		accounts, unreached, err := loadPath(p)
		errs = append(errs, err)
		inv.Accounts = append(inv.Accounts, accounts...)
		inv.Unreached = append(inv.Unreached, unreached...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Two folders of one account (two snapshot dates, say) must not read
	// as one: their findings and coverage say which folder they are from.
	seen, names := map[string]int{}, map[string]int{}
	for _, a := range inv.Accounts {
		seen[a.ID]++
		names[a.ID+"/"+a.Name]++
	}
	for _, a := range inv.Accounts {
		if a.ID == "" || seen[a.ID] < 2 {
			continue
		}
		which := a.Name
		if names[a.ID+"/"+a.Name] > 1 {
			which = a.Path
		}
		for _, r := range a.Regions {
			r.Account = a.ID + " (" + which + ")"
		}
	}
	sort.SliceStable(inv.Accounts, func(i, j int) bool {
		a, b := inv.Accounts[i], inv.Accounts[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Name < b.Name
	})
	sort.SliceStable(inv.Unreached, func(i, j int) bool {
		a, b := inv.Unreached[i], inv.Unreached[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Call < b.Call
	})
	return inv, nil
}

// loadPath loads the account or accounts of the folder p, and the
// accounts a multi-account folder's collection record says could not be
// reached.
func loadPath(p string) ([]*model.Account, []model.UnreachedAccount, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, &NotSnapshotError{Path: p, Reason: "cannot read: " + unwrapPathError(err)}
	}
	if !st.IsDir() {
		return nil, nil, &NotSnapshotError{Path: p, Reason: "not a folder; pass the snapshot folder (the one holding region folders such as ap-northeast-1/)"}
	}
	kind, err := classify(p)
	if err != nil {
		return nil, nil, err
	}
	switch kind {
	case folderAccount:
		a, err := loadAccount(p)
		return []*model.Account{a}, nil, err
	case folderRegion:
		return nil, nil, &NotSnapshotError{Path: p, Reason: "this is a region folder; pass the account folder above it (" + filepath.Dir(p) + ")"}
	}
	accounts, err := loadAccountsBelow(p, 3)
	unreached, uerr := readUnreached(p)
	if len(accounts) == 0 && len(unreached) == 0 && err == nil && uerr == nil {
		return nil, nil, &NotSnapshotError{Path: p, Reason: "not a snapshot: found no region folders (such as ap-northeast-1/) here or in its subfolders"}
	}
	return accounts, unreached, errors.Join(err, uerr)
}

// loadAccountsBelow loads every account folder under dir, looking up to
// depth levels down (an organisation's snapshot may be laid out as
// org/ou/account/region/).
func loadAccountsBelow(dir string, depth int) ([]*model.Account, error) {
	entries, _ := os.ReadDir(dir)
	var accounts []*model.Account
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || hidden(e.Name()) {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		switch k, _ := classify(sub); {
		case k == folderAccount:
			a, err := loadAccount(sub)
			accounts = append(accounts, a)
			errs = append(errs, err)
		case k == folderOther && depth > 1:
			as, err := loadAccountsBelow(sub, depth-1)
			accounts = append(accounts, as...)
			errs = append(errs, err)
		}
	}
	return accounts, errors.Join(errs...)
}

type folderKind int

const (
	folderOther folderKind = iota
	folderAccount
	folderRegion
)

func classify(dir string) (folderKind, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return folderOther, &NotSnapshotError{Path: dir, Reason: "cannot read: " + unwrapPathError(err)}
	}
	calls := 0
	for _, e := range entries {
		if e.IsDir() && regionName.MatchString(e.Name()) {
			return folderAccount, nil
		}
		if !e.IsDir() && e.Name() == string(model.CallCallerIdentity)+".json" {
			return folderAccount, nil
		}
		if !e.IsDir() && strings.HasPrefix(e.Name(), "ec2-describe-") {
			calls++
		}
	}
	if calls > 0 && regionName.MatchString(filepath.Base(dir)) {
		return folderRegion, nil
	}
	return folderOther, nil
}

func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func loadAccount(dir string) (*model.Account, error) {
	acct := &model.Account{Name: filepath.Base(filepath.Clean(dir)), Path: dir}
	var errs []error
	entries, err := os.ReadDir(dir)
	if err != nil {
		return acct, &NotSnapshotError{Path: dir, Reason: "cannot read: " + unwrapPathError(err)}
	}
	var regionDirs []string
	for _, e := range entries {
		if e.IsDir() && regionName.MatchString(e.Name()) {
			regionDirs = append(regionDirs, e.Name())
		}
	}
	sort.Strings(regionDirs)
	if len(regionDirs) == 0 {
		return acct, &NotSnapshotError{Path: dir, Reason: "holds no region folders (such as ap-northeast-1/ named exactly after the region): nothing to scan"}
	}
	// The account ID: sts-get-caller-identity.json at the account root, or
	// (CloudMapper's habit) in a region folder.
	for _, candidate := range append([]string{dir}, prefixAll(dir, regionDirs)...) {
		file := filepath.Join(candidate, string(model.CallCallerIdentity)+".json")
		data, err := os.ReadFile(file)
		data = utf8Text(data)
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			// Absent, or empty as a failed `aws sts ... > file` leaves
			// it: not collected, as for the regional calls.
			continue
		}
		var id callerIdentity
		if err := json.Unmarshal(data, &id); err != nil {
			errs = append(errs, decodeError(file, data, err))
			break
		}
		acct.ID = id.Account
		break
	}
	failures, err := readCollectRecord(dir)
	errs = append(errs, err)
	label := acct.ID
	if label == "" {
		label = acct.Name
	}
	for _, rd := range regionDirs {
		r := &regionReader{dir: filepath.Join(dir, rd), region: &model.Region{Account: label, Name: rd}, failures: failures}
		r.load()
		errs = append(errs, r.errs...)
		if acct.ID == "" {
			acct.ID = r.ownerID
			if acct.ID == "" {
				acct.ID = r.vpcOwnerID
			}
		}
		acct.Regions = append(acct.Regions, r.region)
	}
	if acct.ID != "" && label != acct.ID {
		for _, r := range acct.Regions {
			r.Account = acct.ID
		}
	}
	return acct, errors.Join(errs...)
}

func prefixAll(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}

// regionReader loads one region folder.
type regionReader struct {
	dir        string
	region     *model.Region
	errs       []error
	ownerID    string // an account ID seen in the data, when no file names one
	vpcOwnerID string // a VPC's owner: the account's, unless the VPC is shared
	fetched    map[model.Call]*fetched
	failures   *collectFailures // what vpcdoctor collect recorded; nil without a record
}

// file is one call's file, read.
type file struct {
	path string
	data []byte
	// reread: data was let go after decoding (a prefetched file, see
	// prefetch.go); the rare error that needs a position reads the file
	// again.
	reread bool
}

// bytes returns the file's data, reading it again if it was let go.
func (f *file) bytes() []byte {
	if f.data == nil && f.reread {
		if b, err := os.ReadFile(f.path); err == nil {
			f.data = utf8Text(b)
		}
		f.reread = false
	}
	return f.data
}

// readCall reads the regional call's file and decodes it into v. ok is
// false when the file is absent (recorded as missing) or broken (recorded as
// an error). An empty file is what `aws ... > file` leaves when the call
// fails, so it counts as not collected.
func (r *regionReader) readCall(call model.Call, v any) (file, bool) {
	path := filepath.Join(r.dir, string(call)+".json")
	var data []byte
	var err error
	f := r.take(call, v)
	if f != nil {
		err = f.readErr
	} else {
		data, err = os.ReadFile(path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		if info, _ := model.CallInfoFor(call); !info.Optional {
			r.region.Coverage.MarkMissing(call, "", r.failures.reason(r.region.Name, call, ""))
		}
		return file{}, false
	}
	if f != nil {
		if f.d.usable() {
			set(v, f.v)
		}
		return r.result(call, "", path, f.d)
	}
	return r.decodeFile(call, "", path, data, err, v)
}

func (r *regionReader) decodeFile(call model.Call, resource, path string, data []byte, readErr error, v any) (file, bool) {
	return r.result(call, resource, path, decode(data, readErr, v))
}

// decoded is a file read and decoded into its shape.
type decoded struct {
	data    []byte // as UTF-8
	readErr error
	empty   bool  // only white space
	err     error // from encoding/json
	pruned  bool  // decoded from a pruned copy (prune.go)
	dropped bool  // data was let go after a good decoding
}

func (d decoded) usable() bool { return d.readErr == nil && !d.empty && d.err == nil }

// decode decodes a file's data, as read, into v.
func decode(data []byte, readErr error, v any) decoded {
	if readErr != nil {
		return decoded{readErr: readErr}
	}
	data = utf8Text(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return decoded{data: data, empty: true}
	}
	pruned, err := decodeJSON(data, v)
	return decoded{data: data, err: err, pruned: pruned}
}

// result records what a file that could not be used says about its call,
// and returns a usable file.
func (r *regionReader) result(call model.Call, resource, path string, d decoded) (file, bool) {
	switch {
	case d.readErr != nil:
		r.errs = append(r.errs, &FileError{Path: path, Msg: "cannot read: " + unwrapPathError(d.readErr)})
		return file{}, false
	case d.empty:
		r.region.Coverage.MarkMissing(call, resource, "empty file (the call probably failed when the snapshot was taken)")
		return file{}, false
	case d.err != nil:
		r.errs = append(r.errs, decodeError(path, d.data, d.err))
		return file{}, false
	}
	return file{path: path, data: d.data, reread: d.dropped}, true
}

// cliOutput is one call's decoded output: where its result is and whether
// the CLI printed a pagination token (shapes.go declares both per call).
type cliOutput interface {
	// result names the key holding the call's result and says whether the
	// file had it.
	result() (key string, present bool)
	// nextPage is the pagination token the file ends with, "" when none.
	nextPage() string
}

// readRegional reads a regional call into v. ok is true when the file was
// present and had its result key; the call is then marked collected (and
// incomplete if the CLI printed a pagination token).
func (r *regionReader) readRegional(call model.Call, v cliOutput) (file, bool) {
	f, ok := r.readCall(call, v)
	if !ok || !r.checkResult(call, "", f, v) {
		return file{}, false
	}
	r.region.Coverage.MarkCollected(call)
	return f, true
}

// checkResult records an error when v lacks its result key and marks the
// call incomplete when v has a pagination token.
func (r *regionReader) checkResult(call model.Call, resource string, f file, v cliOutput) bool {
	key, present := v.result()
	if !present {
		r.missingKey(f, key)
		return false
	}
	r.truncated(call, resource, v.nextPage())
	return true
}

// missingKey records a file whose JSON lacks the call's result key.
func (r *regionReader) missingKey(f file, key string) {
	r.errs = append(r.errs, &FileError{Path: f.path, Line: 1, Col: 1, Msg: fmt.Sprintf("want an object with the key %q, as the AWS CLI prints for this call", key)})
}

// truncated records a result the CLI saved with a pagination token: more
// pages exist that the file does not hold.
func (r *regionReader) truncated(call model.Call, resource, token string) {
	if token == "" {
		return
	}
	const reason = "incomplete: the file ends with a pagination token, so later pages were not saved (was it saved with --no-paginate or --max-items?)"
	if resource == "" {
		r.region.Coverage.MarkIncomplete(call, reason)
		return
	}
	r.region.Coverage.MarkMissing(call, resource, reason)
}

// perResource lists the files of a per-resource call's folder, keyed by the
// URL-decoded resource ID. A key maps to several files when the entry is a
// folder (CloudMapper saves ecs-describe-tasks per task inside a folder per
// cluster).
func (r *regionReader) perResource(call model.Call) (map[string][]string, bool) {
	dir := filepath.Join(r.dir, string(call))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false
	}
	out := map[string][]string{}
	seen := map[string]string{}
	for _, e := range entries {
		if hidden(e.Name()) {
			continue
		}
		key, err := url.PathUnescape(e.Name())
		if err != nil {
			key = e.Name()
		}
		p := filepath.Join(dir, e.Name())
		if first, dup := seen[key]; dup {
			// The same resource under two URL-encodings: read one, once.
			r.region.Note(key, "%s holds %s and %s for the same resource; only the first is read", dir, first, e.Name())
			continue
		}
		seen[key] = e.Name()
		if !e.IsDir() {
			out[key] = append(out[key], p)
			continue
		}
		subs, _ := os.ReadDir(p)
		for _, s := range subs {
			if !s.IsDir() && !hidden(s.Name()) {
				out[key] = append(out[key], filepath.Join(p, s.Name()))
			}
		}
		if _, ok := out[key]; !ok {
			out[key] = nil
		}
	}
	return out, true
}

// hidden reports whether a file is one that file managers and archivers
// leave behind (.DS_Store, AppleDouble "._" files): never a call's output.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// readPerResource decodes the files of call for resource into fresh values,
// calling use on each that is usable (a cliOutput must have its result key;
// a pagination token marks the call incomplete for the resource). It
// records a missing file as not collected for that resource, and reports
// whether any file was used.
func readPerResource[T any](r *regionReader, call model.Call, files map[string][]string, resource string, use func(file, *T)) bool {
	paths, ok := files[resource]
	if !ok || len(paths) == 0 {
		if info, _ := model.CallInfoFor(call); !info.Optional {
			r.region.Coverage.MarkMissing(call, resource, r.failures.reason(r.region.Name, call, resource))
		}
		return false
	}
	read := false
	for _, p := range paths {
		data, err := os.ReadFile(p)
		v := new(T)
		f, ok := r.decodeFile(call, resource, p, data, err, v)
		if out, isOutput := any(v).(cliOutput); ok && isOutput {
			ok = r.checkResult(call, resource, f, out)
		}
		if ok {
			use(f, v)
			read = true
		}
	}
	return read
}
