#!/usr/bin/env bash
# Proves the Go API gate can fail: a baseline that has one exported function
# more than HEAD is a commit that removed it. The gate must fail and name it,
# then pass once the removal is acknowledged.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/base"
git archive HEAD | tar -x -C "$work/base"
cat >"$work/base/webhook/apicheck_probe.go" <<'GO'
package webhook

// APICheckProbe exists only in the self-test's baseline.
func APICheckProbe() {}
GO

want="./webhook.APICheckProbe: removed"

if API_BASE_DIR="$work/base" bash tools/api/check.sh >"$work/out" 2>&1; then
	cat "$work/out"
	echo "api-selftest: FAIL: the gate passed a removed exported function" >&2
	exit 1
fi
if ! grep -qF "  $want" "$work/out"; then
	cat "$work/out"
	echo "api-selftest: FAIL: the gate failed without naming \"$want\"" >&2
	exit 1
fi
echo "api-selftest: the gate fails on a removed exported function and names it"

{ cat tools/api/incompatible.acknowledged; echo "# self-test"; echo "$want"; } >"$work/ack"
if ! API_ACK="$work/ack" API_BASE_DIR="$work/base" bash tools/api/check.sh >"$work/out" 2>&1; then
	cat "$work/out"
	echo "api-selftest: FAIL: an acknowledged removal still fails the gate" >&2
	exit 1
fi
echo "api-selftest: the same removal, acknowledged, passes"
