package plan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// WriteRunbook writes runbook.sh: the plan's stages as a bash script of
// AWS CLI calls, one stage per run (`./runbook.sh STAGE`; no argument
// lists the stages). Before a stage it asks for confirmation (unless
// --yes); --dry-run prints the calls that change the account and makes
// only read-only ones (the account check and the lookups by tag). Each
// block of steps runs in its account's region, and is skipped, saying so,
// when the credentials are for another account. A placeholder ID becomes
// a shell variable holding the real ID, looked up by the TagPlaceholder
// tag; a command that creates an object runs only when the lookup finds
// none. Manual steps are printed after the step's commands and waited on;
// the stage's checks are printed (and their calls run) at its end.
func WriteRunbook(w io.Writer, p *Plan) error {
	return writeScript(w, p, false)
}

// WriteRollback writes rollback.sh: the same script undoing a stage
// (`./rollback.sh STAGE`): the stage's steps last-first, each step's
// Rollback commands. Stages are undone in reverse order, the last one run
// first. A placeholder that cannot be found means there is nothing to undo:
// the command is skipped.
func WriteRollback(w io.Writer, p *Plan) error {
	return writeScript(w, p, true)
}

// writeScript writes the runbook or the rollback.
func writeScript(w io.Writer, p *Plan, rollback bool) error {
	if p == nil || len(p.Stages) == 0 {
		return errors.New("write runbook: the plan has no stages")
	}
	for _, st := range p.Stages {
		for _, s := range st.Steps {
			if s.Region == "" {
				return fmt.Errorf("write runbook: step %s (%s) has no region", s.ID, s.Title)
			}
		}
	}
	bw := bufio.NewWriter(w)
	sw := &scriptWriter{w: bw, rollback: rollback}
	sw.header(p)
	sw.library()
	sw.listing(p)
	for _, st := range p.Stages {
		sw.stage(st)
	}
	sw.main(p)
	return bw.Flush()
}

// scriptWriter writes one script.
type scriptWriter struct {
	w        *bufio.Writer
	rollback bool
}

func (sw *scriptWriter) printf(format string, args ...any) {
	fmt.Fprintf(sw.w, format, args...)
}

// name is the script's file name.
func (sw *scriptWriter) name() string {
	if sw.rollback {
		return "rollback.sh"
	}
	return "runbook.sh"
}

// header is the shebang and what the script is.
func (sw *scriptWriter) header(p *Plan) {
	sw.printf("#!/usr/bin/env bash\n")
	if sw.rollback {
		sw.printf("# rollback.sh — undoes the stages of runbook.sh, written by `vpcdoctor plan` with plan.json.\n")
		sw.printf("#\n# IT CHANGES YOUR AWS ACCOUNT. It undoes one stage per run, that stage's steps last-first;\n")
		sw.printf("# undo stages in reverse order (the last one run first):\n#\n")
		sw.printf("#   ./rollback.sh                    list the stages\n")
		sw.printf("#   ./rollback.sh STAGE              undo one stage (asks before it starts)\n")
		sw.printf("#   ./rollback.sh STAGE --from STEP  undo from STEP (the step that failed) back to the stage's first step\n")
	} else {
		sw.printf("# runbook.sh — the staged network migration written by `vpcdoctor plan`, with plan.json.\n")
		sw.printf("#\n# IT CHANGES YOUR AWS ACCOUNT. Read the stage in plan.json first, run one stage at a time,\n")
		sw.printf("# and do the checks it prints before going on to the next:\n#\n")
		sw.printf("#   ./runbook.sh                    list the stages\n")
		sw.printf("#   ./runbook.sh STAGE              run one stage (asks before it starts)\n")
		sw.printf("#   ./runbook.sh STAGE --from STEP  start at a step of the stage (e.g. after fixing a failure)\n")
	}
	sw.printf("#   --dry-run                        print the calls that would change the account; run only\n")
	sw.printf("#                                    read-only ones (the account check, the lookups by tag)\n")
	sw.printf("#   --yes                            do not ask before the stage (manual steps still wait)\n#\n")
	sw.printf("# Every object the runbook creates is tagged %s=<placeholder ID> (e.g. sg-new-web)\n", TagPlaceholder)
	sw.printf("# and looked up by that tag before anything uses it or creates it, so a step that already ran\n")
	sw.printf("# finds its objects instead of making them twice. Undo with rollback.sh, stage by stage.\n#\n")
	sw.printf("# Accounts and regions:")
	for _, rp := range p.Regions {
		sw.printf(" %s/%s", rp.Account, rp.Region)
	}
	sw.printf("\n#\n# Literal text is single-quoted on purpose (descriptions, manual steps, queries).\n")
	sw.printf("# shellcheck disable=SC2016\n")
	sw.printf("set -euo pipefail\nexport AWS_PAGER=\"\"\n\n")
	mode := "runbook"
	if sw.rollback {
		mode = "rollback"
	}
	sw.printf("SCRIPT=%s\nMODE=%s\nTAG_KEY=%s\n", sw.name(), mode, shellText(TagPlaceholder))
}

