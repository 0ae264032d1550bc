package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// cliCall is one AWS CLI call of the stages, for the checker script.
type cliCall struct {
	Where string   `json:"where"`
	Args  []string `json:"args"`
}

// TestRunbookCallsAreRealAWSCLICalls checks every Command and Check of the
// stages of the bundled example's designed plans (with and without flow
// logs), the hand-made fixtures and widePlans, and the calls runbook.sh
// makes itself, against the AWS CLI's own models (botocore): the service,
// operation or waiter exists, every option is an input member (or a
// global option, or one the CLI adds), every required member is given,
// boolean members are flags without a value, JSON values parse and fit
// the member's shape (botocore's validator); and the error codes the
// runbook takes as "already done" are errors of their operations. When
// the AWS CLI (v1, Python) is installed too, each kind of call is also
// parsed by the CLI itself, stopped before it sends anything. One python3
// process checks them all.
func TestRunbookCallsAreRealAWSCLICalls(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the AWS CLI calls are not checked")
	}
	plans := stagedPlans(t)
	plans["odd names"] = stagedOddPlan(t)
	for name, p := range widePlans(t) {
		plans[name] = p
	}
	calls := append(cliCalls(plans), scriptCalls(t, plans["fixture"])...)
	if len(calls) < 100 {
		t.Fatalf("only %d calls collected", len(calls))
	}
	in, err := json.Marshal(map[string]any{"calls": calls, "already_done": alreadyDone})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", cliCheckScript)
	cmd.Stdin = strings.NewReader(string(in))
	// Credentials and a configuration of its own, so that nothing of the
	// machine's is read; the script stops every call before it is sent.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE", "AWS_SECRET_ACCESS_KEY=example",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if code := cmd.ProcessState.ExitCode(); code == 3 && strings.HasPrefix(text, "SKIP ") {
		t.Skip(strings.TrimSpace(strings.TrimPrefix(text, "SKIP ")) + ": the AWS CLI calls are not checked")
	}
	for _, block := range strings.Split(text, "FAIL ")[1:] {
		t.Error(strings.TrimSpace(block))
	}
	if err != nil && !t.Failed() {
		t.Fatalf("the checker failed: %v\n%s", err, text)
	}
	if !strings.Contains(text, "CHECKED ") {
		t.Fatalf("the checker did not finish:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "NOTE ") {
			t.Log(line)
		}
	}
	t.Logf("%d distinct calls checked", len(calls))
}

// widePlans are the hand-made fixture with what neither it nor the
// example has, so that every kind of call the stages make is checked: a
// secondary VPC block, a non-Aurora database (read replica), an internal
// load balancer that moves subnets, a classic load balancer in front of a
// replaced instance, and (in the second plan) a classic load balancer
// whose groups change.
func widePlans(t *testing.T) map[string]*Plan {
	t.Helper()
	inv := fixtureInventory(t)
	var reg *model.Region
	for _, r := range inv.Regions() {
		if r.Account == fxAccount && r.Name == fxRegion {
			reg = r
		}
	}
	if reg == nil {
		t.Fatal("the fixture has no region " + fxRegion)
	}
	reg.LoadBalancers = append(reg.LoadBalancers, &model.LoadBalancer{Name: "legacy-clb", Type: model.LBClassic, InstanceIDs: []string{fxWeb1}})
	wide := func() *Plan {
		p := fixturePlan()
		rp := p.Regions[0]
		rp.VPCs[0].SecondaryCIDR = "100.64.0.0/16"
		mysql := &Move{Resource: "legacy-mysql", Kind: string(model.KindDBInstance), Name: "legacy-mysql", Role: "rds-db-instance/self:legacy-mysql",
			Method: MoveRDSReplica, FromSubnets: []string{fxPublic1a}, ToSubnets: []string{"subnet-new-isolated-1a", "subnet-new-isolated-1c"},
			OldGroups: []string{fxCommonSG}, NewGroups: []string{"sg-new-oyatsu-aurora"}, SubnetGroup: "legacy-mysql-private", Reason: "the plan"}
		for _, m := range rp.Moves {
			if m.Resource == "oyatsu-web-alb" {
				m.Method, m.ToSubnets = MoveLBSubnets, []string{"subnet-new-private-1a", "subnet-new-private-1c"}
			}
		}
		rp.Moves = append(rp.Moves, mysql)
		p.Stages = BuildStages(p, inv)
		return p
	}
	out := map[string]*Plan{"wide": wide()}
	alb := reg.Resource(model.KindLoadBalancer, "oyatsu-web-alb")
	if alb == nil || alb.LoadBalancer == nil {
		t.Fatal("the fixture has no load balancer oyatsu-web-alb")
	}
	alb.LoadBalancer.Type = model.LBClassic
	out["wide, classic load balancer"] = wide()
	return out
}

