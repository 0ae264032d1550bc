package check_test

import (
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/check"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	mt "github.com/vpcdoctor/vpcdoctor/internal/model/modeltest"
)

// The check's rule (FSBP ELB.1, ELB.3): an internet-facing Application or
// Classic Load Balancer with an HTTP listener whose default action is not a
// redirect, and which the internet can reach (AWS-SEMANTICS.md §6).
// Fixture: lbRegion.
var elbHTTPWithoutHTTPSRedirectCases = []checkCase{
	{"ALB whose HTTP listener forwards to a target group", lbRegion(alb(mt.InternetFacing, ls("HTTP", 80, "HTTPS", 443), "sg-web")),
		fires(check.Medium, ids("web"), "Internet-facing application load balancer web has an HTTP listener on port 80 that serves requests in clear text instead of redirecting them to HTTPS.").
			withEvidence("listener HTTP:80 default action forwards to target group web-tg")},
	{"ALB with HTTP only", lbRegion(alb(mt.InternetFacing, ls("HTTP", 80), "sg-web")),
		fires(check.Medium, ids("web"), "port 80")},
	{"two HTTP listeners: one finding naming both ports", lbRegion(func(b *mt.Builder) {
		b.SecurityGroup("sg-8080", "vpc-1", ingress("tcp", 80, 80, "0.0.0.0/0"), ingress("tcp", 8080, 8080, "0.0.0.0/0"))
		alb(mt.InternetFacing, ls("HTTP", 80, "HTTP", 8080), "sg-8080")(b)
	}), fires(check.Medium, ids("web"), "HTTP listeners on ports 80, 8080")},
	{"ALB HTTP listener whose default action is a fixed response", lbRegion(func(b *mt.Builder) {
		b.Listen(b.LoadBalancer("web", mt.InternetFacing, pubAB, "sg-web"), "HTTP", 80)
	}), fires(check.Medium, ids("web"), "port 80").withEvidence("listener HTTP:80 default action is not a redirect")},
	{"classic HTTP listener: a Classic Load Balancer cannot redirect", lbRegion(classic(mt.InternetFacing, ls("HTTP", 80), "sg-web")),
		fires(check.Medium, ids("legacy"), "Internet-facing classic load balancer legacy has an HTTP listener on port 80, which a Classic Load Balancer cannot redirect to HTTPS").
			withEvidence("listener HTTP:80 -> instance HTTP:80")},
	{"a group open to the office only still carries clear text over the internet", lbRegion(func(b *mt.Builder) {
		b.SecurityGroup("sg-office-web", "vpc-1", ingress("tcp", 80, 80, "203.0.113.0/24"))
		alb(mt.InternetFacing, ls("HTTP", 80), "sg-office-web")(b)
	}), fires(check.Medium, ids("web"), "port 80")},

	{"HTTP redirects to HTTPS (the story's ALB)", lbRegion(alb(mt.InternetFacing, ls("HTTP>HTTPS", 80, "HTTPS", 443), "sg-web")), none},
	{"HTTPS only", lbRegion(alb(mt.InternetFacing, ls("HTTPS", 443), "sg-web")), none},
	{"internal ALB: not on the internet", lbRegion(alb(mt.Internal, ls("HTTP", 80), "sg-web")), none},
	{"an HTTP listener its group does not open is not reached from the internet (§2)", lbRegion(alb(mt.InternetFacing, ls("HTTP", 8000, "HTTPS", 443), "sg-web")), none},
	{"NLB TCP listener on 80 is not an HTTP listener", lbRegion(nlb(mt.InternetFacing, ls("TCP", 80))), none},
	{"listeners not collected: not reported", lbRegion(func(b *mt.Builder) {
		b.LoadBalancer("web", mt.InternetFacing, pubAB, "sg-web")
		b.NotCollected(model.CallListeners)
	}), none},
	{"load balancers not collected: skipped", lbRegion(func(b *mt.Builder) { b.NotCollected(model.CallLoadBalancersV2) }), skipped(model.CallLoadBalancersV2)},
}

func TestELBHTTPWithoutHTTPSRedirect(t *testing.T) {
	runCases(t, check.ELBHTTPWithoutHTTPSRedirect, elbHTTPWithoutHTTPSRedirectCases)
}
