package render

import (
	"encoding/json"
	"io"

	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// JSON writes the report as one indented JSON document followed by a
// newline. The schema is docs/json-schema.md.
func JSON(w io.Writer, rep *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
