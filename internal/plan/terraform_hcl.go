package plan

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// This file holds the small vocabulary the Terraform writer builds blocks
// with: references, lists of references and literals, tags, comments.

// tfRef is an expression of the written configuration: either a reference
// (aws_subnet.private_1a.id, var.ami_web_1) or a literal string (an
// existing resource's ID that Terraform does not manage).
type tfRef struct {
	traversal []string // the dotted names; nil for a literal
	literal   string
}

// ref builds a reference from dotted names: tfPath("aws_subnet", "a", "id").
func tfPath(names ...string) tfRef { return tfRef{traversal: names} }

// lit is a literal string expression.
func lit(s string) tfRef { return tfRef{literal: s} }

// tokens renders the expression.
func (r tfRef) tokens() hclwrite.Tokens {
	if r.traversal != nil {
		var toks hclwrite.Tokens
		for i, n := range r.traversal {
			if i > 0 {
				toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenDot, Bytes: []byte(".")})
			}
			toks = append(toks, hclwrite.TokensForIdentifier(n)...)
		}
		return toks
	}
	return hclwrite.TokensForValue(cty.StringVal(r.literal))
}

// setRef sets an attribute to one expression.
func setRef(b *hclwrite.Body, name string, r tfRef) {
	b.SetAttributeRaw(name, r.tokens())
}

// setRefs sets an attribute to a list of expressions, in the given order.
func setRefs(b *hclwrite.Body, name string, refs []tfRef) {
	elems := make([]hclwrite.Tokens, len(refs))
	for i, r := range refs {
		elems[i] = r.tokens()
	}
	b.SetAttributeRaw(name, hclwrite.TokensForTuple(elems))
}

// setString, setBool and setInt set literal attributes.
func setString(b *hclwrite.Body, name, v string)    { b.SetAttributeValue(name, cty.StringVal(v)) }
func setBool(b *hclwrite.Body, name string, v bool) { b.SetAttributeValue(name, cty.BoolVal(v)) }
func setInt(b *hclwrite.Body, name string, v int) {
	b.SetAttributeValue(name, cty.NumberIntVal(int64(v)))
}

// setStrings sets an attribute to a list of literal strings.
func setStrings(b *hclwrite.Body, name string, vs []string) {
	refs := make([]tfRef, len(vs))
	for i, v := range vs {
		refs[i] = lit(v)
	}
	setRefs(b, name, refs)
}

// setTags sets tags = { ... }, keys sorted (cty sorts map keys). Tags AWS
// reserves (aws:*) cannot be set and are left out.
func setTags(b *hclwrite.Body, tags map[string]string) {
	m := map[string]cty.Value{}
	for k, v := range tags {
		if strings.HasPrefix(k, "aws:") {
			continue
		}
		m[k] = cty.StringVal(v)
	}
	if len(m) == 0 {
		return
	}
	b.SetAttributeValue("tags", cty.MapVal(m))
}

// comment appends "# line" comments to a body; an empty line gives "#".
func comment(b *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		text := "#"
		if l != "" {
			text += " " + l
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(text + "\n")})
	}
	b.AppendUnstructuredTokens(toks)
}

// tfFile is one .tf file being written: blocks separated by blank lines,
// each with the comments that explain it.
type tfFile struct {
	name    string
	f       *hclwrite.File
	started bool
}

func newTFFile(name string, header ...string) *tfFile {
	t := &tfFile{name: name, f: hclwrite.NewEmptyFile()}
	if len(header) > 0 {
		t.note(header...)
	}
	return t
}

// separate puts a blank line between items.
func (t *tfFile) separate() {
	if t.started {
		t.f.Body().AppendNewline()
	}
	t.started = true
}

// note appends a free-standing comment.
func (t *tfFile) note(lines ...string) {
	t.separate()
	comment(t.f.Body(), lines...)
}

// block appends a block preceded by its comment lines (none is fine) and
// returns its body.
func (t *tfFile) block(comments []string, typ string, labels ...string) *hclwrite.Body {
	t.separate()
	if len(comments) > 0 {
		comment(t.f.Body(), comments...)
	}
	return t.f.Body().AppendNewBlock(typ, labels).Body()
}

// bytes is the file, formatted as terraform fmt formats it.
func (t *tfFile) bytes() []byte { return hclwrite.Format(t.f.Bytes()) }

// tokensIdent is a bare identifier expression, such as the type string.
func tokensIdent(name string) hclwrite.Tokens { return hclwrite.TokensForIdentifier(name) }
