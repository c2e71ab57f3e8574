#!/usr/bin/env bash
# The Go API gate (make api-check): the exported API of every public package
# against a baseline, with golang.org/x/exp/cmd/apidiff. An incompatible
# change fails unless tools/api/incompatible.acknowledged lists it.
#
# Baseline, first that applies:
#   API_BASE_DIR  a directory holding the baseline tree (the self-test uses it)
#   API_BASE      any git ref
#   the newest v* tag reachable from HEAD
#   the commit named in tools/api/baseline-ref (until a version is tagged)
set -euo pipefail
cd "$(dirname "$0")/../.."

GO=${GO:-go}
APIDIFF=${APIDIFF:-golang.org/x/exp/cmd/apidiff@v0.0.0-20261113113407-e3970619a1a4}
MODULE=$($GO list -m)
ACK=${API_ACK:-tools/api/incompatible.acknowledged}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${API_BASE_DIR:-}" ]; then
	base_dir=$API_BASE_DIR
	base_name="directory $API_BASE_DIR"
else
	ref=${API_BASE:-}
	if [ -z "$ref" ]; then
		ref=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)
	fi
	if [ -z "$ref" ]; then
		ref=$(grep -v '^#' tools/api/baseline-ref | grep -m1 .)
	fi
	if ! git rev-parse --verify --quiet "$ref^{commit}" >/dev/null; then
		echo "api-check: the baseline $ref is not a commit in this clone (a shallow clone? fetch it, or set API_BASE)" >&2
		exit 2
	fi
	base_dir=$work/base
	mkdir -p "$base_dir"
	git archive "$ref" | tar -x -C "$base_dir"
	base_name="$ref ($(git rev-parse --short "$ref^{commit}"))"
fi

# Export data of every package of the module, internal ones dropped by
# apidiff itself; main packages are programs, not API, and are dropped below.
# apidiff notes every internal package it skips on stderr: show its stderr
# only when it fails (a tree that does not compile fails here).
export_data() {
	if ! (cd "$1" && $GO run "$APIDIFF" -m -w "$2" "$MODULE") 2>"$work/stderr"; then
		grep -v '^Ignoring internal package' "$work/stderr" >&2
		echo "api-check: could not read the API of $3" >&2
		exit 2
	fi
}
export_data "$base_dir" "$work/old.data" "the baseline, $base_name"
export_data . "$work/new.data" "the working tree"
$GO run "$APIDIFF" -m -incompatible "$work/old.data" "$work/new.data" >"$work/report" 2>"$work/stderr" || {
	cat "$work/stderr" >&2
	exit 2
}

programs=$( (cd "$base_dir" && $GO list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./...; $GO list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./...) | sort -u)

# apidiff prints one "- ./<package>.<name>: <change>" line per change. Keep
# them as printed, less the "- ", and drop the programs' (main packages').
changes=$(sed -n 's/^- //p' "$work/report" | while IFS= read -r line; do
	keep=1
	while IFS= read -r prog; do
		[ -n "$prog" ] || continue
		case "$line" in "./${prog#"$MODULE"/}."*) keep=0 ;; esac
	done <<<"$programs"
	[ $keep = 1 ] && printf '%s\n' "$line"
done || true)

acknowledged=$(grep -v '^[[:space:]]*#' "$ACK" | grep -v '^[[:space:]]*$' || true)
unacknowledged=$(grep -vxF -f <(printf '%s\n' "$acknowledged") <<<"$changes" | grep . || true)
stale=$(grep -vxF -f <(printf '%s\n' "$changes") <<<"$acknowledged" | grep . || true)

count=$(grep -c . <<<"$changes" || true)
echo "api-check: $count incompatible change(s) against $base_name"
if [ -n "$stale" ]; then
	echo "api-check: acknowledged but no longer found (remove them from $ACK):"
	sed 's/^/  /' <<<"$stale"
fi
if [ -n "$unacknowledged" ]; then
	echo "api-check: incompatible changes to the Go API that $ACK does not acknowledge:" >&2
	sed 's/^/  /' <<<"$unacknowledged" >&2
	echo "api-check: keep the old name (deprecate it), or add each line to $ACK under a comment giving the reason and the migration" >&2
	exit 1
fi
echo "api-check: ok"
