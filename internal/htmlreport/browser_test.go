package htmlreport

// The report as a person sees it (issue 7, part 4): opened from disk in
// headless Chromium, it logs no error, loads nothing from the network,
// its filters show the rows the report counts, an expander opens from the
// keyboard, focus is visible, and printing shows everything but the
// controls. The test skips without a Chromium, unless
// VPCDOCTOR_REQUIRE_BROWSER=1 (as .ci/run sets it).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/vpcdoctor/vpcdoctor/internal/i18n"
	"github.com/vpcdoctor/vpcdoctor/internal/report"
)

// chromeNames are the programs looked for on PATH, in order.
var chromeNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findChrome returns the browser to run: $VPCDOCTOR_CHROME, else the first
// of chromeNames on PATH. Without one the test skips, or fails when
// VPCDOCTOR_REQUIRE_BROWSER=1.
func findChrome(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("VPCDOCTOR_CHROME"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("VPCDOCTOR_CHROME=%s: %v", p, err)
		}
		return p
	}
	for _, n := range chromeNames {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium found (looked for %s on PATH; set VPCDOCTOR_CHROME to the browser's path)", strings.Join(chromeNames, ", "))
	if os.Getenv("VPCDOCTOR_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", and VPCDOCTOR_REQUIRE_BROWSER=1 requires it")
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium with one tab, and what the page said.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	// problems are console errors and warnings, uncaught exceptions,
	// browser log entries of level error or warning, and requests for
	// anything but the report file itself and data: URLs.
	problems []string
	file     string // the URL of the page allowed to load
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChrome(t)),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox, // containers and CI runners have no user namespaces for the sandbox
		chromedp.WindowSize(1280, 1400),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	b := &browser{ctx: bctx}
	err := chromedp.Listen(bctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			switch ev.Type {
			case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
				var args []string
				for _, a := range ev.Args {
					v := string(a.Value)
					if s, err := strconv.Unquote(v); err == nil {
						v = s // a string argument, JSON-quoted
					}
					args = append(args, strings.TrimSpace(v+" "+a.Description))
				}
				b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			b.problems = append(b.problems, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, text))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				b.problems = append(b.problems, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; u != b.file && !strings.HasPrefix(u, "data:") {
				b.problems = append(b.problems, "request: "+u)
			}
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

// open writes page to dir and opens it.
func (b *browser) open(t *testing.T, page []byte, dir string) {
	t.Helper()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.file = "file://" + filepath.ToSlash(path)
	b.mu.Unlock()
	b.do(t, chromedp.Navigate(b.file), chromedp.WaitReady(chromedp.CSS("footer")))
}

// do runs actions, failing the test on an error.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// media emulates a CSS media type ("print"; "" for none).
func (b *browser) media(t *testing.T, m string) {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
		t.Fatal(err)
	}
}

// visibleRows counts the findings table's rows that show.
func (b *browser) visibleRows(t *testing.T) int {
	t.Helper()
	return eval[int](t, b, `Array.from(document.querySelectorAll("#findings-table tbody tr.finding")).filter(r => r.getClientRects().length > 0).length`)
}

func (b *browser) status(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, `document.getElementById("findings-status").textContent`)
}

// checkProblems fails the test with whatever the page complained about.
func (b *browser) checkProblems(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("the page: %s", p)
	}
	b.problems = nil
}

// matching counts the unsuppressed findings of rep that keep passes.
func matching(rep *report.Report, keep func(report.Finding) bool) int {
	n := 0
	for _, f := range rep.Findings {
		if !f.Suppressed && keep(f) {
			n++
		}
	}
	return n
}

func TestBrowserExample(t *testing.T) {
	b := newBrowser(t)
	in := exampleInput(t)
	rep := in.Report
	b.open(t, render(t, in), t.TempDir())

	// Before any filter: every unsuppressed finding, as the summary counts.
	if got, want := b.visibleRows(t), rep.Summary.Findings; got != want {
		t.Errorf("rows shown on opening: %d, the summary counts %d findings", got, want)
	}
	if got, want := b.status(t), findingsStatus(i18n.English, rep.Summary.Findings, len(rep.Findings)); got != want {
		t.Errorf("status on opening %q, want %q", got, want)
	}
	if !eval[bool](t, b, `document.getElementById("filters").getClientRects().length > 0`) {
		t.Error("the filters stay hidden: the script did not run")
	}

	// Unticking a severity hides exactly its findings.
	b.do(t, chromedp.Click(chromedp.CSS(`#filters input[name="severity"][value="critical"]`)))
	if got, want := b.visibleRows(t), rep.Summary.Findings-rep.Summary.Critical; got != want {
		t.Errorf("without critical: %d rows shown, want %d (the report's %d findings less its %d critical)", got, want, rep.Summary.Findings, rep.Summary.Critical)
	}
	if got, want := b.status(t), findingsStatus(i18n.English, rep.Summary.Findings-rep.Summary.Critical, len(rep.Findings)); got != want {
		t.Errorf("status without critical %q, want %q", got, want)
	}
	// Only high: untick the others (by keyboard: focus, space).
	for _, s := range []string{"medium", "low", "info"} {
		b.do(t, chromedp.Focus(chromedp.CSS(`#filters input[name="severity"][value="`+s+`"]`)), chromedp.KeyEvent(" "))
	}
	if got, want := b.visibleRows(t), rep.Summary.High; got != want {
		t.Errorf("only high ticked: %d rows shown, the summary counts %d high", got, want)
	}

	// Clearing the filters shows every finding again.
	b.do(t, chromedp.Click(chromedp.CSS(`#filters button[type="reset"]`)), chromedp.Sleep(50*time.Millisecond))
	if got, want := b.visibleRows(t), rep.Summary.Findings; got != want {
		t.Errorf("after clearing the filters: %d rows, want %d", got, want)
	}

	// The rule filter.
	const rule = "internet-exposed"
	b.do(t, chromedp.SetValue(chromedp.ID("filter-rule"), rule),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("filter-rule").dispatchEvent(new Event("change", {bubbles: true}))`))
	if got, want := b.visibleRows(t), matching(rep, func(f report.Finding) bool { return f.Rule == rule }); got != want || want == 0 {
		t.Errorf("rule %s: %d rows shown, the report has %d", rule, got, want)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#filters button[type="reset"]`)), chromedp.Sleep(50*time.Millisecond))

	// The resource filter, typed.
	const word = "aurora"
	b.do(t, chromedp.SendKeys(chromedp.ID("filter-resource"), word))
	wantWord := matching(rep, func(f report.Finding) bool {
		return slices.ContainsFunc(append(append([]string{}, f.Resources...), f.Account, f.Region), func(r string) bool { return strings.Contains(strings.ToLower(r), word) })
	})
	if got := b.visibleRows(t); got != wantWord || wantWord == 0 {
		t.Errorf("resource %q: %d rows shown, the report has %d", word, got, wantWord)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`#filters button[type="reset"]`)), chromedp.Sleep(50*time.Millisecond))

	// An expander opens from the keyboard, and shows the evidence.
	first := `#findings-table tbody tr.finding`
	b.do(t, chromedp.Focus(chromedp.CSS(first+` summary`)), chromedp.KeyEvent(kb.Enter))
	if !eval[bool](t, b, `document.querySelector("`+first+` details").open && document.querySelector("`+first+` .more").getClientRects().length > 0`) {
		t.Error("Enter on a finding's summary did not open it")
	}

	// Keyboard focus is visible: the first Tab on a fresh page reaches the
	// skip link, outlined.
	b.do(t, chromedp.Navigate(b.file), chromedp.WaitReady(chromedp.CSS("footer")), chromedp.KeyEvent(kb.Tab))
	outline := eval[string](t, b, `document.activeElement.className + " " + getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineWidth`)
	if outline != "skip solid 3px" {
		t.Errorf("the first Tab focuses %q (class, outline style and width), want the skip link with a 3px outline", outline)
	}

	// The screenshot: the top of the page.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0, 0)`))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	if *update {
		shot = filepath.Join("..", "..", "docs", "img", "report-example.png")
		if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)

	// Printed: no controls, every row and every expander's content.
	b.do(t, chromedp.Click(chromedp.CSS(`#filters input[name="severity"][value="info"]`)))
	b.media(t, "print")
	type printFacts struct {
		Controls bool `json:"controls"`
		Rows     int  `json:"rows"`
		Closed   int  `json:"closed"`
		Hidden   int  `json:"hidden"`
	}
	printed := eval[printFacts](t, b, `({
		controls: document.getElementById("filters").getClientRects().length > 0,
		rows: Array.from(document.querySelectorAll("#findings-table tbody tr.finding")).filter(r => r.getClientRects().length > 0).length,
		closed: document.querySelectorAll("details:not([open])").length,
		hidden: Array.from(document.querySelectorAll("details:not([open]) .more")).filter(m => m.getClientRects().length === 0).length,
	})`)
	if printed.Controls {
		t.Error("printed, the filters show")
	}
	if printed.Rows != len(rep.Findings) {
		t.Errorf("printed with a filter on: %d rows, want all %d", printed.Rows, len(rep.Findings))
	}
	if printed.Closed == 0 || printed.Hidden != 0 {
		t.Errorf("printed: %d of %d closed expanders hide their content", printed.Hidden, printed.Closed)
	}
	b.media(t, "")
	b.checkProblems(t)
}