// listing writes the function that lists the stages.
func (sw *scriptWriter) listing(p *Plan) {
	sw.printf("\n# list_stages: what each stage does, with its risk.\nlist_stages() {\n")
	for _, st := range p.Stages {
		sw.printf("  say %s\n", shellText(fmt.Sprintf("%d  %s (%s, risk %s)", st.Number, st.Name, st.Kind, st.Risk)))
		for _, s := range st.Steps {
			sw.printf("  say %s\n", shellText(fmt.Sprintf("     %s %s [%s %s]", s.ID, s.Title, s.Account, s.Region)))
		}
	}
	sw.printf("}\n")
}

// stage writes one stage's function.
func (sw *scriptWriter) stage(st *Stage) {
	sw.printf("\n# Stage %d: %s (%s, risk %s).\nstage_%d() {\n", st.Number, st.Name, st.Kind, st.Risk, st.Number)
	sw.printf("  begin_stage %d %s %s %s %s\n", st.Number, shellText(st.Name), shellText(st.Kind), shellText(st.Risk), shellText(st.RiskNote))
	steps := st.Steps
	if sw.rollback {
		steps = make([]*Step, len(st.Steps))
		for i, s := range st.Steps {
			steps[len(st.Steps)-1-i] = s
		}
	}
	for i := 0; i < len(steps); {
		j := i
		for j < len(steps) && steps[j].Account == steps[i].Account && steps[j].Region == steps[i].Region {
			j++
		}
		sw.block(steps[i:j])
		i = j
	}
	sw.printf("  end_stage %d\n", st.Number)
	if !sw.rollback {
		for _, c := range st.Checks {
			sw.printf("  check %s %s", shellText(c.What), shellText(c.Expect))
			for _, a := range c.Args {
				sw.printf(" %s", shellArg(a))
			}
			sw.printf("\n")
		}
	}
	sw.printf("}\n")
}

// block writes the steps of one account and region.
func (sw *scriptWriter) block(steps []*Step) {
	var vars []string
	seen := map[string]bool{}
	for _, s := range steps {
		for _, c := range sw.commandsOf(s) {
			ids := placeholdersIn(c.Args)
			if c.Sets != "" {
				if id, ok := placeholderOfVar(c.Sets); ok {
					ids = append(ids, id)
				}
			}
			for _, id := range ids {
				if v := varName(id); !seen[v] {
					seen[v] = true
					vars = append(vars, v)
				}
			}
		}
	}
	sw.printf("  begin_region %s %s", shellText(steps[0].Account), shellText(steps[0].Region))
	for _, v := range vars {
		sw.printf(" %s", v)
	}
	sw.printf("\n")
	for _, s := range steps {
		sw.step(s)
	}
}

// commandsOf is what the script runs for a step.
func (sw *scriptWriter) commandsOf(s *Step) []Command {
	if sw.rollback {
		return s.Rollback
	}
	return s.Commands
}

