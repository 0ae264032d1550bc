package check

import (
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// Findings' messages are catalogue Messages (internal/i18n, keys
// "finding.…" in locales/LANG.finding.json), built from fragments that are
// Messages themselves, so that every language writes a whole sentence of
// its own; Finding.Message is the English. These helpers build the
// fragments several checks share.

// msg is the finding message or fragment key "finding."+key with args.
func msg(key string, args ...any) i18n.Message { return i18n.M("finding."+key, args...) }

// count is n of noun in words: "1 subnet", "3 subnets" (keys
// "finding.n.NOUN.one" and "finding.n.NOUN.other").
func count(n int, noun string) i18n.Message {
	if n == 1 {
		return msg("n." + noun + ".one")
	}
	return msg("n."+noun+".other", n)
}

// kindNoun is a kind of resource in words: "EC2 instance" (as
// ResourceKind.Noun; a kind the catalogue lacks is written as it is).
func kindNoun(k model.ResourceKind) any {
	if key := "finding.kind." + string(k); i18n.Has(key) {
		return i18n.M(key)
	}
	return k.Noun()
}

// kindNouns is a kind in words, plural unless n is 1: "RDS DB instances".
func kindNouns(k model.ResourceKind, n int) any {
	if n == 1 {
		return kindNoun(k)
	}
	if key := "finding.kinds." + string(k); i18n.Has(key) {
		return i18n.M(key)
	}
	return k.Noun() + "s"
}

// kindCount is n resources of kind k in words: "3 EC2 instances".
func kindCount(n int, k model.ResourceKind) any {
	if i18n.Has("finding.n.kind." + string(k) + ".one") {
		return count(n, "kind."+string(k))
	}
	return msg("n.unknown-kind", n, kindNouns(k, n))
}

// andList lists items as the language lists them: "a, b and c".
func andList(items []string) i18n.List { return strs(items) }

// joined joins items with the separator key sep ("finding.join.SEP", a
// format of two items: "%s, %s"), left to right; "" for none.
func joined(sep string, items []any) any {
	if len(items) == 0 {
		return ""
	}
	out := items[0]
	for _, it := range items[1:] {
		out = msg("join."+sep, out, it)
	}
	return out
}

// strs turns strings into items for joined.
func strs(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// commaList joins items with commas: "a, b, c" ("a、b、c").
func commaList(items []any) any { return joined("comma", items) }

// optional is m, or "" when ok is false: a fragment a message may lack.
func optional(ok bool, m i18n.Message) any {
	if !ok {
		return ""
	}
	return m
}

// english writes a message fragment (a Message or a string) in English.
func english(a any) string {
	if m, ok := a.(i18n.Message); ok {
		return i18n.English.Render(m)
	}
	return i18n.English.Render(i18n.M("finding.text", a))
}

// lbTypeMsg is a load balancer's type for messages: "application" in
// "Internet-facing application load balancer".
func lbTypeMsg(t model.LoadBalancerType) any {
	if key := "finding.lb." + string(t); i18n.Has(key) {
		return i18n.M(key)
	}
	return string(t)
}

// sentences writes parts one after the other (each brings its own
// spacing): a message of several sentences, some of them optional.
func sentences(parts []any) i18n.Message {
	j := joined("concat", parts)
	if m, ok := j.(i18n.Message); ok {
		return m
	}
	return msg("text", j)
}

// resourceLabel is r's label for messages: Resource.Label, with an ECS
// service's or task's cluster in the reader's language.
func resourceLabel(r *model.Resource) any {
	if r.ECS != nil && r.Name != "" {
		if cluster := r.ECS.Cluster[strings.LastIndexByte(r.ECS.Cluster, '/')+1:]; cluster != "" {
			if label := r.Name + " (cluster " + cluster + ")"; label == r.Label() {
				return msg("ecs-label", r.Name, cluster)
			}
		}
	}
	return r.Label()
}

// rulePorts is what a rule selects, for messages: "tcp/22", "all
// traffic" (Rule.PortsString, its words in the reader's language).
func rulePorts(r model.Rule) any {
	switch {
	case r.Protocol == model.ProtocolAll:
		return msg("ports.all-traffic")
	case r.Protocol.HasPorts(), r.Protocol.IsICMP():
		return r.PortsString()
	}
	return msg("ports.protocol", r.Protocol.String())
}
