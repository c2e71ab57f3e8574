#!/usr/bin/env bash
# contract-check.sh: run a test command against `cfverify mock` behind
# `cfverify proxy`, and fail when the tests fail or when any exchange broke
# the spec (the proxy's exit 6).
#
#   contract-check.sh [--strict] -- npm test
#
# The command sees CASHFREE_BASE_URL (the proxy, e.g.
# http://127.0.0.1:PORT/verification), CASHFREE_CLIENT_ID and
# CASHFREE_CLIENT_SECRET (the mock's). The reports go to $CFVERIFY_REPORT_DIR
# (default ./contract-report): contract.jsonl, one JSON line per exchange, and
# contract.xml, JUnit. $CFVERIFY is the cfverify binary (default: on PATH).
#
# Exit: the test command's status if it failed; else 6 if an exchange broke
# the spec; else 0.
set -euo pipefail

cfverify=${CFVERIFY:-cfverify}
reports=${CFVERIFY_REPORT_DIR:-contract-report}
proxy_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --strict) proxy_flags+=(--strict); shift ;;
    --) shift; break ;;
    *) echo "contract-check: unknown option $1 (usage: contract-check.sh [--strict] -- COMMAND...)" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "contract-check: give the test command after --" >&2; exit 2; }

mkdir -p "$reports"
work=$(mktemp -d)
mock_pid="" proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for_url FILE PID PATTERN: the first URL a process prints.
wait_for_url() {
  local url=""
  for _ in $(seq 1 200); do
    url=$(grep -o "$3" "$1" | head -n 1 || true)
    [ -n "$url" ] && { echo "$url"; return 0; }
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "contract-check: did not start:" >&2
  cat "$1" >&2
  return 1
}

"$cfverify" mock --addr 127.0.0.1:0 >"$work/mock.out" 2>&1 &
mock_pid=$!
mock_root=$(wait_for_url "$work/mock.out" "$mock_pid" 'http://127\.0\.0\.1:[0-9]*')

"$cfverify" proxy --addr 127.0.0.1:0 --upstream "$mock_root" "${proxy_flags[@]}" \
  --report "$reports/contract.jsonl" --junit "$reports/contract.xml" >"$work/proxy.out" &
proxy_pid=$!
proxy_root=$(wait_for_url "$work/proxy.out" "$proxy_pid" 'http://127\.0\.0\.1:[0-9]*')
echo "contract-check: cfverify proxy at $proxy_root in front of cfverify mock at $mock_root"

set +e
CASHFREE_BASE_URL="$proxy_root/verification" \
CASHFREE_CLIENT_ID=cf_test_client \
CASHFREE_CLIENT_SECRET=cf_test_secret \
  "$@"
tests=$?
kill -TERM "$proxy_pid"
wait "$proxy_pid"
proxy=$?
proxy_pid=""
set -e

if [ "$tests" -ne 0 ]; then
  echo "contract-check: the tests failed (exit $tests)" >&2
  exit "$tests"
fi
if [ "$proxy" -eq 6 ]; then
  echo "contract-check: an exchange broke the spec: see the lines above and $reports/contract.jsonl" >&2
  exit 6
fi
exit "$proxy"
