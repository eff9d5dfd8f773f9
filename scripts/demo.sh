#!/usr/bin/env bash
# `make demo`: a tour of the provider through real Terraform against greenwaba-mock, offline.
# Builds both binaries into a temporary directory, starts the mock on a free loopback port, points
# Terraform at the local provider with dev_overrides (no `terraform init`, no registry) and runs
# examples/demo/ in a copy, so that no state lands in the repository. Exits non-zero on the first
# failure, 130 when interrupted; the mock and the temporary directory are removed in every case.
set -euo pipefail
cd "$(dirname "$0")/.."

# A script started in the background of a non-interactive shell (a tool's shell, `script`, a test
# harness) gets SIGINT ignored, and bash cannot trap a signal ignored on entry: Ctrl-C, or kill -INT
# to the process group, then stopped Terraform (which asks for SIGINT) but not the demo, which reported
# "FAILED (exit code 1)". Start again with SIGINT at its default, where env can do that.
if [ "$(trap -p INT)" = "trap -- '' SIGINT" ] && [ -z "${GREENWABA_DEMO_SIGINT_RESET:-}" ] &&
	env --default-signal=INT true 2>/dev/null; then
	GREENWABA_DEMO_SIGINT_RESET=1 exec env --default-signal=INT "$0" "$@"
fi
# shellcheck source=scripts/dev-overrides.sh
source scripts/dev-overrides.sh

export CHECKPOINT_DISABLE=1 # no calls to checkpoint-api.hashicorp.com
export TF_IN_AUTOMATION=1   # no "run terraform apply next" hints between the steps

readonly ID=1101000001
readonly APPLY_DELAY=2s

work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-demo.XXXXXX")
mock_pid=
# Ctrl-C reaches Terraform too (the mock runs in a process group of its own): Terraform stops
# gracefully and exits, and only then does bash run this trap. It just records the signal, so
# that the step that failed because of it ends the run as interrupted, not as failed.
interrupted=
trap 'interrupted=130' INT
trap 'interrupted=143' TERM

# check_interrupted exits when a signal arrived during the last command, whatever its exit code.
check_interrupted() {
	if [ -n "$interrupted" ]; then exit "$interrupted"; fi
}

