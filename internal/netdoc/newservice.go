package netdoc

// newService writes how to add a service: the checklist of what to ask
// for, and the issue or pull-request text to copy.
func (g *gen) newService() {
	g.d.heading(2, g.t("doc.new.heading"))
	g.d.para(g.t("doc.new.intro"))
	for _, k := range []string{"role", "tier", "group", "sources", "port", "why", "egress"} {
		g.d.line("- [ ] " + g.t("doc.new.check."+k))
	}
	g.d.line("")
	g.d.para(g.t("doc.new.after"))
	g.d.para(g.t("doc.new.template_intro"))
	g.d.line("```text")
	g.d.line(g.t("doc.new.template"))
	g.d.line("```")
}
