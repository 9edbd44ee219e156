#!/usr/bin/env bash
# The release command line as a person runs it (`make cli-smoke`): the `vigie` that `make
# build` links statically reads and renders a document by itself, and hands `check` over to
# `vigie-full` beside it. The same behaviour of the debug build is tested in tests/cli.rs; this
# checks the binaries that ship.
set -euo pipefail
vigie=${1:?usage: tests/cli-smoke.sh path/to/vigie}
here=$(cd "$(dirname "$0")" && pwd)
doc=$here/desktop/cr-bio.xml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fail() { echo "cli-smoke: $*" >&2; exit 1; }

# a dynamically linked binary names its loader (program header INTERP)
if readelf -l "$vigie" | grep -q INTERP; then
  fail "$vigie is dynamically linked (make build links it statically)"
fi
"$vigie" inspect "$doc" > "$out/inspect.txt" || fail "vigie inspect exited with $?"
grep -q 'CR d.examens biologiques' "$out/inspect.txt" || fail "vigie inspect: no document type in: $(head -c 400 "$out/inspect.txt")"
"$vigie" render "$doc" -o "$out/page.html" || fail "vigie render exited with $?"
grep -q '<!DOCTYPE html>' "$out/page.html" || fail "vigie render: no page written"
grep -q 'Content-Security-Policy' "$out/page.html" || fail "vigie render: the page has no CSP"
status=0
"$vigie" check "$doc" --format json > "$out/check.json" || status=$?
[ "$status" -le 1 ] || fail "vigie check (through vigie-full) exited with $status"
grep -q '"layers"' "$out/check.json" || fail "vigie check: no report from vigie-full"
echo "cli-smoke: $vigie reads, renders and hands check over to vigie-full"
