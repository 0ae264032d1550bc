package report

import (
	"github.com/vpcdoctor/vpcdoctor/internal/flowlog"
	"github.com/vpcdoctor/vpcdoctor/internal/flows"
)

// FlowsReport is what `vpcdoctor flows` prints: the edges (who talks to
// whom, on which service port) and what was read to learn them. Its JSON
// form is documented in docs/json-schema.md.
type FlowsReport struct {
	SchemaVersion int          `json:"schema_version"`
	Flows         []flows.Edge `json:"flows"` // largest (bytes) first
	Stats         FlowStats    `json:"stats"`
}

// FlowStats count what was read and what it became.
type FlowStats struct {
	flowlog.Stats
	Observations int          `json:"observations"`
	Edges        int          `json:"edges"`
	Period       flows.Period `json:"period"` // earliest start and latest end of the records
	// IPRanges is the date of the AWS IP ranges used to name AWS services.
	IPRanges string `json:"ip_ranges"`
	// Source says where stage 1 ran: "reader" (in process) or "athena".
	Source string   `json:"source"`
	Notes  []string `json:"notes"` // what the reader of the report should know (no snapshot, skipped files)
}

// BuildFlows assembles the flows report.
func BuildFlows(edges []flows.Edge, obs []flows.Observation, st flowlog.Stats, ranges string, source string, notes []string) *FlowsReport {
	rep := &FlowsReport{SchemaVersion: SchemaVersion, Flows: edges, Stats: FlowStats{Stats: st, Observations: len(obs), Edges: len(edges), IPRanges: ranges, Source: source, Notes: notes}}
	if rep.Flows == nil {
		rep.Flows = []flows.Edge{}
	}
	if rep.Stats.Notes == nil {
		rep.Stats.Notes = []string{}
	}
	if rep.Stats.Bad == nil {
		rep.Stats.Bad = []flowlog.BadLine{}
	}
	rep.Stats.Period = flows.PeriodOf(obs)
	return rep
}
