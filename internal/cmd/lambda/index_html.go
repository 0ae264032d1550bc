package lambda

import (
	"html/template"
	"io"
	"strings"
)

// indexText is the index page's text in each language of the HTML
// report.
var indexText = map[string]map[string]string{
	"en": {
		"title": "vpcdoctor: run %s", "accounts": "Accounts", "account": "Account", "status": "Status",
		"scanned": "scanned", "no report": "no report (the scan failed or has not finished)",
		"complete": "Complete", "yes": "yes", "no": "no", "reports": "Reports", "total": "Total",
		"exposures": "Internet exposures", "generated": "Generated",
	},
	"ja": {
		"title": "vpcdoctor: 実行 %s", "accounts": "アカウント", "account": "アカウント", "status": "状態",
		"scanned": "スキャン済み", "no report": "レポートなし（スキャンが失敗したか、終わっていません）",
		"complete": "完全", "yes": "はい", "no": "いいえ", "reports": "レポート", "total": "合計",
		"exposures": "インターネットへの露出", "generated": "作成",
	},
}

var indexPage = template.Must(template.New("index").Funcs(template.FuncMap{
	"t": func(lang, key string) string { return indexText[lang][key] },
	"title": func(lang, run string) string {
		return strings.Replace(indexText[lang]["title"], "%s", run, 1)
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title .Lang .Index.Run}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24}
table{border-collapse:collapse}th,td{border:1px solid #ccd;padding:.3rem .6rem;text-align:left}
td.n{text-align:right}tr.missing td{background:#fff4e5}tfoot td{font-weight:bold}
</style>
</head>
<body>
<h1>{{title .Lang .Index.Run}}</h1>
<p>{{t .Lang "generated"}}: {{.Index.Generated}}</p>
<table>
<thead><tr><th scope="col">{{t .Lang "account"}}</th><th scope="col">{{t .Lang "status"}}</th><th scope="col">critical</th><th scope="col">high</th><th scope="col">medium</th><th scope="col">low</th><th scope="col">info</th><th scope="col">{{t .Lang "exposures"}}</th><th scope="col">{{t .Lang "complete"}}</th><th scope="col">{{t .Lang "reports"}}</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr{{if not .Summary}} class="missing"{{end}}><th scope="row">{{.Account}}</th><td>{{t $.Lang .Status}}</td>
{{- with .Summary}}<td class="n">{{.Counts.Critical}}</td><td class="n">{{.Counts.High}}</td><td class="n">{{.Counts.Medium}}</td><td class="n">{{.Counts.Low}}</td><td class="n">{{.Counts.Info}}</td><td class="n">{{.Exposures}}</td><td>{{if .Counts.Complete}}{{t $.Lang "yes"}}{{else}}{{t $.Lang "no"}}{{end}}</td>
<td><a href="{{$.Rel .Keys.HTML}}">HTML</a> · <a href="{{$.Rel .Keys.JSON}}">JSON</a> · <a href="{{$.Rel .Keys.SARIF}}">SARIF</a></td>
{{- else}}<td colspan="8"></td>{{end}}</tr>
{{- end}}
</tbody>
<tfoot><tr><td>{{t .Lang "total"}}</td><td>{{.Index.Scanned}} / {{len .Rows}}</td><td class="n">{{.Index.Totals.Critical}}</td><td class="n">{{.Index.Totals.High}}</td><td class="n">{{.Index.Totals.Medium}}</td><td class="n">{{.Index.Totals.Low}}</td><td class="n">{{.Index.Totals.Info}}</td><td class="n">{{.Index.Exposures}}</td><td>{{if .Index.Totals.Complete}}{{t .Lang "yes"}}{{else}}{{t .Lang "no"}}{{end}}</td><td></td></tr></tfoot>
</table>
</body>
</html>
`))

// indexPageData is what the page template reads.
type indexPageData struct {
	Lang   string
	Index  *Index
	Rows   []IndexEntry
	folder string
}

// Rel is key relative to the index's folder, for a link that works
// wherever the folder is served or copied.
func (d indexPageData) Rel(key string) string {
	return strings.TrimPrefix(key, d.folder+"/")
}

// writeIndexHTML writes the run's index page: one self-contained file
// that requests nothing, in lang (en or ja).
func writeIndexHTML(w io.Writer, idx *Index, folder, lang string) error {
	if indexText[lang] == nil {
		lang = "en"
	}
	return indexPage.Execute(w, indexPageData{Lang: lang, Index: idx, Rows: idx.Accounts, folder: folder})
}
