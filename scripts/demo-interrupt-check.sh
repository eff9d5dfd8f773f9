#!/usr/bin/env bash
# Interrupts `make demo` many times and prints each exit code; every one should be 130. Each run starts
# scripts/demo.sh in a background subshell with a process group of its own, as a tool's shell does
# (started from a non-interactive shell's background, as here, it gets SIGINT ignored: before demo.sh
# reset it, every such run ended "FAILED (exit code 1)"), waits until the narration reaches STEP, waits
# a random 0-3 s and sends SIGINT to the whole group, as Ctrl-C in a terminal does.
#
#   scripts/demo-interrupt-check.sh [RUNS] [STEP]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-6}
step=${2:-12}
failed=0
for i in $(seq "$runs"); do
	out=$(mktemp)
	set -m
	(exec ./scripts/demo.sh) >"$out" 2>&1 &
	pid=$!
	set +m
	for _ in $(seq 1200); do
		grep -q "^\[$step\]" "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", (r % 300) / 100 }')"
	kill -INT -- "-$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	echo "run $i: exit $rc; $(grep -E 'The demo (was|FAILED|ran)' "$out" | tail -1)"
	if [ "$rc" -ne 130 ]; then
		failed=$((failed + 1))
		tail -n 30 "$out"
	fi
	rm -f "$out"
done
echo "$failed of $runs runs did not exit with 130"
[ "$failed" -eq 0 ]
