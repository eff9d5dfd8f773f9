#!/usr/bin/env bash
# Times `terraform plan` of N greenwaba_webhook_settings with webhook_url_token_wo (each plan refreshes and
# checks N token fingerprints) against a baseline plan of N terraform_data, alternately, against
# greenwaba-mock on loopback. Prints each round and the median of wo/baseline.
#
#   scripts/bench-writeonly-plan.sh [PROVIDER_DIR] [N] [ROUNDS]
#
# PROVIDER_DIR holds terraform-provider-greenwaba (default: a fresh build of this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

n=${2:-300}
rounds=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-bench.XXXXXX")
mock_pid=
cleanup() {
	if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

provider_dir=${1:-}
if [ -z "$provider_dir" ]; then
	provider_dir=$work/provider
	go build -trimpath -o "$provider_dir/" .
fi
go build -trimpath -o "$work/bin/" ./cmd/greenwaba-mock
cat >"$work/terraformrc" <<HCL
provider_installation {
  dev_overrides {
    "greenwaba/greenwaba" = "$provider_dir"
  }
  direct {}
}
HCL
export TF_CLI_CONFIG_FILE=$work/terraformrc

first=1102000000
args=()
for i in $(seq "$n"); do args+=(-instance "$((first + i))"); done
export GREENWABA_API_TOKEN_INSTANCE=benchtoken0123456789
"$work/bin/greenwaba-mock" -listen 127.0.0.1:0 "${args[@]}" >"$work/mock.out" 2>/dev/null &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
export GREENWABA_API_URL
GREENWABA_API_URL=$(head -n 1 "$work/mock.out")
tokens=$(for i in $(seq "$n"); do printf '"%d":"%s"\n' "$((first + i))" "$GREENWABA_API_TOKEN_INSTANCE"; done | paste -sd, -)
export GREENWABA_INSTANCE_TOKENS="{$tokens}"

mkdir -p "$work/wo" "$work/base"
cat >"$work/wo/main.tf" <<HCL
terraform {
  required_providers {
    greenwaba = { source = "greenwaba/greenwaba" }
  }
}
provider "greenwaba" {}
variable "webhook_token" {
  type      = string
  ephemeral = true
  default   = "bench-webhook-token"
}
resource "greenwaba_webhook_settings" "fleet" {
  for_each             = toset([for i in range(1, $n + 1) : tostring($first + i)])
  id_instance          = tonumber(each.key)
  webhook_url_token_wo = var.webhook_token
  incoming_webhook     = true
}
HCL
cat >"$work/base/main.tf" <<HCL
resource "terraform_data" "fleet" {
  for_each = toset([for i in range(1, $n + 1) : tostring($first + i)])
  input    = each.key
}
HCL
terraform -chdir="$work/wo" apply -auto-approve -input=false >/dev/null 2>&1
terraform -chdir="$work/base" init -input=false >/dev/null
terraform -chdir="$work/base" apply -auto-approve -input=false >/dev/null

# seconds runs a plan that must find nothing to change and prints its wall time in seconds.
seconds() {
	local start end
	start=$(date +%s.%N)
	terraform -chdir="$1" plan -detailed-exitcode -input=false >/dev/null 2>&1
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}
ratios=()
for r in $(seq "$rounds"); do
	b=$(seconds "$work/base")
	w=$(seconds "$work/wo")
	ratio=$(echo "scale=2; $w / $b" | bc)
	ratios+=("$ratio")
	echo "round $r: baseline ${b}s, write-only ${w}s, ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(((rounds + 1) / 2))p")
echo "median ratio (write-only / baseline, $n resources, $rounds rounds): $median"