// cliCalls lists the distinct AWS CLI calls of the plans' stages (steps'
// commands and rollbacks, stages' checks), placeholders replaced by their
// placeholder IDs as the values the calls would carry, in plan-name order.
func cliCalls(plans map[string]*Plan) []cliCall {
	names := make([]string, 0, len(plans))
	for name := range plans {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []cliCall
	seen := map[string]bool{}
	add := func(where string, args []string) {
		filled := make([]string, len(args))
		for i, w := range args {
			filled[i] = fillPlaceholders(w)
		}
		key := strings.Join(filled, "\x00")
		if len(args) == 0 || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, cliCall{Where: where, Args: filled})
	}
	for _, name := range names {
		for _, st := range plans[name].Stages {
			for _, s := range st.Steps {
				for _, c := range s.Commands {
					add(name+": step "+s.ID, c.Args)
				}
				for _, c := range s.Rollback {
					add(name+": rollback of step "+s.ID, c.Args)
				}
			}
			for _, c := range st.Checks {
				add(fmt.Sprintf("%s: check of stage %d", name, st.Number), c.Args)
			}
		}
	}
	return out
}

// scriptCalls are the AWS CLI calls runbook.sh makes itself (the account
// check, the lookups by tag): every "$(aws ...)" of the written script,
// its variables given sample values.
func scriptCalls(t *testing.T, p *Plan) []cliCall {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteRunbook(&buf, p); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"filter": "Name=tag:" + TagPlaceholder + ",Values=sg-new-web", "REGION": fxRegion}
	var out []cliCall
	for _, m := range regexp.MustCompile(`\$\(aws ([^)]*)\)`).FindAllStringSubmatch(buf.String(), -1) {
		if strings.Contains(m[1], `"$@"`) {
			continue
		}
		words, err := shellWords(m[1], vars)
		if err != nil {
			t.Fatalf("runbook.sh: %v: %s", err, m[0])
		}
		out = append(out, cliCall{Where: "runbook.sh", Args: words})
	}
	if len(out) < 5 {
		t.Fatalf("only %d calls found in runbook.sh", len(out))
	}
	return out
}

