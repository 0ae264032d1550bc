package netdoc

import (
	"regexp"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// evidencePatterns are the sentences internal/plan writes as a rule's
// evidence (groups.go, needed.go), each with the catalogue key that says
// the same in the reader's language; the submatches are its arguments, in
// order. Evidence no pattern matches is shown as the plan wrote it.
var evidencePatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^(\d+) connections, (\d+) bytes in the flow logs \((\S+) to (\S+)\)$`), "doc.evidence.edge_period"},
	{regexp.MustCompile(`^(\d+) connections, (\d+) bytes in the flow logs$`), "doc.evidence.edge"},
	{regexp.MustCompile(`^(\d+) connections, (\d+) bytes to the internet and AWS services in the flow logs$`), "doc.evidence.outbound"},
	{regexp.MustCompile(`^(\d+) connections, (\d+) bytes from (\d+) internet addresses in the flow logs$`), "doc.evidence.internet"},
	{regexp.MustCompile(`^listener (\S+):(\d+) of (\S+)$`), "doc.evidence.listener"},
	{regexp.MustCompile(`^the current configuration lets (.+) reach (.+) on tcp/(\d+): inferred, confirm with flow logs$`), "doc.evidence.current_config"},
	{regexp.MustCompile(`^configured: (.+)$`), "doc.evidence.configured_reason"},
	{regexp.MustCompile(`^configured$`), "doc.evidence.configured"},
	{regexp.MustCompile(`^developers reach the data tier only through AWS Client VPN$`), "doc.evidence.client_vpn"},
	{regexp.MustCompile(`^AWS APIs through the interface endpoints \(Session Manager, ECR, CloudWatch Logs\)$`), "doc.evidence.endpoints"},
	{regexp.MustCompile(`^replication from the old cluster to its copy in the isolated subnets until the cut-over \(AWS-SEMANTICS\.md §8\); remove after the clean-up$`), "doc.evidence.replication"},
	{regexp.MustCompile(`^seen in the flow logs; the address is in no interface of the snapshot$`), "doc.evidence.outside"},
	{regexp.MustCompile(`^no flow logs: outbound kept open; inferred, confirm with flow logs and narrow$`), "doc.evidence.no_flow_logs"},
	{regexp.MustCompile(`^AWS APIs and S3 over HTTPS, through the NAT gateway and the endpoints$`), "doc.evidence.https_out"},
}

// groupPatterns are the descriptions internal/plan gives the groups that
// serve no role (groups.go: the interface endpoints' and the Client VPN
// endpoint's).
var groupPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^Interface VPC endpoints: HTTPS from the workloads of the VPC; planned by vpcdoctor$`), "doc.groups.role_endpoints"},
	{regexp.MustCompile(`^AWS Client VPN endpoint: the only human path to the databases; planned by vpcdoctor$`), "doc.groups.role_client_vpn"},
}

// ruleEvidence says a rule's evidence in the reader's language, escaped:
// from its message (plan.Rule.EvidenceMsg) in another language than
// English, else as evidence does. English keeps the plan's text (and
// the document its bytes).
func (g *gen) ruleEvidence(r *plan.Rule) string {
	if g.lang != i18n.English && !r.EvidenceMsg.IsZero() && r.EvidenceMsg.Known() {
		return g.lang.Render(r.EvidenceMsg.MapStrings(esc))
	}
	return g.evidence(r.Evidence)
}

// evidence says the plan's evidence in the reader's language, escaped.
func (g *gen) evidence(s string) string { return g.known(evidencePatterns, s) }

// known says s in the reader's language when a pattern recognises it, and
// escaped as it is otherwise.
func (g *gen) known(patterns []struct {
	re  *regexp.Regexp
	key string
}, s string) string {
	for _, p := range patterns {
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, a := range m[1:] {
			args[i] = esc(a)
		}
		return g.t(p.key, args...)
	}
	return esc(s)
}
