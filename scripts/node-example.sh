#!/usr/bin/env bash
# Runs examples/node's tests (Node's built-in node:test, no npm packages)
# through examples/ci/contract-check.sh, as the workflow in examples/ci does:
# cfverify proxy in front of cfverify mock. Then proves the gate closes: a
# request that breaks the spec must make the same script exit 6.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cfverify" ./cmd/cfverify
export CFVERIFY="$work/cfverify"

echo "== node-example: examples/node through the proxy ($(node --version))"
CFVERIFY_REPORT_DIR="$work/ok" examples/ci/contract-check.sh --strict -- node --test examples/node/test/
lines=$(wc -l <"$work/ok/contract.jsonl")
[ "$lines" -ge 6 ] || { echo "node-example: expected a report line per exchange, got $lines"; exit 1; }
grep -q '<testsuites' "$work/ok/contract.xml" || { echo "node-example: no JUnit report"; exit 1; }

echo "== node-example: a request without credentials or x-api-version must fail the check (exit 6)"
set +e
CFVERIFY_REPORT_DIR="$work/bad" examples/ci/contract-check.sh -- \
  node -e 'const r = await fetch(process.env.CASHFREE_BASE_URL + "/digilocker?verification_id=kyc-1"); console.log("status", r.status)' \
  --input-type=module
code=$?
set -e
[ "$code" -eq 6 ] || { echo "node-example: expected exit 6 from a request that breaks the spec, got $code"; exit 1; }
echo "node-example: ok ($lines exchanges checked; the broken request exited 6 as it should)"
