package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vpcdoctor/vpcdoctor/internal/render"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// JSON writes the diff as indented JSON (docs/diff.md).
func JSON(w io.Writer, d *Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// Text writes the diff for people: the counts, then each kind of change,
// new before removed, every new internet exposure with its path and every
// new reach between roles with an example and its path.
func Text(w io.Writer, d *Diff) error {
	var b strings.Builder
	s := d.Summary
	fmt.Fprintf(&b, "Internet exposure:    %d new, %d removed\n", s.NewExposures, s.RemovedExposures)
	fmt.Fprintf(&b, "Reach between roles:  %d new, %d removed\n", s.NewRoleReach, s.RemovedRoleReach)
	fmt.Fprintf(&b, "Findings:             %d new, %d removed, %d changed, %d unchanged\n", s.NewFindings, s.RemovedFindings, s.ChangedFindings, s.UnchangedFindings)
	for _, kind := range []string{New, Removed} {
		isKind := func(x ExposureChange) bool { return x.Change == kind }
		writeSection(&b, title(kind)+" internet exposures", d.Exposures, isKind, func(x ExposureChange) {
			fmt.Fprintf(&b, "  %-8s  %s  %s from %s, %s%s\n", strings.ToUpper(x.Severity), exposedLabel(x.Exposure), render.ExposureTraffic(x.Exposure),
				render.ExposureSources(x.Exposure), via(x.Exposure), suppressedMark(x.Suppressed))
			if kind == New {
				writeHops(&b, x.Exposure.Path, x.Exposure.Notes)
			}
		})
	}
	for _, kind := range []string{New, Removed} {
		isKind := func(r RoleChange) bool { return r.Change == kind }
		writeSection(&b, title(kind)+" reach between roles", d.Roles, isKind, func(r RoleChange) {
			fmt.Fprintf(&b, "  %-8s  %s -> %s  %s%s\n", strings.ToUpper(r.Severity), roleLabel(r.From), roleLabel(r.To), trafficText(r.Traffic), where(d, r.Account, r.Region))
			if kind == New && r.Example != nil {
				fmt.Fprintf(&b, "      e.g. %s -> %s %s/%d\n", r.Example.FromENI, r.Example.ToENI, r.Example.Protocol, r.Example.Port)
				writeHops(&b, r.Example.Path, r.Example.Notes)
			}
		})
	}
	for _, part := range []struct {
		name string
		fs   []report.Finding
	}{{"New findings", d.Findings.New}, {"Removed findings", d.Findings.Removed}} {
		if len(part.fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", part.name)
		for _, f := range part.fs {
			fmt.Fprintf(&b, "  %-8s  %s  %s: %s%s\n", strings.ToUpper(f.Severity), f.Rule, mainResource(f), f.Message, suppressedMark(f.Suppressed))
			if part.name == "New findings" {
				for _, e := range f.Evidence {
					fmt.Fprintf(&b, "      > %s\n", e)
				}
			}
		}
	}
	if len(d.Findings.Changed) > 0 {
		b.WriteString("\nChanged findings\n")
		for _, c := range d.Findings.Changed {
			f := c.Finding
			fmt.Fprintf(&b, "  %s -> %s  %s  %s: %s%s\n", c.BeforeSeverity, f.Severity, f.Rule, mainResource(f), f.Message, suppressedMark(f.Suppressed))
		}
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "\nWarning: %s\n", w)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSection writes heading, then each of xs that keep is true for with
// write; nothing when keep is true for none.
func writeSection[T any](b *strings.Builder, heading string, xs []T, keep func(T) bool, write func(T)) {
	headed := false
	for _, x := range xs {
		if !keep(x) {
			continue
		}
		if !headed {
			fmt.Fprintf(b, "\n%s\n", heading)
			headed = true
		}
		write(x)
	}
}

func title(kind string) string {
	if kind == New {
		return "New"
	}
	return "Removed"
}

func writeHops(b *strings.Builder, path []report.Hop, notes []string) {
	for _, h := range path {
		fmt.Fprintf(b, "      > %s %s: %s\n", h.Kind, h.ID, h.Detail)
	}
	for _, n := range notes {
		fmt.Fprintf(b, "      note: %s\n", n)
	}
}

// exposedLabel names what an exposure reaches: "rds-db-instance db-1
// (eni-…)", "network-interface eni-…".
func exposedLabel(x report.Exposure) string {
	switch {
	case x.Resource != "" && x.ENI != "":
		return x.ResourceType + " " + x.Resource + " (" + x.ENI + ")"
	case x.Resource != "":
		return x.ResourceType + " " + x.Resource
	}
	return x.ResourceType + " " + x.ENI
}

func via(x report.Exposure) string {
	if x.LoadBalancer != "" {
		return "through load balancer " + x.LoadBalancer
	}
	return x.Via
}

func suppressedMark(s bool) string {
	if s {
		return " (suppressed)"
	}
	return ""
}

func roleLabel(r Role) string { return r.Name + " (" + r.Kind + ")" }

// trafficText prints traffic as the exposure tables do: "tcp/80, tcp/443".
func trafficText(ts []Traffic) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = render.ExposureTraffic(report.Exposure{Protocol: t.Protocol, ExceptProtocols: t.ExceptProtocols, FromPort: t.FromPort, ToPort: t.ToPort})
	}
	return strings.Join(parts, ", ")
}

// where names the account and region when the diff covers several.
func where(d *Diff, account, region string) string {
	if len(d.After.Regions) <= 1 && len(d.Before.Regions) <= 1 {
		return ""
	}
	return "  [" + account + " " + region + "]"
}
