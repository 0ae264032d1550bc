#!/usr/bin/env bash
# action.sh — the steps of vpcdoctor's GitHub Action (action.yml), kept here
# so that shellcheck and the tests see them.
#
#   scripts/action.sh collect   save a snapshot into the first of INPUT_PATHS
#   scripts/action.sh report    write the SARIF report and the run summary
#   scripts/action.sh gate      print the report; fail on INPUT_FAIL_ON
#
# Inputs come from the environment: VPCDOCTOR (the binary), INPUT_PATHS,
# INPUT_CONFIG, INPUT_SARIF_FILE, INPUT_FAIL_ON, INPUT_COLLECT_REGIONS, and
# GitHub's GITHUB_STEP_SUMMARY (optional).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vpcdoctor=${VPCDOCTOR:-vpcdoctor}

# The snapshot paths, split on white space (paths with spaces are not
# supported in the action's input).
read -r -d '' -a paths <<< "${INPUT_PATHS:-}" || true
if [ ${#paths[@]} -eq 0 ]; then
  echo "::error::vpcdoctor: the 'paths' input is empty; name the snapshot folder(s) to scan" >&2
  exit 2
fi

config=()
if [ -n "${INPUT_CONFIG:-}" ]; then
  config=(--config "$INPUT_CONFIG")
fi

case "${1:-}" in
collect)
  # Regions separated by spaces or new lines (a YAML block).
  read -r -d '' -a regions <<< "${INPUT_COLLECT_REGIONS:-}" || true
  bash "$here/snapshot.sh" "${paths[0]}" "${regions[@]}"
  ;;
report)
  sarif=${INPUT_SARIF_FILE:-vpcdoctor.sarif}
  mkdir -p -- "$(dirname -- "$sarif")"
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  # Exit status 0 whatever was found; 2 or 3 (bad input, other error)
  # stops the job here with vpcdoctor's message. Suppressed findings are
  # left out: code scanning ignores SARIF suppressions and would keep their
  # alerts open.
  status=0
  "$vpcdoctor" scan "${paths[@]}" "${config[@]}" --format sarif --omit-suppressed --output "$sarif" 2> "$log" || status=$?
  # The scan's warnings (an expired suppression, ...) become annotations on
  # the run, said once here rather than by every scan of the job; the rest
  # of stderr (an error) is passed on as it is.
  sed -e '/^vpcdoctor: warning: /!d' -e 's/^vpcdoctor: warning: //' -e 's/%/%25/g' -e 's/^/::warning title=vpcdoctor::/' "$log"
  grep -v '^vpcdoctor: warning: ' "$log" >&2 || true
  if [ "$status" -ne 0 ]; then
    exit "$status"
  fi
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    "$vpcdoctor" scan "${paths[@]}" "${config[@]}" --format markdown 2> "$log" >> "$GITHUB_STEP_SUMMARY" || {
      status=$?
      cat "$log" >&2
      exit "$status"
    }
  fi
  echo "vpcdoctor: SARIF report written to $sarif"
  ;;
gate)
  status=0
  "$vpcdoctor" scan "${paths[@]}" "${config[@]}" --color always --fail-on "${INPUT_FAIL_ON:?INPUT_FAIL_ON is empty}" || status=$?
  if [ "$status" -eq 1 ]; then
    echo "::error::vpcdoctor found unsuppressed findings at ${INPUT_FAIL_ON} or above; see the report above, or code scanning"
  fi
  exit "$status"
  ;;
*)
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
