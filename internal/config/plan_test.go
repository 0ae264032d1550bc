package config

import (
	"strings"
	"testing"
)

func TestParsePlan(t *testing.T) {
	cfg, err := parse(t, `suppressions: []
plan:
  nat: single
  client_vpn: false
  roles:
    "i-0a1b*": web
    oyatsu-order-notifier: notifier
  pin: [i-0a1b2c3d4e5f60303]
  flows:
    - from: batch
      to: oyatsu-aurora
      port: 3306
      reason: monthly report
    - {from: web, to: sts, protocol: tcp, port: 443, reason: assume role}
    - {from: web, to: api, protocol: icmp, reason: ping}
  prices: my-prices.json
`)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Plan
	if p.NAT != "single" || p.ClientVPN == nil || *p.ClientVPN || p.Prices != "my-prices.json" || p.Line != 3 {
		t.Errorf("plan = %+v", p)
	}
	if p.Roles["i-0a1b*"] != "web" || p.Roles["oyatsu-order-notifier"] != "notifier" || p.RoleLines["oyatsu-order-notifier"] != 7 {
		t.Errorf("roles = %v, lines %v", p.Roles, p.RoleLines)
	}
	if len(p.Pin) != 1 || p.Pin[0] != "i-0a1b2c3d4e5f60303" {
		t.Errorf("pin = %v", p.Pin)
	}
	if len(p.Flows) != 3 {
		t.Fatalf("flows = %+v", p.Flows)
	}
	if f := p.Flows[0]; f.From != "batch" || f.To != "oyatsu-aurora" || f.Protocol != "tcp" || f.Port != 3306 || f.Reason != "monthly report" || f.Line != 10 {
		t.Errorf("first flow = %+v (protocol defaults to tcp)", f)
	}
	if f := p.Flows[2]; f.Protocol != "icmp" || f.Port != 0 || f.String() != "web -> api icmp" {
		t.Errorf("icmp flow = %+v, %q", f, f.String())
	}
}

// Without a plan section, or with an empty one, nothing is chosen: the
// planner's defaults (per-az NAT, Client VPN) apply.
func TestParsePlanAbsent(t *testing.T) {
	for _, src := range []string{"suppressions: []\n", "plan: {}\n"} {
		cfg, err := parse(t, src)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Plan.NAT != "" || cfg.Plan.ClientVPN != nil || len(cfg.Plan.Flows) != 0 {
			t.Errorf("%q: plan = %+v", src, cfg.Plan)
		}
	}
}

// Every mistake in the plan section names the file and the line.
func TestParsePlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown key", "plan:\n  nat: single\n  nats: x\n", `vpcdoctor.yaml:3: unknown key "nats" in plan; want client_vpn, flows, nat, pin, prices, roles`},
		{"bad NAT mode", "plan:\n  nat: one\n", `vpcdoctor.yaml:2: nat "one": want per-az or single`},
		{"client_vpn not a boolean", "plan:\n  client_vpn: yes please\n", `vpcdoctor.yaml:2: client_vpn "yes please": want true or false`},
		{"client_vpn quoted", "plan:\n  client_vpn: \"true\"\n", `vpcdoctor.yaml:2: client_vpn "true": want true or false`},
		{"roles not a mapping", "plan:\n  roles: [web]\n", `vpcdoctor.yaml:2: roles must be a mapping`},
		{"role name a list", "plan:\n  roles:\n    i-1: [web]\n", `vpcdoctor.yaml:3: a role name must be a single value`},
		{"role twice", "plan:\n  roles:\n    i-1: web\n    i-1: api\n", `vpcdoctor.yaml:4: resource "i-1" appears twice in roles`},
		{"pin not a list", "plan:\n  pin: i-1\n", `vpcdoctor.yaml:2: pin must be a list`},
		{"flows not a list", "plan:\n  flows: {from: a}\n", `vpcdoctor.yaml:2: flows must be a list`},
		{"flow lacks to and reason", "plan:\n  flows:\n    - from: a\n      port: 1\n", `vpcdoctor.yaml:3: a flow lacks "to"`},
		{"tcp flow lacks port", "plan:\n  flows:\n    - {from: a, to: b, reason: r}\n", `vpcdoctor.yaml:3: a tcp flow lacks "port"`},
		{"port out of range", "plan:\n  flows:\n    - from: a\n      to: b\n      port: 70000\n      reason: r\n", `vpcdoctor.yaml:5: port "70000" is not a port number 0-65535`},
		{"port zero", "plan:\n  flows:\n    - {from: a, to: b, port: 0, reason: r}\n", `vpcdoctor.yaml:3: port 0 is not a tcp service port`},
		{"bad protocol", "plan:\n  flows:\n    - {from: a, to: b, protocol: http, port: 80, reason: r}\n", `vpcdoctor.yaml:3: protocol "http"`},
		{"unknown flow key", "plan:\n  flows:\n    - {from: a, to: b, port: 80, reason: r, why: x}\n", `vpcdoctor.yaml:3: unknown key "why" in a flow`},
		{"plan not a mapping", "plan: single\n", `vpcdoctor.yaml:1: plan must be a mapping`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parse(t, tc.src)
			if err == nil {
				t.Fatalf("no error; got %+v", cfg.Plan)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nlacks %q", err, tc.want)
			}
		})
	}
}

func TestGlobMatchExported(t *testing.T) {
	if !GlobMatch("i-0a*", "i-0a1b") || GlobMatch("i-0a*", "i-0b") {
		t.Error("GlobMatch does not match as suppressions do")
	}
}
