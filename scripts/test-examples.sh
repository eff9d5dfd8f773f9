#!/usr/bin/env bash
# Runs the `terraform test` suites of examples/testing with Terraform and with OpenTofu (`tofu test`), against the
# provider built from this checkout through dev_overrides (no init, no registry, no network):
#   tests/unit.tftest.hcl         plans against mock_provider; no API at all
#   tests/integration.tftest.hcl  applies against greenwaba-mock, through examples/testing/with-greenwaba-mock.sh,
#                                 with GreenWaba's reboot and rate limits on, as the guide says it passes
# Each suite runs in a copy of examples/testing, so that nothing lands in the checkout. Prints one line per suite
# and CLI with its run time; a failure names the suite and the CLI and shows the CLI's output.
# OpenTofu is built by scripts/opentofu.sh on first use (minutes), then cached.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/dev-overrides.sh
source scripts/dev-overrides.sh

export CHECKPOINT_DISABLE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-test-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

use_local_provider "$work"
go build -trimpath -o "$work/mock/greenwaba-mock" ./cmd/greenwaba-mock
export GREENWABA_MOCK=$work/mock/greenwaba-mock
export GREENWABA_MOCK_FLAGS='-apply-delay 3s -reboot-errors -rate-limits real'
tofu=$(scripts/opentofu.sh)

failed=0
# run_suite LABEL SUITE CLI runs tests/SUITE.tftest.hcl with CLI (the integration suite with a mock of its own).
run_suite() {
	local label=$1 suite=$2 cli=$3
	local dir=$work/$(basename "$cli")-$suite
	cp -R examples/testing "$dir"
	local cmd=("$cli" test -no-color "-filter=tests/$suite.tftest.hcl")
	if [ "$suite" = integration ]; then
		cmd=(./with-greenwaba-mock.sh "${cmd[@]}")
	fi
	local start=$EPOCHREALTIME out rc=0
	out=$(cd "$dir" && "${cmd[@]}" 2>&1) || rc=$?
	local took
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	# A filter that matches no file passes with nothing run: count the runs too.
	local summary
	summary=$(printf '%s\n' "$out" | grep -E '^(Success|Failure)!' | tail -n 1 || true)
	if [ "$rc" -eq 0 ] && [[ $summary =~ ^Success!\ [1-9] ]]; then
		printf 'ok      %s suite on %s (%ss): %s\n' "$suite" "$label" "$took" "$summary"
	else
		printf 'FAILED  %s suite on %s (%ss, exit code %d)\n' "$suite" "$label" "$took" "$rc"
		printf '%s\n' "$out" | sed 's/^/        /'
		failed=1
	fi
}

terraform_label="Terraform $(terraform version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
tofu_label="OpenTofu $("$tofu" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
for suite in unit integration; do
	run_suite "$terraform_label" "$suite" terraform
	run_suite "$tofu_label" "$suite" "$tofu"
done
exit "$failed"
