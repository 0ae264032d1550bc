package snapshot

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// collectRecordFile is the record `vpcdoctor collect` leaves at the root of
// an account folder (internal/awsapi.RecordFile; docs/collect.md): the
// calls that failed, and whether the collection finished. The loader reads
// it so that a missing file says why ("not collected: AccessDenied")
// instead of only that it is missing.
const collectRecordFile = "vpcdoctor-collect.json"

// collectRecord is the part of the record the loader uses.
type collectRecord struct {
	Complete *bool                `json:"complete"`
	Errors   []collectRecordError `json:"errors"`
}

// collectRecordError is one failed call of the record.
type collectRecordError struct {
	Account  string `json:"account"`
	Region   string `json:"region"`
	Call     string `json:"call"`
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// reason is how the coverage says why the call's data is absent: its
// error code and, shortened to one line, its message.
func (e collectRecordError) reason() string {
	reason := "not collected: " + e.Code
	if m := shorten(e.Message, 160); m != "" {
		reason += " (" + m + ")"
	}
	return reason
}

// collectFailures is what an account's record says about its missing
// calls.
type collectFailures struct {
	reasons     map[string]string // region, call, resource → reason
	interrupted bool
}

// readCollectRecord reads dir's record; an absent record is no record.
func readCollectRecord(dir string) (*collectFailures, error) {
	rec, err := readRecordFile(dir)
	if rec == nil || err != nil {
		return nil, err
	}
	f := &collectFailures{reasons: map[string]string{}, interrupted: rec.Complete != nil && !*rec.Complete}
	for _, e := range rec.Errors {
		f.reasons[e.Region+"\x00"+e.Call+"\x00"+e.Resource] = e.reason()
	}
	return f, nil
}

// readRecordFile reads and decodes dir's record; nil when it has none.
func readRecordFile(dir string) (*collectRecord, error) {
	path := filepath.Join(dir, collectRecordFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot read: " + unwrapPathError(err)}
	}
	data = utf8Text(data)
	var rec collectRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, decodeError(path, data, err)
	}
	return &rec, nil
}

// reason says why region's call (for resource) is absent.
func (f *collectFailures) reason(region string, call model.Call, resource string) string {
	if f == nil {
		return "not collected"
	}
	if r, ok := f.reasons[region+"\x00"+string(call)+"\x00"+resource]; ok {
		return r
	}
	if f.interrupted {
		return "not collected: the collection was interrupted"
	}
	return "not collected"
}

// shorten cuts s to n runes at most, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// readUnreached reads the record at the root of a multi-account folder
// dir: its errors are the accounts that could not be reached
// (docs/collect.md). An absent record is no record.
func readUnreached(dir string) ([]model.UnreachedAccount, error) {
	rec, err := readRecordFile(dir)
	if rec == nil || err != nil {
		return nil, err
	}
	var out []model.UnreachedAccount
	for _, e := range rec.Errors {
		account := e.Account
		if account == "" {
			account = "(unknown account)"
		}
		out = append(out, model.UnreachedAccount{Account: account, Call: e.Call, Reason: e.reason()})
	}
	return out, nil
}
