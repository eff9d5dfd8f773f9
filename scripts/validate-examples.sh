#!/usr/bin/env bash
# Checks every example under examples/: `terraform fmt -check`, then `terraform validate` against
# the provider built from this checkout (dev_overrides: no `terraform init`, no network).
#
# The documentation examples (examples/{provider,resources,data-sources,ephemeral-resources}) are
# shown one file at a time in docs/, so each .tf file is validated on its own, in an empty folder. Any other directory
# (examples/demo, examples/demo/queue-check, examples/testing) is a root module and is validated as a whole.
# examples/opentofu holds OpenTofu-only configuration (Terraform rejects for_each in a provider block):
# its files are validated one at a time with tofu, built by scripts/opentofu.sh on first use. examples/actions,
# examples/list-resources and import-by-identity.tf need Terraform 1.12-1.14 and are validated with the
# Terraform scripts/terraform.sh builds.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/dev-overrides.sh
source scripts/dev-overrides.sh

export CHECKPOINT_DISABLE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

use_local_provider "$work"

failed=0
echo "terraform fmt -check -recursive examples/"
if ! terraform fmt -check -recursive -diff examples/; then
	echo "FAILED  terraform fmt: run 'make fmt'"
	failed=1
fi

# A snippet (no provider block) relies on the reader's root module to declare the provider's source, so the check
# adds it. A file with a provider block is a whole configuration and must declare it itself: copied alone into an
# empty folder, it validates as it is (without, OpenTofu and Terraform look for hashicorp/greenwaba).
required_providers='terraform {
  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}'

n=0
# validate_module CLI LABEL FILE... copies the FILEs into a scratch module and runs `CLI validate` there.
validate_module() {
	local cli=$1 label=$2
	shift 2
	local dir=$work/modules/$n
	n=$((n + 1))
	mkdir -p "$dir"
	cp "$@" "$dir/"
	if ! grep -qs -e 'required_providers' -e '^provider "greenwaba"' "$dir"/*.tf </dev/null; then
		printf '%s\n' "$required_providers" >"$dir/zz_required_providers.tf"
	fi
	# -query (Terraform 1.14) also validates .tfquery.hcl files.
	local flags=()
	if compgen -G "$dir/*.tfquery.hcl" >/dev/null; then
		flags=(-query)
	fi
	if out=$("$cli" -chdir="$dir" validate -no-color "${flags[@]}" 2>&1 </dev/null); then
		echo "ok      $label"
	else
		echo "FAILED  $label"
		printf '%s\n' "$out" | sed 's/^/        /'
		failed=1
	fi
}

shopt -s nullglob
for kind in provider resources data-sources ephemeral-resources; do
	while IFS= read -r -d '' file; do
		validate_module terraform "$file" "$file"
	done < <(find "examples/$kind" -name '*.tf' ! -name 'import-by-identity.tf' -print0 2>/dev/null | sort -z)
done
# Actions, list resources and import by identity need a newer Terraform than the one on PATH: the one
# scripts/terraform.sh builds (first use only).
tf114=$(scripts/terraform.sh)
while IFS= read -r -d '' file; do
	validate_module "$tf114" "$file (Terraform 1.14)" "$file"
done < <(find examples/actions examples/list-resources examples/resources \( -path 'examples/actions/*.tf' -o \
	-name '*.tfquery.hcl' -o -name 'import-by-identity.tf' \) -print0 2>/dev/null | sort -z)
for dir in examples/*/ examples/demo/*/; do
	case "$(basename "$dir")" in
	provider | resources | data-sources | ephemeral-resources | actions | list-resources | opentofu) continue ;;
	esac
	files=("$dir"*.tf)
	[ "${#files[@]}" -gt 0 ] && validate_module terraform "$dir" "${files[@]}"
done
tofu=$(scripts/opentofu.sh)
while IFS= read -r -d '' file; do
	validate_module "$tofu" "$file (OpenTofu)" "$file"
done < <(find examples/opentofu -name '*.tf' -print0 2>/dev/null | sort -z)

[ "$n" -gt 0 ] || { echo "no examples found" >&2; exit 1; }
echo "$n example modules checked"
exit "$failed"
