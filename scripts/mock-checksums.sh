#!/usr/bin/env bash
# mock-checksums.sh DIST writes DIST/greenwaba-mock_VERSION_SHA256SUMS for the greenwaba-mock zips that
# GoReleaser built, and prints its path. Those zips are kept out of the provider's signed SHA256SUMS,
# which the Terraform Registry rejects when it lists anything but the provider's zips and manifest.
# Used by .github/workflows/release.yml and `make release-snapshot`.
set -euo pipefail
cd "$1"
shopt -s nullglob
zips=(greenwaba-mock_*.zip)
if [ "${#zips[@]}" -eq 0 ]; then
	echo "mock-checksums.sh: no greenwaba-mock_*.zip in $1" >&2
	exit 1
fi
# greenwaba-mock_<version>_<os>_<arch>.zip; versions contain no underscore.
version=${zips[0]#greenwaba-mock_}
version=${version%%_*}
out=greenwaba-mock_${version}_SHA256SUMS
if command -v sha256sum >/dev/null; then
	sha256sum "${zips[@]}" >"$out"
else
	shasum -a 256 "${zips[@]}" >"$out" # macOS
fi
printf '%s/%s\n' "$1" "$out"
