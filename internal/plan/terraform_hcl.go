package plan

import (
	"bytes"
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
// Line breaks inside a line (from the plan's reasons) start a new comment
// line, so that no text escapes the comment.
func comment(b *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	var split []string
	for _, l := range lines {
		split = append(split, strings.Split(strings.ReplaceAll(l, "\r", ""), "\n")...)
	}
	for _, l := range split {
		text := "#"
		if l != "" {
			text += " " + l
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(text + "\n")})
	}
	b.AppendUnstructuredTokens(toks)
}

// tfFile is one .tf file being written: items (a comment, or a block with
// the comments that explain it) separated by blank lines. Each item is
// built in its own small hclwrite file and formatted when the next one
// starts, which keeps large plans fast (formatting is linear in the item,
// and the finished text is only bytes).
type tfFile struct {
	name string
	buf  bytes.Buffer
	cur  *hclwrite.File
}

func newTFFile(name string, header ...string) *tfFile {
	t := &tfFile{name: name}
	if len(header) > 0 {
		t.note(header...)
	}
	return t
}

// next finishes the current item and starts another after a blank line.
func (t *tfFile) next() *hclwrite.Body {
	t.flush()
	if t.buf.Len() > 0 {
		t.buf.WriteByte('\n')
	}
	t.cur = hclwrite.NewEmptyFile()
	return t.cur.Body()
}

// flush formats the current item, as terraform fmt would, into the text.
func (t *tfFile) flush() {
	if t.cur != nil {
		// hclwrite builds its blocks formatted; TestTerraformIsFormatted
		// checks that no hclwrite.Format is needed.
		t.buf.Write(t.cur.Bytes())
		t.cur = nil
	}
}

// note appends a free-standing comment; comment(t.body(), ...) adds lines
// to it.
func (t *tfFile) note(lines ...string) {
	comment(t.next(), lines...)
}

// body is the current item's body.
func (t *tfFile) body() *hclwrite.Body { return t.cur.Body() }

// block appends a block preceded by its comment lines (none is fine) and
// returns its body.
func (t *tfFile) block(comments []string, typ string, labels ...string) *hclwrite.Body {
	b := t.next()
	if len(comments) > 0 {
		comment(b, comments...)
	}
	return b.AppendNewBlock(typ, labels).Body()
}

// bytes is the whole file.
func (t *tfFile) bytes() []byte {
	t.flush()
	return t.buf.Bytes()
}

// tokensIdent is a bare identifier expression, such as the type string.
func tokensIdent(name string) hclwrite.Tokens { return hclwrite.TokensForIdentifier(name) }
