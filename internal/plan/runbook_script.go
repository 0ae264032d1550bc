package plan

// library writes the shell functions both scripts share.
func (sw *scriptWriter) library() {
	sw.printf("%s", scriptLibrary)
}

// scriptLibrary is the runbook's and the rollback's shell functions.
// Lookups by tag (lookup) are the only calls a dry run makes besides the
// account check. Every call gets --region of its block.
const scriptLibrary = `
DRY_RUN=0
YES=0
FROM=""
STAGE=""
STARTED=0
STEP=""
ACCOUNT=""
REGION=""
SKIP_BLOCK=0
SKIPPED_BLOCKS=0
CALLER_ACCOUNT=""
ERR_FILE=$(mktemp)
trap 'rm -f "$ERR_FILE"' EXIT

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

usage() { sed -n '2,/^# Accounts/p' "$0" | sed 's/^# \{0,1\}//'; }

# quote WORD: WORD as the shell would read it back.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=,@+%-]+$ ]]; then
    printf '%s' "$1"
  else
    local q="'\\''"
    printf "'%s'" "${1//\'/$q}"
  fi
}

# show ARG...: print an AWS CLI call as it runs (or would run).
show() {
  local line="+ aws" a
  for a in "$@" --region "$REGION"; do
    line+=" $(quote "$a")"
  done
  say "$line"
}

# ask_caller_account: set CALLER_ACCOUNT to the account of the
# credentials, asked once.
ask_caller_account() {
  if [ -z "$CALLER_ACCOUNT" ]; then
    CALLER_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
  fi
}

# begin_stage N NAME KIND RISK NOTE: say what the stage does and ask.
begin_stage() {
  local verb=Run
  [ "$MODE" = rollback ] && verb=Undo
  say "=== $verb stage $1: $2 ($3, risk $4)"
  printf '%s\n' "$5" | fold -s -w 100 | sed 's/^/    /'
  if [ "$DRY_RUN" = 1 ]; then
    say "    (dry run: nothing is changed)"
    return 0
  fi
  [ "$YES" = 1 ] && return 0
  local answer=""
  read -r -p "$verb stage $1? It changes the AWS account. Type yes: " answer || true
  if [ "$answer" != yes ]; then
    warn "not confirmed: nothing done"
    exit 1
  fi
}

# end_stage N: say what was left out.
end_stage() {
  if [ "$SKIPPED_BLOCKS" -gt 0 ]; then
    warn "stage $1: $SKIPPED_BLOCKS block(s) of other accounts skipped: run ./$SCRIPT $1 again with their credentials"
  fi
  say ""
  say "=== stage $1 done"
}

# begin_region ACCOUNT REGION VAR...: the next steps run in ACCOUNT's
# REGION; the variables of their placeholders are looked up afresh.
begin_region() {
  ACCOUNT=$1
  REGION=$2
  shift 2
  local v
  for v in "$@"; do
    unset "$v"
  done
  SKIP_BLOCK=0
  say ""
  if [[ ! $ACCOUNT =~ ^[0-9]{12}$ ]]; then
    say "== account $ACCOUNT, region $REGION (make sure the credentials are for this account)"
    return 0
  fi
  ask_caller_account
  if [ "$CALLER_ACCOUNT" != "$ACCOUNT" ]; then
    SKIP_BLOCK=1
    SKIPPED_BLOCKS=$((SKIPPED_BLOCKS + 1))
    say "== account $ACCOUNT, region $REGION: SKIPPED, the credentials are for account $CALLER_ACCOUNT"
    return 0
  fi
  say "== account $ACCOUNT, region $REGION"
}

# step ID TITLE: start a step; false when it is skipped (another account,
# or before --from).
step() {
  [ "$SKIP_BLOCK" = 1 ] && return 1
  if [ -n "$FROM" ] && [ "$STARTED" = 0 ]; then
    [ "$1" = "$FROM" ] || return 1
  fi
  STARTED=1
  STEP=$1
  say ""
  say "-- step $1: $2 ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
}

# placeholder_of VAR: the placeholder ID a variable stands for.
placeholder_of() {
  local v=${1,,}
  printf '%s' "${v//_/-}"
}

# lookup ID: the real ID of the object tagged with placeholder ID, or
# nothing.
lookup() {
  local id=$1 out
  local filter="Name=tag:$TAG_KEY,Values=$id"
  case $id in
    subnet-*) out=$(aws ec2 describe-subnets --filters "$filter" --query 'Subnets[0].SubnetId' --output text --region "$REGION") ;;
    rtb-*) out=$(aws ec2 describe-route-tables --filters "$filter" --query 'RouteTables[0].RouteTableId' --output text --region "$REGION") ;;
    nat-*) out=$(aws ec2 describe-nat-gateways --filter "$filter" Name=state,Values=pending,available --query 'NatGateways[0].NatGatewayId' --output text --region "$REGION") ;;
    eipalloc-*) out=$(aws ec2 describe-addresses --filters "$filter" --query 'Addresses[0].AllocationId' --output text --region "$REGION") ;;
    vpce-*) out=$(aws ec2 describe-vpc-endpoints --filters "$filter" Name=vpc-endpoint-state,Values=pendingAcceptance,pending,available --query 'VpcEndpoints[0].VpcEndpointId' --output text --region "$REGION") ;;
    sg-*) out=$(aws ec2 describe-security-groups --filters "$filter" --query 'SecurityGroups[0].GroupId' --output text --region "$REGION") ;;
    fl-*) out=$(aws ec2 describe-flow-logs --filter "$filter" --query 'FlowLogs[0].FlowLogId' --output text --region "$REGION") ;;
    i-*) out=$(aws ec2 describe-instances --filters "$filter" Name=instance-state-name,Values=pending,running,stopping,stopped --query 'Reservations[0].Instances[0].InstanceId' --output text --region "$REGION") ;;
    ami-*) out=$(aws ec2 describe-images --owners self --filters "$filter" --query 'Images[0].ImageId' --output text --region "$REGION") ;;
    *)
      warn "no lookup for $id"
      exit 1
      ;;
  esac
  [ "$out" = None ] && out=""
  printf '%s' "$out"
}

# need VAR...: look up each placeholder variable not set yet. A missing
# object stops the runbook (the stage that creates it has not run); in the
# rollback it means there is nothing to undo (need fails); in a dry run the
# placeholder ID stands in.
need() {
  local v id out
  for v in "$@"; do
    [ -n "${!v:-}" ] && continue
    id=$(placeholder_of "$v")
    out=$(lookup "$id")
    if [ -z "$out" ]; then
      if [ "$DRY_RUN" = 1 ]; then
        out=$id
      elif [ "$MODE" = rollback ]; then
        say "  $id not found: nothing to undo"
        return 1
      else
        warn "$id not found (no resource tagged $TAG_KEY=$id): run the stage that creates it first"
        exit 1
      fi
    fi
    printf -v "$v" '%s' "$out"
  done
}

# failed ARG...: report a failed call and stop.
failed() {
  cat "$ERR_FILE" >&2
  warn "step $STEP failed: aws $*"
  if [ "$MODE" = rollback ]; then
    warn "fix the cause, then run ./$SCRIPT $STAGE --from $STEP to go on undoing"
  else
    warn "fix the cause, then run ./$SCRIPT $STAGE --from $STEP, or undo with ./rollback.sh $STAGE --from $STEP"
  fi
  exit 1
}

# call [CODE...] -- ARG...: run an AWS CLI call. An error whose code is one
# of CODEs means it had already been done.
call() {
  local codes=()
  while [ "$1" != -- ]; do
    codes+=("$1")
    shift
  done
  shift
  show "$@"
  [ "$DRY_RUN" = 1 ] && return 0
  if aws "$@" --region "$REGION" 2> "$ERR_FILE"; then
    return 0
  fi
  local c
  for c in ${codes[@]+"${codes[@]}"}; do
    if grep -qF "($c)" "$ERR_FILE"; then
      say "  already done ($c)"
      return 0
    fi
  done
  failed "$@"
}

# create VAR [CODE...] -- ARG...: run a call that creates the object VAR
# stands for, unless the lookup by tag finds it; VAR receives its ID.
create() {
  local var=$1
  shift
  while [ "$1" != -- ]; do
    shift
  done
  shift
  local id out
  id=$(placeholder_of "$var")
  if [ -z "${!var:-}" ]; then
    out=$(lookup "$id")
    printf -v "$var" '%s' "$out"
  fi
  if [ -n "${!var}" ]; then
    say "  $id exists: ${!var}"
    return 0
  fi
  show "$@"
  if [ "$DRY_RUN" = 1 ]; then
    printf -v "$var" '%s' "$id"
    return 0
  fi
  if ! out=$(aws "$@" --region "$REGION" 2> "$ERR_FILE"); then
    failed "$@"
  fi
  out=${out%%[[:space:]]*}
  if [ -z "$out" ] || [ "$out" = None ]; then
    echo "no ID came back for $id" > "$ERR_FILE"
    failed "$@"
  fi
  printf -v "$var" '%s' "$out"
  say "  $id = $out"
}

# manual TEXT: work the AWS CLI cannot do; waits until it is done.
manual() {
  say ""
  say "   BY HAND (step $STEP):"
  printf '%s\n' "$1" | sed 's/^/   | /'
  [ "$DRY_RUN" = 1 ] && return 0
  local answer
  if ! read -r -p "   Done? Press Enter to go on, Ctrl-C to stop: " answer; then
    warn "no answer: stopped at step $STEP; go on with ./$SCRIPT $STAGE --from STEP"
    exit 1
  fi
}

# check WHAT EXPECT [ARG...]: a check before the next stage, with the call
# that shows it.
check() {
  local what=$1 expect=$2
  shift 2
  say ""
  say "CHECK: $what"
  printf '%s\n' "$expect" | sed 's/^/  expect: /'
  [ $# -eq 0 ] && return 0
  local line="  \$ aws" a
  for a in "$@"; do
    line+=" $(quote "$a")"
  done
  say "$line"
  [ "$DRY_RUN" = 1 ] && return 0
  aws "$@" || warn "  (the check's call failed)"
}
`
