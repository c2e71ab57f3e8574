#!/usr/bin/env bash
# Runs the live contract test (TestLive), unchanged, against a standalone
# `cfverify mock` process: the path a team runs against the vendor's sandbox
# is exercised on every CI run, over a real socket, with no credentials.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill "${mock_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/cfverify" ./cmd/cfverify
"$work/cfverify" mock --addr 127.0.0.1:0 >"$work/mock.out" 2>&1 &
mock_pid=$!

base=""
for _ in $(seq 1 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*/verification' "$work/mock.out" | head -n 1 || true)
  [ -n "$base" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.out"; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "live-against-mock: the mock did not start"; cat "$work/mock.out"; exit 1; }
echo "live-against-mock: cfverify mock at $base"

CASHFREE_BASE_URL="$base" \
CASHFREE_CLIENT_ID=cf_test_client \
CASHFREE_CLIENT_SECRET=cf_test_secret \
CASHFREE_ACCESS_TOKEN=ci-live-token \
CFVERIFY_LIVE_MOBILE=9000000002 \
CFVERIFY_LIVE_DIGILOCKER_ID=ci-live-digilocker \
CFVERIFY_LIVE_CONSENT_ID=ci-live-consent \
CFVERIFY_LIVE_FI_ID=ci-live-fi \
CFVERIFY_STRICT_DRIFT=1 \
  go test -count=1 -run '^TestLive$' -v ./contract_test
