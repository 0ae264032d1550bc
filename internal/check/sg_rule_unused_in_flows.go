package check

import (
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/flows"
	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// shortFlowPeriod is the logged period below which the check warns that a
// rule may simply not have been needed yet: two weeks see a weekly job
// twice, a monthly one perhaps never.
const shortFlowPeriod = 14 * 24 * time.Hour

// SGRuleUnusedInFlows finds ingress rules that admitted no accepted
// traffic in the flow logs given to the scan (vpcdoctor scan --flows), one
// finding per group, listing the unused rules with the period the group's
// interfaces were logged and the volume of logs read, so that nobody
// deletes a rule on too little evidence. flows.Attribute decides which
// rules admitted each accepted connection (AWS-SEMANTICS.md §2: any
// matching rule admits, so each is counted).
//
// A group is judged only on evidence: when none of the interfaces carrying
// it appear in the logs with accepted traffic (not logged, idle, or logged
// by a flow log capturing only REJECT traffic), nothing is reported. When
// only some do, the finding is info, as the rules may carry traffic to the
// others. A
// group another account shares with this one is not judged: its owner's
// interfaces are not in the data; nor is a rule naming another account's
// group (a peered VPC's) or a group not in the data, whose use cannot be
// seen: the message says how many such rules were left out. The message
// says when the logs cover less than 14 days.
var SGRuleUnusedInFlows = &Check{
	Meta: Meta{
		ID:       "sg-rule-unused-in-flows",
		Title:    "Security group has inbound rules that admitted no traffic in the flow logs",
		Severity: Low,
		Rationale: "Rules are added for a migration, a vendor, a test or a colleague who has since left, and " +
			"nobody removes them: every one of them still lets traffic in. VPC Flow Logs show which rules really " +
			"carry traffic; a rule that admitted nothing over a long enough period is a candidate for removal, " +
			"which shrinks what an attacker or a mistake can reach. How long is long enough depends on the " +
			"rarest legitimate use (a monthly job, a failover, on-call access), so the finding states the " +
			"period and the volume of logs it rests on.",
		Remediation: "Confirm with the group's owner that nothing needs the rule (monthly or yearly jobs, " +
			"failover, break-glass access) and that the logs cover every interface carrying the group, then " +
			"revoke it: aws ec2 revoke-security-group-ingress --group-id GROUP --security-group-rule-ids RULE_ID " +
			"(aws ec2 describe-security-group-rules --filters Name=group-id,Values=GROUP lists the IDs). Watch " +
			"the flow logs for new REJECT records afterwards, and put back a narrower rule if something breaks.",
		References: []string{
			"https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
			"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
			"AWS Well-Architected Framework, Security Pillar SEC05-BP02: Control traffic flow within your network layers",
		},
		Needs:         []model.Call{model.CallSecurityGroups, model.CallNetworkInterfaces},
		NeedsFlowLogs: true,
	},
	Run: func(p *Pass) {
		att := p.Flows()
		for _, g := range p.Region.SecurityGroups {
			if len(g.Ingress) == 0 || sharedGroup(p.Region, g) {
				continue
			}
			carriers, logged, period := loggedCarriers(att, g)
			if logged == 0 {
				continue // no evidence either way
			}
			var parts []any
			var evidence, unjudged []string
			for i := range g.Ingress {
				r := &g.Ingress[i]
				if _, used := att.Rule(flows.KeyOf(p.Region, r)); used {
					continue
				}
				if foreignGroup(p.Region, r.Peer) {
					unjudged = append(unjudged, r.Peer.String())
					continue
				}
				parts = append(parts, msg("rule-from", rulePorts(*r), peerLabel(p.Region, r.Peer)))
				evidence = append(evidence, g.ID+" "+r.String())
			}
			if len(parts) == 0 {
				continue
			}
			text := []any{
				msg("sg-rule-unused-in-flows.msg", g.Label(), len(parts), count(len(g.Ingress), "inbound-rule"), commaList(parts)),
				msg("sg-rule-unused-in-flows.period", stamp(period.First), stamp(period.Last), span(period.Duration()), logVolume(att.Logs)),
			}
			if len(unjudged) > 0 {
				text = append(text, msg("sg-rule-unused-in-flows.unjudged", count(len(unjudged), "rule"), commaList(strs(unjudged))))
			}
			if period.Duration() < shortFlowPeriod {
				text = append(text, msg("sg-rule-unused-in-flows.short"))
			}
			sev := p.check.Severity
			if logged < carriers {
				sev = Info
				text = append(text, msg("sg-rule-unused-in-flows.partial", logged, carriers))
			}
			p.ReportAt(sev, []string{g.ID}, evidence, sentences(text))
		}
	},
}

// foreignGroup reports whether peer is a group whose interfaces the
// snapshot cannot hold: another account's (across a peering), or one not
// in the region's data. Traffic its rule admits comes from an address the
// attribution cannot tie to the group, so the rule would look unused
// however much it carries: it is never listed.
func foreignGroup(reg *model.Region, peer model.Peer) bool {
	if peer.Kind != model.PeerGroup {
		return false
	}
	if peer.UserID != "" && peer.UserID != reg.Account {
		return true
	}
	return reg.SecurityGroup(peer.GroupID) == nil
}

// loggedCarriers counts the interfaces carrying g that can receive traffic
// (unattached ones cannot), those the logs show accepting traffic, and the
// period over which those were logged. An interface with only REJECT
// records is no evidence: a flow log capturing REJECT traffic (AWS's
// --traffic-type REJECT) names it without ever showing what its rules
// admit, and the region may still be covered by another flow log.
func loggedCarriers(att *flows.Attribution, g *model.SecurityGroup) (carriers, logged int, period flows.Period) {
	for _, e := range g.ENIs {
		if e.Status == "available" {
			continue
		}
		carriers++
		s, ok := att.Interface(e.ID)
		if !ok || s.Accepted == 0 {
			continue
		}
		logged++
		if !s.First.IsZero() && (period.First.IsZero() || s.First.Before(period.First)) {
			period.First = s.First
		}
		if s.Last.After(period.Last) {
			period.Last = s.Last
		}
	}
	return carriers, logged, period
}

// stamp prints a time of the logs, in UTC to the minute; "?" when no
// record logged one.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// span prints a duration in days, or hours below two days.
func span(d time.Duration) i18n.Message {
	if d < 48*time.Hour {
		return count(int(d.Hours()), "hour")
	}
	return count(int(d.Hours()/24), "day")
}

func logVolume(v flows.LogVolume) i18n.Message {
	return msg("sg-rule-unused-in-flows.volume", count(int(v.Records), "record"), count(int(v.Files), "file"))
}
