package plan

import (
	"io"
	"path/filepath"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/model"
	"github.com/vpcdoctor/vpcdoctor/internal/netdoc"
	"github.com/vpcdoctor/vpcdoctor/internal/plan"
)

// writeShow writes what people read of the plan (issue 7): the
// network-rule document of the target, in English and Japanese.
func writeShow(p *plan.Plan, target *model.Inventory, dir string) error {
	for name, lang := range map[string]i18n.Lang{"NETWORK-RULES.md": i18n.English, "NETWORK-RULES.ja.md": i18n.Japanese} {
		err := writeFile(filepath.Join(dir, name), 0o644, func(w io.Writer) error { return netdoc.Write(w, target, p, lang) })
		if err != nil {
			return err
		}
	}
	return nil
}