// step writes one step.
func (sw *scriptWriter) step(s *Step) {
	sw.printf("  if step %s %s; then\n", shellText(s.ID), shellText(s.Title))
	cmds := sw.commandsOf(s)
	for _, c := range cmds {
		sw.command(c)
	}
	switch {
	case sw.rollback && s.Manual != "":
		sw.printf("    manual %s\n", shellText("In the runbook this step had work done by hand; undo it by hand if it was done:\n"+s.Manual))
	case sw.rollback && len(cmds) == 0:
		sw.printf("    say '  nothing to undo'\n")
	case s.Manual != "":
		sw.printf("    manual %s\n", shellText(s.Manual))
	}
	sw.printf("  fi\n")
}

// command writes one AWS CLI call: the lookups of the placeholders it
// uses, then the call (a create when it sets a placeholder's variable).
func (sw *scriptWriter) command(c Command) {
	var needs []string
	for _, id := range placeholdersIn(c.Args) {
		if v := varName(id); v != c.Sets {
			needs = append(needs, v)
		}
	}
	verb := "call"
	if _, ok := placeholderOfVar(c.Sets); ok {
		verb = "create " + c.Sets
	}
	var call strings.Builder
	call.WriteString(verb)
	for _, code := range alreadyDone[operation(c.Args)] {
		call.WriteString(" " + shellText(code))
	}
	call.WriteString(" --")
	for _, a := range c.Args {
		call.WriteString(" ")
		call.WriteString(shellArg(a))
	}
	if len(needs) == 0 {
		sw.printf("    %s\n", call.String())
		return
	}
	sw.printf("    if need %s; then\n      %s\n    fi\n", strings.Join(needs, " "), call.String())
}

// main writes the argument parsing and the dispatch.
func (sw *scriptWriter) main(p *Plan) {
	sw.printf("\n# main\nwhile [ $# -gt 0 ]; do\n")
	sw.printf("  case $1 in\n")
	sw.printf("    --dry-run) DRY_RUN=1 ;;\n")
	sw.printf("    --yes | -y) YES=1 ;;\n")
	sw.printf("    --from)\n      [ $# -ge 2 ] || { warn \"--from needs a step ID (e.g. 2.3)\"; exit 2; }\n      FROM=$2\n      shift\n      ;;\n")
	sw.printf("    -h | --help) usage; exit 0 ;;\n")
	sw.printf("    -*) warn \"unknown option: $1\"; usage >&2; exit 2 ;;\n")
	sw.printf("    *)\n      [ -z \"$STAGE\" ] || { warn \"one stage at a time\"; exit 2; }\n      STAGE=$1\n      ;;\n")
	sw.printf("  esac\n  shift\ndone\n")
	sw.printf("if [ -z \"$STAGE\" ]; then\n  list_stages\n  exit 0\nfi\n")
	sw.printf("case $STAGE in\n")
	for _, st := range p.Stages {
		sw.printf("  %d) stage_%d ;;\n", st.Number, st.Number)
	}
	sw.printf("  *) warn \"no stage $STAGE: run ./$SCRIPT without arguments to list them\"; exit 2 ;;\n")
	sw.printf("esac\n")
	sw.printf("if [ -n \"$FROM\" ] && [ \"$STARTED\" = 0 ]; then\n  warn \"no step $FROM in stage $STAGE: nothing done\"\n  exit 2\nfi\n")
}

// shellText single-quotes literal text.
func shellText(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellArg quotes one word of Command.Args: literal text single-quoted
// (left bare when it holds only characters the shell does not
// interpret), placeholder variables double-quoted.
func shellArg(w string) string {
	var b strings.Builder
	for _, p := range splitWord(w) {
		switch {
		case p.isVar:
			b.WriteString(`"${` + p.text + `}"`)
		case p.text != "" && isBareWord(p.text):
			b.WriteString(p.text)
		default:
			b.WriteString(shellText(p.text))
		}
	}
	return b.String()
}

// isBareWord reports whether a word needs no quoting: letters, digits and
// _ . / : = , @ + % - only (no word splitting, globbing, expansion or
// tilde at its start).
func isBareWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("_./:=,@+%-", c) >= 0:
		default:
			return false
		}
	}
	return true
}
