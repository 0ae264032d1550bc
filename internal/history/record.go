package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// timeLayout is how scan times are stored: UTC with a fixed number of
// digits, so that the text sorts as the time does.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Record stores rep as scanned at at: one scan per account of the report,
// with the account's findings and internet exposures, all in one
// transaction (a failure stores none of them and leaves the earlier scans
// as they were). It returns the new scans' IDs, in the report's account
// order.
func (h *DB) Record(rep *report.Report, at time.Time) ([]int64, error) {
	ctx := context.Background()
	var ids []int64
	err := h.inTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		run := int64(0)
		for _, acct := range accountsOf(rep) {
			id, err := h.recordAccount(ctx, tx, rep, acct, at, run)
			if err != nil {
				return err
			}
			if run == 0 {
				run = id
				if _, err := tx.ExecContext(ctx, "UPDATE scans SET run = ? WHERE id = ?", id, id); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		return h.fail("commit")
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// account is one account of a report, by the key its findings carry.
type account struct {
	key  string // report.Finding.Account: the ID, else the folder name
	name string
}

// accountsOf lists the report's accounts. A report's findings name an
// account by its label (model.Account.Label: the ID, else the name).
func accountsOf(rep *report.Report) []account {
	out := make([]account, 0, len(rep.Scanned.Accounts))
	for _, a := range rep.Scanned.Accounts {
		key := a.ID
		if key == "" {
			key = a.Name
		}
		out = append(out, account{key: key, name: a.Name})
	}
	return out
}

// recordAccount stores one account's scan, its findings and exposures.
func (h *DB) recordAccount(ctx context.Context, tx *sql.Tx, rep *report.Report, acct account, at time.Time, run int64) (int64, error) {
	complete, regions := 1, 0
	for _, c := range rep.Coverage {
		if c.Account != acct.key {
			continue
		}
		regions++
		if !c.Complete {
			complete = 0
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO scans (run, account, account_name, scanned_at, report_schema, complete, regions)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, run, acct.key, acct.name, at.UTC().Format(timeLayout), rep.SchemaVersion, complete, regions)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := h.fail("scan"); err != nil {
		return 0, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO findings (scan_id, fingerprint, rule, severity, region, resources, message, suppressed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	for _, f := range rep.Findings {
		if f.Account != acct.key {
			continue
		}
		if _, err := ins.ExecContext(ctx, id, f.Fingerprint(), f.Rule, f.Severity, f.Region, jsonList(f.Resources), f.Message, f.Suppressed); err != nil {
			return 0, err
		}
	}
	if err := h.fail("findings"); err != nil {
		return 0, err
	}
	insx, err := tx.PrepareContext(ctx, `INSERT INTO exposures (scan_id, region, resource, resource_type, eni, protocol, except_protocols,
		from_port, to_port, sources, whole_internet, via, load_balancer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer insx.Close()
	for _, x := range rep.Exposures {
		if x.Account != acct.key {
			continue
		}
		if _, err := insx.ExecContext(ctx, id, x.Region, x.Resource, x.ResourceType, x.ENI, x.Protocol, jsonList(x.ExceptProtocols),
			x.FromPort, x.ToPort, jsonList(x.Sources), x.WholeInternet, x.Via, x.LoadBalancer); err != nil {
			return 0, err
		}
	}
	return id, h.fail("exposures")
}

// fail is the test hook: the error failAt returns for step, if any.
func (h *DB) fail(step string) error {
	if h.failAt == nil {
		return nil
	}
	return h.failAt(step)
}

// jsonList encodes a list of strings, nil as [].
func jsonList(s []string) string {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s) // strings always encode
	return string(b)
}
