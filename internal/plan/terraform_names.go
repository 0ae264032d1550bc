package plan

import (
	"strconv"
	"strings"
)

// tfNames hands out Terraform identifiers: unique per block type ("aws_subnet",
// "var", "data.aws_vpc"), valid (letters, digits, underscores, not starting
// with a digit) and readable, derived from placeholder IDs and Name tags.
// Names are handed out in the plan's order, so the same plan gives the same
// names.
type tfNames struct {
	used map[string]map[string]bool // block type → names
}

func newTFNames() *tfNames { return &tfNames{used: map[string]map[string]bool{}} }

// claim returns a unique identifier for kind, made from prefix (a region's,
// or "") and base; fallback is put in front of base when base starts with a
// digit or is empty ("1a" for aws_nat_gateway → "nat_1a").
func (n *tfNames) claim(kind, prefix, base, fallback string) string {
	id := tfIdent(base)
	if id == "" {
		id = tfIdent(fallback)
	} else if id[0] >= '0' && id[0] <= '9' {
		id = tfIdent(fallback + "_" + id)
	}
	id = tfIdent(prefix + id)
	if n.used[kind] == nil {
		n.used[kind] = map[string]bool{}
	}
	name := id
	for i := 2; n.used[kind][name]; i++ {
		name = id + "_" + strconv.Itoa(i)
	}
	n.used[kind][name] = true
	return name
}

// tfIdent lowercases s and turns every run of characters other than
// letters and digits into one underscore, trimmed at both ends:
// "public-1a" → "public_1a", "10.0.0.0/16" → "10_0_0_0_16".
func tfIdent(s string) string {
	var b strings.Builder
	pending := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	return b.String()
}

// placeholderBase is a placeholder ID without its AWS prefix and "new-":
// "sg-new-web" → "web", "subnet-new-v2-private-1a" → "v2-private-1a".
func placeholderBase(id string) string {
	if i := strings.Index(id, "-new-"); i > 0 {
		return id[i+len("-new-"):]
	}
	return id
}

// awsPrefix is an ID's prefix: "subnet" for "subnet-…", "nat" for "nat-…".
func awsPrefix(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return ""
}
