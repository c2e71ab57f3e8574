#!/usr/bin/env bash
# make record-hars: re-records the HAR fixtures of internal/contractcheck
# from the mock's own traffic (traffic.mjs), on loopback only:
#   playwright-{embed,attach,omit}/  Playwright's recordHar, each content mode
#   mitmproxy/mitmproxy.har          mitmproxy's har_dump addon, as a reverse
#                                    proxy in front of the mock
# Needs Debian's chromium and mitmproxy (apt-get install -y chromium
# mitmproxy) and Node 20+; not run in CI (the fixtures are checked in).
# Only the mock's synthetic credentials and data are recorded.
set -euo pipefail
cd "$(dirname "$0")"
repo=$(git rev-parse --show-toplevel)
out="$repo/internal/contractcheck/testdata/har"
har_dump=${HAR_DUMP:-/usr/share/doc/mitmproxy/examples/contrib/har_dump.py}
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || { echo "record-hars: apt-get install -y chromium" >&2; exit 1; }
command -v mitmdump >/dev/null && [ -f "$har_dump" ] || { echo "record-hars: apt-get install -y mitmproxy (har_dump.py expected at $har_dump)" >&2; exit 1; }
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error

work=$(mktemp -d)
mock_pid="" mitm_pid=""
cleanup() {
  [ -n "$mitm_pid" ] && kill "$mitm_pid" 2>/dev/null || true
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$repo" && go build -o "$work/cfverify" ./cmd/cfverify)
"$work/cfverify" mock --addr 127.0.0.1:0 >"$work/mock.out" 2>&1 &
mock_pid=$!
root=""
for _ in $(seq 1 100); do
  root=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/mock.out" | head -n 1 || true)
  [ -n "$root" ] && break
  sleep 0.05
done
[ -n "$root" ] || { cat "$work/mock.out" >&2; exit 1; }

for content in embed attach omit; do
  rm -rf "${out:?}/playwright-$content"
  node record.mjs --root "$root" --tag "$content" --har "$out/playwright-$content/playwright-$content.har" --content "$content"
done

# mitmproxy listens on a port chosen here (it has no "any free port").
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
rm -rf "${out:?}/mitmproxy" && mkdir -p "$out/mitmproxy"
mitmdump --mode "reverse:$root" --listen-host 127.0.0.1 --listen-port "$port" -q \
  -s "$har_dump" --set hardump="$out/mitmproxy/mitmproxy.har" >"$work/mitm.out" 2>&1 &
mitm_pid=$!
for _ in $(seq 1 100); do
  node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" && break
  sleep 0.1
done
node record.mjs --root "http://127.0.0.1:$port" --tag mitmproxy
kill -INT "$mitm_pid" # har_dump writes the HAR when mitmproxy shuts down
wait "$mitm_pid" || true
mitm_pid=""
[ -s "$out/mitmproxy/mitmproxy.har" ] || { cat "$work/mitm.out" >&2; exit 1; }
echo "record-hars: fixtures written under ${out#"$repo/"}"
