#!/usr/bin/env bash
# Times `terraform plan` of N greenwaba_webhook_settings with webhook_url_token_wo (each plan refreshes and
# checks N token fingerprints) against a baseline plan of N terraform_data, alternately in each round, against
# greenwaba-mock on loopback. Prints each round and the median ratio to the baseline of each provider build.
#
#   N=300 ROUNDS=5 scripts/bench-writeonly-plan.sh [PROVIDER_DIR...]
#
# Each PROVIDER_DIR holds a terraform-provider-greenwaba binary, such as the builds before and after a change
# (default: a fresh build of this checkout); each gets its own accounts and state.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

n=${N:-300}
rounds=${ROUNDS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-bench.XXXXXX")
mock_pid=
cleanup() {
	if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

providers=("$@")
if [ ${#providers[@]} -eq 0 ]; then
	providers=("$work/provider")
	go build -trimpath -o "$work/provider/" .
fi
go build -trimpath -o "$work/bin/" ./cmd/greenwaba-mock

# One mock with N accounts per provider build; every account has the same API token.
first=1102000000
args=()
for i in $(seq $((n * ${#providers[@]}))); do args+=(-instance "$((first + i))"); done
export GREENWABA_API_TOKEN_INSTANCE=benchtoken0123456789
"$work/bin/greenwaba-mock" -listen 127.0.0.1:0 "${args[@]}" >"$work/mock.out" 2>/dev/null &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
export GREENWABA_API_URL
GREENWABA_API_URL=$(head -n 1 "$work/mock.out")
tokens=$(for i in $(seq $((n * ${#providers[@]}))); do printf '"%d":"%s"\n' "$((first + i))" "$GREENWABA_API_TOKEN_INSTANCE"; done | paste -sd, -)
export GREENWABA_INSTANCE_TOKENS="{$tokens}"

for p in "${!providers[@]}"; do
	mkdir -p "$work/wo$p"
	cat >"$work/wo$p/terraformrc" <<HCL
provider_installation {
  dev_overrides {
    "greenwaba/greenwaba" = "${providers[$p]}"
  }
  direct {}
}
HCL
	cat >"$work/wo$p/main.tf" <<HCL
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
  for_each             = toset([for i in range(1, $n + 1) : tostring($first + $p * $n + i)])
  id_instance          = tonumber(each.key)
  webhook_url_token_wo = var.webhook_token
  incoming_webhook     = true
}
HCL
	TF_CLI_CONFIG_FILE=$work/wo$p/terraformrc terraform -chdir="$work/wo$p" apply -auto-approve -input=false >/dev/null 2>&1
done
mkdir -p "$work/base"
cat >"$work/base/main.tf" <<HCL
resource "terraform_data" "fleet" {
  for_each = toset([for i in range(1, $n + 1) : tostring($first + i)])
  input    = each.key
}
HCL
TF_CLI_CONFIG_FILE=/dev/null terraform -chdir="$work/base" init -input=false >/dev/null
TF_CLI_CONFIG_FILE=/dev/null terraform -chdir="$work/base" apply -auto-approve -input=false >/dev/null

# seconds runs a plan that must find nothing to change and prints its wall time in seconds.
seconds() {
	local start end
	start=$(date +%s.%N)
	TF_CLI_CONFIG_FILE=${2:-/dev/null} terraform -chdir="$1" plan -detailed-exitcode -input=false >/dev/null 2>&1
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}
declare -A ratios
for r in $(seq "$rounds"); do
	b=$(seconds "$work/base")
	line="round $r: baseline ${b}s"
	for p in "${!providers[@]}"; do
		w=$(seconds "$work/wo$p" "$work/wo$p/terraformrc")
		ratio=$(echo "scale=2; $w / $b" | bc)
		ratios[$p]+="$ratio "
		line+=", ${providers[$p]} ${w}s (ratio $ratio)"
	done
	echo "$line"
done
for p in "${!providers[@]}"; do
	median=$(printf '%s\n' ${ratios[$p]} | sort -n | sed -n "$(((rounds + 1) / 2))p")
	echo "${providers[$p]}: median ratio to the baseline ($n resources, $rounds rounds): $median"
done
