#!/usr/bin/env bash
# Prints the path of an OpenTofu binary, building it first if it is not cached yet.
#
# OpenTofu has no release download here (no internet but the Go module proxy), but it is a Go
# module: `go mod download` fetches its source and `go build ./cmd/tofu` builds it inside that copy
# (`go install` refuses the replace directives of its go.mod). The binary is cached outside the
# repository, one directory per version, so only the first run pays for the build (minutes).
#
# Usage: scripts/opentofu.sh [VERSION]   (default: $OPENTOFU_VERSION, else the version pinned below)
set -euo pipefail

version=${1:-${OPENTOFU_VERSION:-1.12.6}}
cache=${OPENTOFU_CACHE:-$(dirname "$(go env GOCACHE)")/opentofu}
bin=$cache/$version/tofu

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/opentofu-build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "building OpenTofu $version into $bin (first run only; takes minutes)" >&2
# Outside any module, so that this repository's go.mod plays no part. On failure the JSON says why.
if ! info=$(cd "$work" && go mod download -json "github.com/opentofu/opentofu@v$version"); then
	printf '%s\n' "$info" >&2
	exit 1
fi
src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')

# The module cache is read-only; build in a writable copy.
cp -R "$src" "$work/src"
chmod -R u+w "$work/src"
# The flags of OpenTofu's own release build: without version.dev=no, the binary calls itself a
# prerelease ("1.12.6-dev").
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" \
	-o "$work/tofu" ./cmd/tofu)

# Atomic: a concurrent or interrupted run never leaves a half-written binary behind.
mkdir -p "$(dirname "$bin")"
mv "$work/tofu" "$bin.tmp.$$"
mv "$bin.tmp.$$" "$bin"
echo "$bin"
