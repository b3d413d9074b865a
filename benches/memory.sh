#!/usr/bin/env bash
# Peak memory of authhook over many distinct transactions, against the budget README states:
# 64 MiB plus 64 bytes per distinct transactionId, from a file and from a pipe.
#
# Usage: benches/memory.sh [COUNT ...]
#
#   COUNT  distinct transactions in a generated input (default: 1000000 2000000 3000000)
#
# For each COUNT, writes COUNT one-line payloads to a temporary directory (the spoof sample, as
# `authhook sample --all` prints it, each with a transactionId of its own: 336 bytes a line),
# then runs `check --quiet`, `check --format ndjson` and `stats` on it, each reading the file and
# then reading a pipe, under GNU time (`/usr/bin/time -f %M`), and prints each run's peak
# resident memory beside the budget. The deliveries remembered to recognise retries are what
# grows with COUNT; everything else a run holds is bounded.
#
# Environment:
#   AUTHHOOK_BIN  authhook binary to measure (default target/release/authhook, or
#                 $CARGO_TARGET_DIR/release/authhook); when set, the crate's binary is not built.
#   TMPDIR        where the input is written (3,000,000 payloads take 1 GB)
#
# Exit status: 0 when every run stayed within the budget, 1 when one did not or failed, 2 on a
# usage error or without GNU time.

set -euo pipefail

COUNTS=("$@")
if ((${#COUNTS[@]} == 0)); then
	COUNTS=(1000000 2000000 3000000)
fi
for count in "${COUNTS[@]}"; do
	if ! [[ $count =~ ^[1-9][0-9]*$ ]]; then
		echo "usage: $0 [COUNT ...] (whole numbers, at least 1; got '$count')" >&2
		exit 2
	fi
done
if ! /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
	echo "error: this script needs GNU time as /usr/bin/time (Debian package time)" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}
# shellcheck source=benches/authhook_bin.sh
source benches/authhook_bin.sh

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TEMPLATE=$("$AUTHHOOK_BIN" sample --all | grep -m1 '"spoofAttempt":true')
TEMPLATE_ID=$(sed -E 's/.*"transactionId":"([0-9a-f]{24})".*/\1/' <<<"$TEMPLATE")

# peak_kib CMD [ARGS...]: runs CMD (authhook exiting 0 or 1) with stdout to /dev/null; prints
# its peak RSS in KiB, or fails.
peak_kib() {
	local rc=0
	/usr/bin/time -f '%M' -o "$WORK/peak" "$@" >/dev/null 2>"$WORK/stderr" || rc=$?
	if ((rc > 1)); then
		echo "error: '$*' exited with status $rc; its stderr ends with:" >&2
		tail -n 20 "$WORK/stderr" >&2
		return 1
	fi
	tail -n 1 "$WORK/peak"
}

OVER=0
row='%10s  %-22s  %-5s  %9s  %9s  %s\n'
# shellcheck disable=SC2059 # the format is the variable.
printf "$row" distinct command input 'peak MiB' 'budget' verdict
for count in "${COUNTS[@]}"; do
	input=$WORK/distinct.ndjson
	echo "==> writing $count payloads" >&2
	awk -v n="$count" -v line="$TEMPLATE" -v id="$TEMPLATE_ID" 'BEGIN {
		at = index(line, id); head = substr(line, 1, at - 1); tail = substr(line, at + length(id))
		for (i = 0; i < n; i++) printf "%s%024x%s\n", head, i, tail
	}' >"$input"
	budget_kib=$((64 * 1024 + count * 64 / 1024))
	for command in "check --quiet" "check --format ndjson" "stats"; do
		read -ra words <<<"$command"
		for source in file pipe; do
			if [[ $source == file ]]; then
				peak=$(peak_kib "$AUTHHOOK_BIN" "${words[@]}" "$input")
			else
				peak=$(cat "$input" | peak_kib "$AUTHHOOK_BIN" "${words[@]}" -)
			fi
			verdict=within
			if ((peak > budget_kib)); then
				verdict=OVER
				OVER=1
			fi
			# shellcheck disable=SC2059
			printf "$row" "$count" "$command" "$source" "$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')" \
				"$(awk -v k="$budget_kib" 'BEGIN { printf "%.1f", k / 1024 }')" "$verdict"
		done
	done
done
rm -f "$WORK/distinct.ndjson"

echo
echo "budget: 64 MiB + 64 bytes per distinct transactionId; peak: /usr/bin/time -f %M"
echo "authhook: $AUTHHOOK_BIN ($("$AUTHHOOK_BIN" --version 2>/dev/null | head -n 1 || echo "version unknown"))"
echo "machine: $(nproc) CPUs, $(uname -m); date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
exit "$OVER"
