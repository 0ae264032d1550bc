package plan

import (
	"github.com/zclconf/go-cty/cty"
)

// writeVersions writes versions.tf: the Terraform and provider versions
// and one provider per region (with an alias when there are several).
// There are no default_tags on purpose: they would retag the existing
// resources the configuration imports. New objects carry their own tags.
func (w *tfWriter) writeVersions() {
	f := w.versions
	tf := f.block(nil, "terraform")
	// Import blocks need Terraform 1.5.
	setString(tf, "required_version", ">= 1.5.0")
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("aws", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("hashicorp/aws"),
		"version": cty.StringVal("~> 5.0"),
	}))
	for _, rg := range w.regions {
		var comments []string
		if rg.provider != "" {
			comments = []string{"Account " + rg.plan.Account + ", region " + rg.plan.Region + "."}
		}
		b := f.block(comments, "provider", "aws")
		if rg.provider != "" {
			setString(b, "alias", rg.provider)
		}
		setString(b, "region", rg.plan.Region)
		if isAccountID(rg.plan.Account) {
			// Refuses to run with credentials of another account.
			setStrings(b, "allowed_account_ids", []string{rg.plan.Account})
		}
	}
}

// variable declares a variable in variables.tf and returns its reference.
// def is its default ("" with hasDefault false: the person must set it).
func (w *tfWriter) variable(rg *tfRegion, base, description string, def string, hasDefault bool) tfRef {
	name := w.names.claim("var", rg.prefix, base, "value")
	b := w.variables.block(nil, "variable", name)
	b.SetAttributeRaw("type", tokensIdent("string"))
	setString(b, "description", description)
	if hasDefault {
		setString(b, "default", def)
	}
	w.vars = append(w.vars, tfVar{name: name, required: !hasDefault})
	return tfPath("var", name)
}

// isAccountID reports whether s is a 12-digit AWS account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
