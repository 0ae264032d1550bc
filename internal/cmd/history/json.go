package history

import (
	"encoding/json"
	"io"
)

// writeJSON prints the view as one indented document (docs/history.md).
func writeJSON(w io.Writer, v *view) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