// The Japanese report of the rich fixture: suppressed findings hidden
// until asked for, the diagrams inline, the plan shown, no error.
func TestBrowserRichJapanese(t *testing.T) {
	b := newBrowser(t)
	in := richInput(i18n.Japanese)
	b.open(t, render(t, in), t.TempDir())
	rep := in.Report
	if got, want := b.visibleRows(t), rep.Summary.Findings; got != want {
		t.Errorf("rows shown on opening: %d, want the %d unsuppressed", got, want)
	}
	b.do(t, chromedp.Click(chromedp.ID("filter-suppressed")))
	if got, want := b.visibleRows(t), len(rep.Findings); got != want {
		t.Errorf("with the suppressed shown: %d rows, want %d", got, want)
	}
	if got, want := b.status(t), findingsStatus(i18n.Japanese, len(rep.Findings), len(rep.Findings)); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	type pageFacts struct {
		Lang     string `json:"lang"`
		Diagrams int    `json:"diagrams"`
		Stages   int    `json:"stages"`
	}
	facts := eval[pageFacts](t, b, `({lang: document.documentElement.lang, diagrams: document.querySelectorAll("#diagrams figure svg").length,
		stages: document.querySelectorAll("#plan table.stages tbody tr").length})`)
	if facts.Lang != "ja" || facts.Diagrams != len(in.Diagrams) || facts.Stages != len(in.Plan.Stages) {
		t.Errorf("lang %q, %d diagrams, %d stages; want ja, %d, %d", facts.Lang, facts.Diagrams, facts.Stages, len(in.Diagrams), len(in.Plan.Stages))
	}
	b.checkProblems(t)
}

// The test's own check: a page that logs an error, throws, and asks the
// network for an image is caught on all three counts.
func TestBrowserCatchesProblems(t *testing.T) {
	b := newBrowser(t)
	page := []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head><body>
<img src="http://192.0.2.1/x.png" alt="">
<script>console.error("deliberate"); undefinedFunction();</script>
<footer></footer></body></html>`)
	b.open(t, page, t.TempDir())
	b.do(t, chromedp.Sleep(200*time.Millisecond))
	b.mu.Lock()
	got := strings.Join(b.problems, "\n")
	b.problems = nil
	b.mu.Unlock()
	for _, want := range []string{"console.error: deliberate", "undefinedFunction is not defined", "request: http://192.0.2.1/x.png"} {
		if !strings.Contains(got, want) {
			t.Errorf("the problems caught lack %q; got:\n%s", want, got)
		}
	}
}
