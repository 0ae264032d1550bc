package check

import (
	"strconv"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/reach"
)

// ELBHTTPWithoutHTTPSRedirect finds internet-facing Application and
// Classic Load Balancers with an HTTP listener that serves requests
// instead of redirecting them to HTTPS, and that the internet can reach as
// the reachability engine computes it (AWS-SEMANTICS.md §6): a listener
// whose security group admits no internet source carries no clear text
// over the internet.
var ELBHTTPWithoutHTTPSRedirect = &Check{
	Meta: Meta{
		ID:       "elb-http-without-https-redirect",
		Title:    "Internet-facing load balancer serves plain HTTP instead of redirecting to HTTPS",
		Severity: Medium,
		Rationale: "An HTTP listener whose default action forwards (or answers) instead of redirecting lets " +
			"browsers and clients that type or follow an http:// link talk to the application in clear text: " +
			"session cookies, credentials and personal data cross the internet readable and changeable by " +
			"anyone on the path. A redirect to HTTPS keeps port 80 open for those links while every request is " +
			"served encrypted. A Classic Load Balancer cannot redirect at all.",
		Remediation: "Make the HTTP listener's default action a redirect to HTTPS: aws elbv2 modify-listener " +
			"--listener-arn LISTENER --default-actions " +
			"'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}' (add an HTTPS " +
			"listener with an ACM certificate first if there is none). For a Classic Load Balancer, migrate to " +
			"an Application Load Balancer, or replace the HTTP listener with an HTTPS one.",
		References: []string{
			"AWS Foundational Security Best Practices ELB.1, ELB.3",
			"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
		},
		Needs: []model.Call{model.CallLoadBalancersV2},
	},
	Run: func(p *Pass) {
		byLB := ownExposuresByLB(p)
		for _, r := range p.Region.Resources {
			if !r.IsInternetFacingLoadBalancer() || !r.LoadBalancer.ListenersKnown {
				continue
			}
			lb := r.LoadBalancer
			if lb.Type != model.LBApplication && lb.Type != model.LBClassic {
				continue
			}
			var ports, evidence []string
			for _, l := range lb.Listeners {
				if !strings.EqualFold(l.Protocol, "HTTP") || l.Redirect || !reachedOn(byLB[r], l.Port) {
					continue
				}
				port := strconv.Itoa(l.Port)
				ports = append(ports, port)
				switch {
				case lb.Type == model.LBClassic:
					evidence = append(evidence, "listener HTTP:"+port+" -> instance "+l.InstanceProtocol+":"+strconv.Itoa(l.InstancePort))
				case len(l.TargetGroupARNs) > 0:
					evidence = append(evidence, p.say(msg("ev.http-forwards", port, commaList(targetGroupNames(p.Region, l.TargetGroupARNs)))))
				default:
					evidence = append(evidence, p.say(msg("ev.http-no-redirect", port)))
				}
			}
			if len(ports) == 0 {
				continue
			}
			what := msg("elb-http-without-https-redirect.one", ports[0])
			if len(ports) > 1 {
				what = msg("elb-http-without-https-redirect.other", commaList(strs(ports)))
			}
			key := "elb-http-without-https-redirect.msg"
			if lb.Type == model.LBClassic {
				key = "elb-http-without-https-redirect.classic"
			}
			p.Report([]string{r.ID}, evidence, msg(key, lbTypeMsg(lb.Type), r.Label(), what))
		}
	},
}

// reachedOn reports whether some of xs carries TCP to port.
func reachedOn(xs []reach.Exposure, port int) bool {
	for _, x := range xs {
		if exposureCovers(x, model.ProtocolTCP, port) {
			return true
		}
	}
	return false
}

// targetGroupNames names target groups for evidence: "target group NAME",
// the name from the data, else from the ARN.
func targetGroupNames(reg *model.Region, arns []string) []any {
	out := make([]any, len(arns))
	for i, arn := range arns {
		name := arn
		if tg := reg.TargetGroup(arn); tg != nil && tg.Name != "" {
			name = tg.Name
		} else if _, rest, ok := strings.Cut(arn, ":targetgroup/"); ok {
			name, _, _ = strings.Cut(rest, "/")
		}
		out[i] = msg("ev.target-group", name)
	}
	return out
}
