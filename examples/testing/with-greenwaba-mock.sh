#!/usr/bin/env bash
# Runs one command against a greenwaba-mock of its own, then stops the mock, whatever the command's outcome.
#
#   ./with-greenwaba-mock.sh terraform test          # both suites; tests/integration.tftest.hcl needs the mock
#   ./with-greenwaba-mock.sh tofu test
#
# The mock serves the accounts of tests/integration.tftest.hcl on a free loopback port, and the queue of the
# account in queue mode holds one notification. The command gets GREENWABA_API_URL and GREENWABA_INSTANCE_TOKENS.
# Needs greenwaba-mock (on PATH, or its path in GREENWABA_MOCK) and curl. More flags for the mock, such as
# GREENWABA_MOCK_FLAGS='-apply-delay 30s -reboot-errors -rate-limits real', make it behave more like GreenWaba.
set -euo pipefail

accounts=(1101000011 1101000012 1101000013) # sales, support, inbox
inbox=1101000013

mock=${GREENWABA_MOCK:-greenwaba-mock}
work=$(mktemp -d "${TMPDIR:-/tmp}/greenwaba-mock.XXXXXX")
mock_pid=
cleanup() {
	if [ -n "$mock_pid" ]; then
		kill -TERM "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One random API token for this job, handed to the mock in its environment (never on a command line, where ps
# would show it); every -instance ID takes it.
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
read -r -a args <<<"${GREENWABA_MOCK_FLAGS:-}"
args+=(-listen 127.0.0.1:0)
for id in "${accounts[@]}"; do
	args+=(-instance "$id")
done
GREENWABA_API_TOKEN_INSTANCE=$token "$mock" "${args[@]}" >"$work/mock.out" 2>"$work/mock.log" &
mock_pid=$!

# The first line the mock prints is its base URL.
for _ in $(seq 100); do
	[ -s "$work/mock.out" ] || ! kill -0 "$mock_pid" 2>/dev/null && break
	sleep 0.1
done
GREENWABA_API_URL=$(head -n 1 "$work/mock.out")
if [ -z "$GREENWABA_API_URL" ] || ! kill -0 "$mock_pid" 2>/dev/null; then
	echo "greenwaba-mock did not start:" >&2
	cat "$work/mock.log" >&2
	exit 1
fi
export GREENWABA_API_URL

# The provider finds each account's token in GREENWABA_INSTANCE_TOKENS, a JSON object keyed by idInstance.
GREENWABA_INSTANCE_TOKENS=$(
	sep='{'
	for id in "${accounts[@]}"; do
		printf '%s"%s":"%s"' "$sep" "$id" "$token"
		sep=,
	done
	printf '}'
)
export GREENWABA_INSTANCE_TOKENS

# A customer writes in: queue one incoming message for inbox, through the mock's control API.
curl -fsS -o /dev/null -X POST "$GREENWABA_API_URL/mock/v1/instances/$inbox/notifications" --data-binary @- <<JSON
{
  "typeWebhook": "incomingMessageReceived",
  "instanceData": {"idInstance": $inbox, "wid": "11001234567@c.us", "typeInstance": "whatsapp"},
  "timestamp": $(date +%s),
  "idMessage": "TEST0001",
  "senderData": {"chatId": "79990000000@c.us", "sender": "79990000000@c.us", "senderName": "Ann"},
  "messageData": {"typeMessage": "textMessage", "textMessageData": {"textMessage": "Is my order on its way?"}}
}
JSON

rc=0
"$@" || rc=$?
exit "$rc"