cleanup() {
	local rc=$?
	trap - EXIT
	trap '' INT TERM # a second Ctrl-C must not cut the cleanup short
	if [ -n "$interrupted" ]; then rc=$interrupted; fi
	if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
		kill -TERM "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	if [ "$rc" -ne 0 ] && [ -z "$interrupted" ] && [ -s "$work/mock.log" ]; then
		echo "--- last lines of the greenwaba-mock log (tokens are never logged) ---" >&2
		tail -n 20 "$work/mock.log" >&2
	fi
	rm -rf "$work"
	if [ "$rc" -eq 0 ]; then
		printf '\nThe demo ran to the end: mock stopped, temporary files removed.\n'
	elif [ -n "$interrupted" ]; then
		printf '\nThe demo was interrupted (exit code %d); mock stopped, temporary files removed.\n' "$rc" >&2
	else
		printf '\nThe demo FAILED (exit code %d); mock stopped, temporary files removed.\n' "$rc" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT

# Colours only on a terminal, for the narration and for Terraform.
if [ -t 1 ]; then
	bold=$'\e[1m' plain=$'\e[0m' no_color=()
else
	bold= plain= no_color=(-no-color)
fi
step=0
say() {
	check_interrupted
	step=$((step + 1))
	printf '\n%s[%d] %s%s\n' "$bold" "$step" "$*" "$plain"
}

# Terraform prints a 9-line warning about dev_overrides on every command. The first command shows
# it; later ones drop it (a block from its title to "releases.", colours or not). The filter runs in
# its own subshell and ignores Ctrl-C: it must read to the end while Terraform stops gracefully, or
# Terraform would die writing to a closed pipe.
overrides_warning_shown=
without_overrides_warning() {
	trap '' INT
	if [ -z "$overrides_warning_shown" ]; then
		cat
		return
	fi
	awk '
		{ plain = $0; gsub(/\033\[[0-9;]*m/, "", plain) }
		skip == 1 { if (plain ~ /releases\.[[:space:]]*$/) skip = 2; next }
		skip == 2 { skip = 0; if (plain ~ /^[[:space:]]*(╵)?[[:space:]]*$/) next }
		held { held = 0; if (plain ~ /Provider development overrides are in effect/) { skip = 1; next } print last }
		plain ~ /^[[:space:]]*(╷)?[[:space:]]*$/ { held = 1; last = $0; next }
		{ print }
		END { if (held) print last }
	'
}

# tf runs terraform in the demo copy (tf_dir, else the settings configuration); -no-color goes after
# the (sub)command, where Terraform wants it.
tf() {
	local cmd=("$1") rc=0
	shift
	if [ "${cmd[0]}" = state ]; then
		cmd+=("$1")
		shift
	fi
	terraform -chdir="${tf_dir:-$work/demo}" "${cmd[@]}" ${no_color[@]+"${no_color[@]}"} "$@" | without_overrides_warning || rc=$?
	overrides_warning_shown=1
	check_interrupted
	return "$rc"
}
# tf_check runs terraform in the queue check's own configuration (examples/demo/queue-check).
tf_check() {
	local tf_dir=$work/demo/queue-check
	tf "$@"
}
ctl() {
	local rc=0
	"$work/bin/mockctl" -url "$GREENWABA_API_URL" "$@" || rc=$?
	check_interrupted
	return "$rc"
}

say "Building the provider and greenwaba-mock into a temporary directory"
use_local_provider "$work"
go build -trimpath -o "$work/bin/" ./cmd/greenwaba-mock ./scripts/mockctl
cp -R examples/demo "$work/demo"
ls "$work/bin"

say "Starting greenwaba-mock on a free loopback port; each settings write takes $APPLY_DELAY to apply, as on a real account"
# A random token, handed to the mock and to the provider through the environment only (`-instance ID`
# reads GREENWABA_API_TOKEN_INSTANCE): it is never printed and never on a command line, so not in ps.
GREENWABA_API_TOKEN_INSTANCE=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export GREENWABA_API_TOKEN_INSTANCE GREENWABA_ID_INSTANCE=$ID
# Monitor mode puts the mock in a process group of its own: Ctrl-C goes to Terraform, which then
# stops gracefully while it can still reach the mock; cleanup stops the mock afterwards.
set -m
"$work/bin/greenwaba-mock" -listen 127.0.0.1:0 -apply-delay "$APPLY_DELAY" \
	-instance "$ID" >"$work/mock.out" 2>"$work/mock.log" &
mock_pid=$!
set +m
# The first line of the mock's output is its base URL.
for _ in $(seq 100); do
	[ -s "$work/mock.out" ] && break
	kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; exit 1; }
	sleep 0.1
	check_interrupted
done
GREENWABA_API_URL=$(head -n 1 "$work/mock.out")
export GREENWABA_API_URL
[ -n "$GREENWABA_API_URL" ] || { echo "greenwaba-mock printed no base URL" >&2; exit 1; }
ctl GET /mock/v1/healthz >/dev/null
echo "greenwaba-mock serves $GREENWABA_API_URL with account $ID (the provider reads GREENWABA_API_URL,"
echo "GREENWABA_ID_INSTANCE and GREENWABA_API_TOKEN_INSTANCE from the environment)"

say "Pointing Terraform at the local build with dev_overrides in a temporary CLI configuration"
cat "$TF_CLI_CONFIG_FILE"
echo "Terraform warns \"Provider development overrides are in effect\" on every command: expected here. The demo"
echo "shows that warning once, at the first command below, and leaves it out after that."

say "terraform apply: declaring how the account delivers its webhooks: webhook_url = \"\" keeps them in its HTTP API queue (queue mode)"
tf apply -auto-approve -input=false

say "Reading the settings back from the state"
tf state show greenwaba_webhook_settings.demo

say "terraform plan: nothing left to change (exit code 0), and the plan made no settings write"
# Into files rather than $(...): a command substitution runs in a subshell, where the INT trap is not set.
ctl -fields settingsWrites GET "/mock/v1/instances/$ID" >"$work/writes_before"
tf plan -detailed-exitcode -input=false
ctl -fields settingsWrites GET "/mock/v1/instances/$ID" >"$work/writes_after"
read -r writes_before <"$work/writes_before"
read -r writes_after <"$work/writes_after"
echo "mock: $writes_after"
if [ "$writes_before" != "$writes_after" ]; then
	echo "a plan wrote settings: $writes_before before, $writes_after after" >&2
	exit 1
fi

say "A customer writes in: the account queues an incoming message (POST /mock/v1/instances/$ID/notifications)"
ctl POST "/mock/v1/instances/$ID/notifications" "$(
	cat <<JSON
{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":$ID,"wid":"11001234567@c.us","typeInstance":"whatsapp"},"timestamp":$(date +%s),"idMessage":"DEMO0001","senderData":{"chatId":"79990000000@c.us","sender":"79990000000@c.us","senderName":"Ann"},"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"Hello! Is my order on its way?"}}}
JSON
)"

say "The greenwaba_notification data source reads the head of the queue at plan time; the check on it passes (no warning)"
tf apply -auto-approve -input=false -var read_queue=true
echo "Reading never acknowledges: the message is still queued."
ctl -fields queueLength GET "/mock/v1/instances/$ID"

say "Someone switches the account to push mode in the GreenWaba Console (PATCH /mock/v1/instances/$ID/settings)"
# A loopback port where nobody listens: the mock's pushes fail, and the message stays queued.
ctl -fields settings.webhookUrl,settings.outgoingWebhook PATCH "/mock/v1/instances/$ID/settings" \
	'{"webhookUrl":"http://127.0.0.1:9/console-hooks","outgoingWebhook":"no"}'

say "A pipeline's queue check (examples/demo/queue-check) finds no queue to read: GreenWaba refuses, the check warns, the run goes on"
tf_check plan -input=false | tee "$work/check.out"
check_interrupted
if ! grep -q "No notification queue" "$work/check.out"; then
	echo "expected the queue check to warn that the account has no notification queue" >&2
	exit 1
fi

say "terraform plan: the next plan shows the drift as an in-place update (exit code 2 = changes)"
rc=0
tf plan -detailed-exitcode -input=false || rc=$?
if [ "$rc" -ne 2 ]; then
	echo "expected terraform plan to exit with 2 (changes planned), got $rc" >&2
	exit 1
fi

say "terraform apply: putting the account back as declared (queue mode), then waiting until it shows the new values"
tf apply -auto-approve -input=false
echo "Back in queue mode: the message the account could not push is still queued."
ctl -fields queueLength GET "/mock/v1/instances/$ID"

say "terraform destroy: the account goes back to the settings of a new account"
tf destroy -auto-approve -input=false
ctl -fields settings.webhookUrl,settings.incomingWebhook,settings.outgoingWebhook,settings.outgoingAPIMessageWebhook \
	GET "/mock/v1/instances/$ID"

say "Stopping greenwaba-mock"