// shellWords splits a simple shell command line into words: blanks
// separate, '...' is literal, "..." expands $NAME and ${NAME} from vars.
func shellWords(line string, vars map[string]string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	expand := func(s string) (string, error) {
		var err error
		res := regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`).ReplaceAllStringFunc(s, func(v string) string {
			name := strings.Trim(v, "${}")
			val, ok := vars[name]
			if !ok {
				err = fmt.Errorf("no sample value for $%s", name)
			}
			return val
		})
		return res, err
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unclosed %c", c)
			}
			text := line[i+1 : i+1+j]
			if c == '"' {
				var err error
				if text, err = expand(text); err != nil {
					return nil, err
				}
			}
			cur.WriteString(text)
			inWord = true
			i += j + 1
		case c == '$' || c == '\\' || c == '`':
			return nil, fmt.Errorf("unquoted %c", c)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// fillPlaceholders replaces the shell variables of a word by the
// placeholder IDs they stand for.
func fillPlaceholders(w string) string {
	var b strings.Builder
	for _, p := range splitWord(w) {
		if p.isVar {
			id, _ := placeholderOfVar(p.text)
			b.WriteString(id)
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// cliCheckScript reads {"calls": [cliCall...], "already_done": alreadyDone}
// as JSON on stdin and prints "FAIL where: aws ARGS" and the reasons for
// each wrong call, "FAIL already-done error code ..." for each wrong code,
// "NOTE ..." for what it could not check, then "CHECKED n"; it
// exits 1 when any is wrong, 3 (after "SKIP reason") without botocore.
const cliCheckScript = `import io, json, os, sys

try:
    import botocore.session
except ImportError:
    print("SKIP botocore is not installed")
    sys.exit(3)
from botocore import xform_name
from botocore.validate import ParamValidator

# The CLI's service names that differ from botocore's.
SERVICES = {"s3api": "s3", "configservice": "config", "deploy": "codedeploy"}
# Options every command takes.
GLOBAL = {"--region", "--query", "--output", "--profile", "--endpoint-url", "--debug",
          "--no-paginate", "--color", "--no-verify-ssl", "--no-sign-request", "--ca-bundle",
          "--cli-read-timeout", "--cli-connect-timeout", "--cli-input-json",
          "--cli-input-yaml", "--no-cli-pager"}
PAGING = {"--max-items", "--starting-token", "--page-size"}
# The CLI's own high-level s3 commands and the options the runbook may use.
S3_HIGH = {"ls": {"--recursive", "--human-readable", "--summarize"},
           "cp": {"--recursive", "--exclude", "--include", "--sse"},
           "rm": {"--recursive", "--exclude", "--include"},
           "mb": set(), "rb": {"--force"},
           "sync": {"--delete", "--exclude", "--include", "--sse"}}
# Options the CLI adds to an operation (awscli/customizations): option -> value kind.
EXTRA = {
    ("ec2", "run-instances"): {"--count": "string", "--secondary-private-ip-addresses": "list",
                               "--secondary-private-ip-address-count": "integer",
                               "--associate-public-ip-address": "flag",
                               "--no-associate-public-ip-address": "flag"},
}
for op in ("authorize-security-group-ingress", "authorize-security-group-egress",
           "revoke-security-group-ingress", "revoke-security-group-egress"):
    EXTRA[("ec2", op)] = {"--protocol": "string", "--port": "string", "--cidr": "string",
                          "--source-group": "string", "--group-owner": "string"}
# Lists of one-member structures the CLI also takes as bare words
# (--instances i-1 i-2 is [{"InstanceId": "i-1"}, ...]): awscli/argprocess.py.
OLD_LIST = {("elb", "register-instances-with-load-balancer", "--instances"),
            ("elb", "deregister-instances-from-load-balancer", "--instances"),
            ("elb", "describe-instance-health", "--instances"),
            ("elb", "remove-tags", "--tags")}
# Required members the CLI fills in itself.
FILLED = {("ec2", "run-instances"): {"MinCount", "MaxCount"}}
# Options the CLI renames (awscli/customizations/argrename.py).
RENAMED = {("ec2", "create-image", "--reboot"): "--no-no-reboot"}


session = botocore.session.get_session()
loader = session.get_component("data_loader")
available = set(loader.list_available_services("service-2"))
models, waiters, pagers = {}, {}, {}


def model(service):
    if service not in models:
        models[service] = session.get_service_model(service)
    return models[service]


def waiter_model(service):
    if service not in waiters:
        try:
            w = loader.load_service_model(service, "waiters-2")["waiters"]
        except Exception:
            w = {}
        waiters[service] = {xform_name(k, "-"): v for k, v in w.items()}
    return waiters[service]


def paginated(service, opname):
    if service not in pagers:
        try:
            pagers[service] = set(loader.load_service_model(service, "paginators-1")["pagination"])
        except Exception:
            pagers[service] = set()
    return opname in pagers[service]


def split_options(words):
    """[(option, [values])] in order, or raises ValueError."""
    out = []
    for w in words:
        if w.startswith("--"):
            out.append((w, []))
        elif not out:
            raise ValueError("%r is not an option" % w)
        else:
            out[-1][1].append(w)
    return out


def scalar(shape, word, errs, opt):
    t = shape.type_name
    if t in ("integer", "long"):
        try:
            return int(word)
        except ValueError:
            errs.append("%s %r is not an integer" % (opt, word))
    elif t in ("float", "double"):
        try:
            return float(word)
        except ValueError:
            errs.append("%s %r is not a number" % (opt, word))
    elif t == "boolean":
        if word not in ("true", "false"):
            errs.append("%s %r is not true or false" % (opt, word))
        return word == "true"
    return word


def value(shape, words, errs, opt, old_list=False):
    """The Python value of an option's words, as the CLI would build it."""
    t = shape.type_name
    if len(words) == 1 and words[0][:1] in "[{":
        try:
            parsed = json.loads(words[0])
        except ValueError as e:
            errs.append("%s: not JSON (%s): %s" % (opt, e, words[0]))
            return None
        return words[0] if t == "string" else parsed
    if t == "list":
        member = shape.member
        if old_list and member.type_name == "structure" and len(member.members) == 1:
            key = list(member.members)[0]
            return [{key: w} if "=" not in w else shorthand(member, w, errs, opt) for w in words]
        if member.type_name in ("structure", "list", "map"):
            return [shorthand(member, w, errs, opt) for w in words]
        return [scalar(member, w, errs, opt) for w in words]
    if len(words) != 1:
        errs.append("%s takes one value, got %d" % (opt, len(words)))
        return None
    if t == "structure" and list(shape.members) == ["Value"] and "=" not in words[0]:
        return {"Value": scalar(shape.members["Value"], words[0], errs, opt)}
    if t in ("structure", "map"):
        return shorthand(shape, words[0], errs, opt)
    return scalar(shape, words[0], errs, opt)


def shorthand(shape, word, errs, opt):
    try:
        from awscli.shorthand import ShorthandParser, BackCompatVisitor
    except ImportError:
        return None
    try:
        parsed = ShorthandParser().parse(word)
        BackCompatVisitor().visit(parsed, shape)
        return parsed
    except Exception as e:
        errs.append("%s: bad shorthand %r: %s" % (opt, word, e))
        return None


def m_is_bool(shape):
    return shape.type_name == "boolean"


def top_level_bool(shape):
    """The CLI turns an EC2 structure of one boolean Value into --x/--no-x."""
    return (shape.type_name == "structure" and list(shape.members) == ["Value"]
            and shape.members["Value"].type_name == "boolean")


def check_operation(service, op, opts, extra=None, filled=()):
    """Errors of options opts against botocore operation model op."""
    errs = []
    shape = op.input_shape
    members = shape.members if shape is not None else {}
    table = {}
    for name, m in members.items():
        cli = "--" + xform_name(name, "-")
        if m.type_name == "boolean" or (service == "ec2" and top_level_bool(m)):
            table[cli] = (name, True)
            table["--no-" + xform_name(name, "-")] = (name, False)
        else:
            table[cli] = (name, None)
    params, given = {}, set()
    allowed = GLOBAL | (PAGING if paginated(service, op.name) else set())
    for opt, words in opts:
        opt = RENAMED.get((service, xform_name(op.name, "-"), opt), opt)
        if opt in table:
            name, flag = table[opt]
            given.add(name)
            if flag is not None:
                if words and top_level_bool(members[name]) and flag and len(words) == 1:
                    # --x VALUE is also accepted for these: JSON or shorthand
                    v = value(members[name], words, errs, opt)
                    if v is not None:
                        params[name] = v
                    continue
                if words:
                    errs.append("%s is a flag and takes no value, got %r" % (opt, words))
                params[name] = flag if m_is_bool(members[name]) else {"Value": flag}
                continue
            if not words:
                errs.append("%s needs a value" % opt)
                continue
            v = value(members[name], words, errs, opt, (service, xform_name(op.name, "-"), opt) in OLD_LIST)
            if v is not None:
                params[name] = v
        elif extra and opt in extra:
            if extra[opt] == "flag" and words:
                errs.append("%s is a flag and takes no value" % opt)
            if extra[opt] != "flag" and not words:
                errs.append("%s needs a value" % opt)
        elif opt in allowed:
            if opt in ("--no-paginate", "--debug", "--no-verify-ssl", "--no-sign-request", "--no-cli-pager"):
                if words:
                    errs.append("%s is a flag and takes no value" % opt)
            elif len(words) != 1:
                errs.append("%s takes one value, got %r" % (opt, words))
            elif opt == "--output" and words[0] not in ("json", "text", "table", "yaml", "yaml-stream"):
                errs.append("--output %r is not an output format" % words[0])
        else:
            errs.append("%s is not an option of %s %s" % (opt, service, xform_name(op.name, "-")))
    if shape is not None:
        missing = sorted(set(shape.required_members) - given - set(filled))
        if missing:
            errs.append("required member(s) missing: " + ", ".join("--" + xform_name(m, "-") for m in missing))
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            for line in report.generate_report().splitlines():
                if "Missing required parameter" not in line:
                    errs.append("botocore: " + line.strip())
    return errs


def check_model(args):
    if len(args) < 2:
        return ["too few words"]
    cli_service, cmd, rest = args[0], args[1], args[2:]
    if cli_service == "s3" and cmd in S3_HIGH:
        errs = []
        for opt, _ in split_options([w for w in rest if w.startswith("--")]):
            if opt not in S3_HIGH[cmd] | GLOBAL:
                errs.append("%s is not an option of s3 %s" % (opt, cmd))
        return errs
    service = SERVICES.get(cli_service, cli_service)
    if service not in available or cli_service == "s3":
        return ["no service %r in the AWS CLI" % cli_service]
    m = model(service)
    if cmd == "wait":
        if not rest:
            return ["wait without a waiter"]
        w = waiter_model(service).get(rest[0])
        if w is None:
            return ["no waiter %r for %s (waiters: %s)" % (rest[0], cli_service, ", ".join(sorted(waiter_model(service))))]
        op = m.operation_model(w["operation"])
        rest = rest[1:]
    else:
        names = {xform_name(n, "-"): n for n in m.operation_names}
        if cmd not in names:
            return ["no operation %r in %s" % (cmd, cli_service)]
        op = m.operation_model(names[cmd])
    try:
        opts = split_options(rest)
    except ValueError as e:
        return [str(e)]
    key = (cli_service, xform_name(op.name, "-"))
    return check_operation(service, op, opts, EXTRA.get(key), FILLED.get(key, ()))


STOPPED = "vpcdoctor-clicheck-stopped-before-the-request"


class Stopped(Exception):
    pass


def stop(**kwargs):
    raise Stopped(STOPPED)


def check_cli(driver, args):
    """Errors the AWS CLI itself reports parsing args, in a child process
    (the CLI keeps state between runs), stopped before any request."""
    if "--region" not in args:
        args = args + ["--region", "us-east-1"]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        err = io.StringIO()
        sys.stderr, sys.stdout = err, io.StringIO()
        try:
            rc = driver.main(list(args))
        except SystemExit as e:
            rc = e.code
        except BaseException as e:
            err.write("%s: %s" % (type(e).__name__, e))
            rc = 255
        text = " ".join(err.getvalue().split())
        msg = "" if rc == 0 or text == STOPPED else "aws cli (exit %s): %s" % (rc, text[-400:])
        os.write(w, msg.encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    os.waitpid(pid, 0)
    msg = b"".join(chunks).decode()
    return [msg] if msg else []


def signature(args):
    """The command, its options, and the kind of each option's value."""
    out = list(args[:3] if args[1:2] == ["wait"] else args[:2])
    for w, i in zip(args, range(len(args))):
        if w.startswith("--"):
            nxt = [v for v in args[i + 1:i + 2] if not v.startswith("--")]
            out.append(w + ":" + ("json" if nxt and nxt[0][:1] in "[{" else "word" if nxt else "flag"))
    return tuple(out)


def check_error_codes(table):
    """Errors of the codes the runbook takes as "already done": each must be
    an error the operation's model names (EC2's models name none)."""
    out = []
    for op in sorted(table):
        cli_service, cmd = op.split(" ", 1)
        service = SERVICES.get(cli_service, cli_service)
        if service not in available:
            out.append("%s: no service %r" % (op, cli_service))
            continue
        m = model(service)
        names = {xform_name(n, "-"): n for n in m.operation_names}
        if cmd not in names:
            out.append("%s: no such operation" % op)
            continue
        o = m.operation_model(names[cmd])
        codes = {e.metadata.get("error", {}).get("code", e.name) for e in o.error_shapes}
        if not codes:
            print("NOTE %s: the model names no errors, %s not checked" % (op, ", ".join(table[op])))
            continue
        for code in table[op]:
            if code not in codes:
                out.append("%s: %s is not an error of it (it has: %s)" % (op, code, ", ".join(sorted(codes))))
    return out


def main():
    data = json.load(sys.stdin)
    cmds = data["calls"]
    driver = None
    try:
        from awscli.clidriver import create_clidriver
        driver = create_clidriver()
        driver.session.register("before-call", stop)
        driver.session.register("before-send", stop)
    except ImportError:
        print("NOTE awscli is not installed: checked against the botocore models only")
    if driver is not None:
        table = driver._get_command_table()
        for name in sorted({c["args"][0] for c in cmds if c["args"]}):
            if name in table and hasattr(table[name], "_get_command_table"):
                table[name]._get_command_table()
            service = SERVICES.get(name, name)
            if service in available:  # loads what every child would load
                driver.session.create_client(service, region_name="us-east-1")
        driver._create_parser(table)
    failed, seen = 0, set()
    for c in cmds:
        args = c["args"]
        errs = check_model(args)
        # The CLI itself runs once per shape of call: the model check above
        # has checked every value already.
        sig = signature(args)
        if driver is not None and not errs and sig not in seen:
            seen.add(sig)
            errs = check_cli(driver, args)
        for e in errs:
            failed += 1
            print("FAIL %s: aws %s\n    %s" % (c["where"], " ".join(c["args"]), e))
    for e in check_error_codes(data["already_done"]):
        failed += 1
        print("FAIL already-done error code %s" % e)
    print("CHECKED %d" % len(cmds))
    sys.exit(1 if failed else 0)


main()
`
