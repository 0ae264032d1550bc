package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule: ingress rules without a Description, one finding per
// group; the default group's own rule (all traffic from itself, created by
// AWS without a description) does not count.
var sgRuleUndocumentedCases = []checkCase{
	{"two rules, none described", groupRegion(onInstance, ingress("tcp", 443, 443, "0.0.0.0/0"), fromSG("tcp", 5432, 5432, "sg-2")),
		fires(check.Info, ids("sg-1"), "sg-1 (app) has 2 of 2 inbound rules without a description: tcp/443 from 0.0.0.0/0, tcp/5432 from sg-2 (other).").
			withEvidence("sg-1 ingress tcp/443 from 0.0.0.0/0", "sg-1 ingress tcp/5432 from sg-2")},
	{"one of two described", groupRegion(onInstance, described(ingress("tcp", 443, 443, "0.0.0.0/0"), "public HTTPS"), ingress("tcp", 22, 22, "203.0.113.0/24")),
		fires(check.Info, ids("sg-1"), "has 1 of 2 inbound rules without a description: tcp/22 from 203.0.113.0/24.")},
	{"a description of blanks is none", groupRegion(onInstance, described(ingress("tcp", 443, 443, "0.0.0.0/0"), "  ")),
		fires(check.Info, ids("sg-1"), "has 1 of 1 inbound rule without a description")},
	{"an unattached group is documented the same way", groupRegion(onNothing, ingress("tcp", 443, 443, "0.0.0.0/0")),
		fires(check.Info, ids("sg-1"), "has 1 of 1 inbound rule")},
	{"every rule described", groupRegion(onInstance, described(ingress("tcp", 443, 443, "0.0.0.0/0"), "public HTTPS"), described(fromSG("tcp", 5432, 5432, "sg-2"), "app to db")), none},
	{"egress rules are not counted (AWS's default egress rule has no description)", groupRegion(onInstance), none},
	{"the default group's own rule", defaultGroupRegion(asIs), none},
	{"a rule added to the default group counts", defaultGroupRegion(func(_ *modeltest.Builder, d *model.SecurityGroup) {
		r := ingress("tcp", 22, 22, "203.0.113.0/24")
		r.GroupID, r.Direction = d.ID, model.Ingress
		d.Ingress = append(d.Ingress, r)
	}), fires(check.Info, ids("sg-d"), "sg-d (default) has 1 of 2 inbound rules without a description: tcp/22 from 203.0.113.0/24.")},
	{"a self-reference in another group counts", groupRegion(onInstance, fromSG("-1", -1, -1, "sg-1")),
		fires(check.Info, ids("sg-1"), "all traffic from sg-1 (app).")},
}

func TestSGRuleUndocumented(t *testing.T) {
	runCases(t, check.SGRuleUndocumented, sgRuleUndocumentedCases)
}
