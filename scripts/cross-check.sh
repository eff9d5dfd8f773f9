#!/usr/bin/env bash
# Vets every package and compiles its tests (go vet, go test -c) for the release targets of .goreleaser.yml
# (its goos x goarch, less its ignore list), so code that does not build on Windows, macOS or FreeBSD fails CI
# before a release does. Nothing runs: the tests are compiled, not executed.
#
# Each target costs a cold compile of every dependency (minutes on 2 cores), so by default one target stands for
# each other operating system (its first architecture) and one for 32-bit Go (the first 386 or arm target): the
# project has no architecture-specific file, so architectures of one operating system differ only in the size of
# int, and the host's own target is built and tested by the rest of CI. CROSS_CHECK=all checks every release
# target (13).
set -euo pipefail
cd "$(dirname "$0")/.."

# list KEY prints the items of the first YAML list named KEY in .goreleaser.yml (the provider's build).
list() {
	awk -v key="$1:" '
		$1 == key { inlist = 1; next }
		inlist && $1 == "-" { gsub(/"/, "", $2); print $2; next }
		inlist { exit }
	' .goreleaser.yml
}
# ignored prints the "goos/goarch" pairs of the first ignore list.
ignored() {
	awk '
		$1 == "ignore:" { inlist = 1; next }
		inlist && $1 == "-" && $2 == "goos:" { os = $3; next }
		inlist && $1 == "goarch:" { gsub(/"/, "", $2); print os "/" $2; next }
		inlist { exit }
	' .goreleaser.yml
}

mapfile -t oses < <(list goos)
mapfile -t arches < <(list goarch)
skip=" $(ignored | tr '\n' ' ') "
if [ "${#oses[@]}" -eq 0 ] || [ "${#arches[@]}" -eq 0 ]; then
	echo "cross-check: no goos/goarch found in .goreleaser.yml" >&2
	exit 1
fi

# pick prints the targets to check, one "goos/goarch" a line.
pick() {
	# The host's own target is built, vetted and tested by the rest of CI.
	local os arch seen=" $(go env GOOS) " narrow= host=$(go env GOOS)/$(go env GOARCH)
	for os in "${oses[@]}"; do
		for arch in "${arches[@]}"; do
			[[ $skip == *" $os/$arch "* ]] && continue
			if [ "${CROSS_CHECK:-}" = all ]; then
				echo "$os/$arch"
				continue
			fi
			if [ "$os/$arch" = "$host" ]; then
				continue
			elif [[ $seen != *" $os "* ]]; then
				seen+="$os "
				echo "$os/$arch"
			elif [ -z "$narrow" ] && { [ "$arch" = 386 ] || [ "$arch" = arm ]; }; then
				narrow=$os/$arch
				echo "$narrow"
			fi
		done
	done
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
while IFS=/ read -r os arch; do
	echo "== $os/$arch"
	GOOS=$os GOARCH=$arch CGO_ENABLED=0 go vet ./...
	GOOS=$os GOARCH=$arch CGO_ENABLED=0 go test -c -o "$out/" ./...
	rm -f "$out"/*
	n=$((n + 1))
done < <(pick)
echo "cross-check: $n targets vetted and their tests compiled"
