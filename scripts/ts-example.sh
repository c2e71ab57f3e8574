#!/usr/bin/env bash
# Builds examples/typescript (types from openapi/verification.yaml with
# openapi-typescript, calls with openapi-fetch, `tsc --strict`) and runs its
# tests through examples/ci/contract-check.sh --strict: cfverify proxy in
# front of cfverify mock, exit 6 when any exchange breaks the spec or
# drifts from it. Then proves the gate closes: a call the types allow but
# the spec forbids must make the same script exit 6. Node 20 or newer; the
# npm packages are pinned by examples/typescript/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/cfverify" ./cmd/cfverify
export CFVERIFY="$work/cfverify"

echo "== ts-example: npm ci, generate, tsc --strict ($(node --version))"
(
  cd examples/typescript
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  rm -rf dist src/generated
  npm run --silent build
)

echo "== ts-example: examples/typescript's tests through cfverify proxy --strict"
CFVERIFY_REPORT_DIR="$work/ok" examples/ci/contract-check.sh --strict -- node --test examples/typescript/dist/test/
lines=$(wc -l <"$work/ok/contract.jsonl")
[ "$lines" -ge 20 ] || { echo "ts-example: expected a report line per exchange, got $lines"; exit 1; }
for op in getDataAvailability getUserDetails getDigiLockerStatus getConsentStatus getFinancialInformation; do
  grep -q "\"operation\":\"$op\"" "$work/ok/contract.jsonl" || { echo "ts-example: no exchange of $op in the report"; exit 1; }
done

echo "== ts-example: a call the types allow but the spec forbids must fail the check (exit 6)"
set +e
CFVERIFY_REPORT_DIR="$work/bad" examples/ci/contract-check.sh --strict -- node examples/typescript/dist/src/broken-call.js
code=$?
set -e
[ "$code" -eq 6 ] || { echo "ts-example: expected exit 6 from a request that breaks the spec, got $code"; exit 1; }
echo "ts-example: ok ($lines exchanges checked in strict mode; the broken call exited 6 as it should)"
