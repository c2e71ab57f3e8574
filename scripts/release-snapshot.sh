#!/usr/bin/env bash
# make release-snapshot: a goreleaser snapshot build of the CLI, then a check
# that the six binaries exist and that the linux/amd64 one reports the
# snapshot's version. GORELEASER is the command that runs goreleaser.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${GORELEASER:?set GORELEASER (the Makefile does)}"

$GORELEASER release --snapshot --clean

version=$(python3 -c 'import json; print(json.load(open("dist/metadata.json"))["version"])' 2>/dev/null \
	|| sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
[ -n "$version" ] || { echo "release-snapshot: no version in dist/metadata.json" >&2; exit 1; }

missing=0
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
	bin=cfverify
	[[ $target == windows_* ]] && bin=cfverify.exe
	found=$(find dist -path "dist/cfverify_${target}*/${bin}" -type f | head -n1)
	if [ -z "$found" ]; then
		echo "release-snapshot: no $bin for $target under dist/" >&2
		missing=1
	else
		echo "release-snapshot: $found"
	fi
done
[ "$missing" = 0 ]

out=$(dist/cfverify_linux_amd64*/cfverify version)
echo "release-snapshot: $out"
case "$out" in
	"cfverify $version "*) echo "release-snapshot: six binaries, version $version stamped" ;;
	*) echo "release-snapshot: cfverify version does not report $version" >&2; exit 1 ;;
esac
