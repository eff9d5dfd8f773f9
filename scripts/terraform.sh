#!/usr/bin/env bash
# Prints the path of a Terraform binary of a pinned version, building it first if it is not cached yet.
#
# Terraform 1.12+ (resource identity, `terraform query`, actions) is needed by some acceptance tests,
# but there is no release download here (no internet but the Go module proxy). Terraform is a Go
# module, yet its zip on the proxy lacks the nested modules its go.mod replaces with local
# directories (nine remote-state backends and internal/legacy), and the proxy refuses those
# modules. So this script copies the source, drops those backends from the backend registry and
# their require/replace lines from go.mod (the local, remote, cloud, http and inmem backends stay),
# and builds. Terraform's code is patched only in the temporary copy, never committed here.
# The binary is cached outside the repository, one directory per version, so only the first run
# pays for the build (minutes).
#
# Usage: scripts/terraform.sh [VERSION]   (default: $TERRAFORM_VERSION, else the version pinned below)
# Cache: $TERRAFORM_CACHE, else terraform/ beside Go's build cache.
set -euo pipefail

version=${1:-${TERRAFORM_VERSION:-1.14.9}}
cache=${TERRAFORM_CACHE:-$(dirname "$(go env GOCACHE)")/terraform}
bin=$cache/$version/terraform

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/terraform-build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "building Terraform $version into $bin (first run only; takes minutes)" >&2
# Outside any module, so that this repository's go.mod plays no part. On failure the JSON says why.
if ! info=$(cd "$work" && go mod download -json "github.com/hashicorp/terraform@v$version"); then
	printf '%s\n' "$info" >&2
	exit 1
fi
src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')

# The module cache is read-only; build in a writable copy.
cp -R "$src" "$work/src"
chmod -R u+w "$work/src"

# The nested modules missing from the zip. Each backend's import and its registry entry name the
# same alias (backendAzure, ...), so one pattern removes both.
missing="azure consul cos gcs kubernetes oci oss pg s3"
init=$work/src/internal/backend/init/init.go
sed -i -E '/\bbackend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\b/d' "$init"
if grep -q 'remote-state/\(azure\|consul\|cos\|gcs\|kubernetes\|oci\|oss\|pg\|s3\)"' "$init"; then
	echo "terraform.sh: $init still imports a missing backend; the patch needs updating for $version" >&2
	exit 1
fi
edits=()
for b in $missing; do
	m=github.com/hashicorp/terraform/internal/backend/remote-state/$b
	edits+=("-droprequire=$m" "-dropreplace=$m")
done
edits+=("-droprequire=github.com/hashicorp/terraform/internal/legacy" "-dropreplace=github.com/hashicorp/terraform/internal/legacy")
(cd "$work/src" && go mod edit "${edits[@]}")

# The flags of Terraform's own release build: without version.dev=no, the binary calls itself a
# prerelease ("1.14.9-dev").
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X 'github.com/hashicorp/terraform/version.dev=no'" \
	-o "$work/terraform" .)

# Atomic: a concurrent or interrupted run never leaves a half-written binary behind.
mkdir -p "$(dirname "$bin")"
mv "$work/terraform" "$bin.tmp.$$"
mv "$bin.tmp.$$" "$bin"
echo "$bin"
