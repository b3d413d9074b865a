#!/usr/bin/env bash
# Reproducible end-to-end time of authhook on one small payload, against a
# trivial Rust binary that reads a tiny file.
#
# Usage: benches/startup.sh [FILE]
#
#   FILE   the payload to check (default samples/pass.json, 490 bytes)
#
# The target this measures: `authhook check --quiet FILE` takes at most 1.3
# times the process time of a trivial Rust binary that reads a tiny file
# (examples/read_tiny.rs: reads FILE, prints its length), measured over at
# least 200 runs.
#
# Builds the read_tiny example and the release binary (both with the crate's
# release profile), copies both to a temporary directory, runs each command a
# few times to warm the page cache and the dynamic loader, then RUNS times
# each, alternately (which goes first swaps every run) so that both see the
# same machine. Each run's wall time is taken by bash around the process
# (fork, exec, run, exit, wait), with $EPOCHREALTIME (microseconds, no extra
# process), stdout and stderr to /dev/null. Prints the median, mean, minimum
# and 90th percentile of each, the ratios authhook / read_tiny of the medians
# and of the means, whether they are within the 1.3 target, the commands, and
# the machine (CPUs, CPU model, load average at the start and the end: the
# figures are only as quiet as the machine was).
#
# Environment:
#   AUTHHOOK_BIN  authhook binary to measure (default target/release/authhook,
#                 or $CARGO_TARGET_DIR/release/authhook); when set, the crate's
#                 binary is not built.
#   READ_TINY_BIN the reference binary (default: the read_tiny example, built here); when
#                 set, nothing is built for it, so a reference built another way (statically
#                 linked, say) can be compared with an authhook built the same way.
#   RUNS          timed runs of each command (default 300; the target asks for
#                 at least 200, and fewer are flagged in the output)
#   WARMUP        untimed runs of each command first (default 10)
#   INPUT         `file` (default): each program is given FILE's path; `pipe`: each reads
#                 FILE's text from standard input, a pipe (a bash here-string, which bash 5.1
#                 and later hand over through a pipe when it fits in one; no extra process):
#                 `authhook check --quiet -` against `read_tiny /dev/stdin`
#
# Exit status: 0 when every run succeeded (authhook exiting with 0 or 1,
# read_tiny with 0), 1 when one did not, 2 on a usage error.

set -euo pipefail

RUNS=${RUNS:-300}
WARMUP=${WARMUP:-10}
INPUT=${INPUT:-file}
TARGET_RATIO=1.3

if (($# > 1)); then
	echo "usage: $0 [FILE]" >&2
	exit 2
fi
for var in RUNS WARMUP; do
	if ! [[ ${!var} =~ ^[0-9]+$ ]] || { [[ $var == RUNS ]] && ((RUNS == 0)); }; then
		echo "error: $var must be a whole number (RUNS at least 1), got '${!var}'" >&2
		exit 2
	fi
done
if [[ $INPUT != file && $INPUT != pipe ]]; then
	echo "error: INPUT must be 'file' or 'pipe', got '$INPUT'" >&2
	exit 2
fi
if [[ -z ${EPOCHREALTIME:-} ]]; then
	echo "error: this script needs bash 5 or later (\$EPOCHREALTIME)" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
FILE=${1:-samples/pass.json}
if [[ ! -r $FILE ]]; then
	echo "error: cannot read '$FILE'" >&2
	exit 2
fi
TARGET_DIR=${CARGO_TARGET_DIR:-target}
if [[ -n ${READ_TINY_BIN:-} ]]; then
	echo "==> using READ_TINY_BIN=$READ_TINY_BIN (not building the read_tiny example)" >&2
	TINY_BIN=$READ_TINY_BIN
else
	echo "==> building read_tiny (release)" >&2
	cargo build --release --quiet --example read_tiny
	TINY_BIN=$TARGET_DIR/release/examples/read_tiny
fi
if [[ ! -x $TINY_BIN ]]; then
	echo "error: read_tiny binary '$TINY_BIN' not found or not executable" >&2
	exit 1
fi
# shellcheck source=benches/authhook_bin.sh
source benches/authhook_bin.sh
TINY_BIN=$(realpath "$TINY_BIN")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Both programs run from copies made here, one after the other: how a binary's file sits in the
# page cache (as the linker wrote it, or copied long ago) changes the page faults of loading it,
# and so its time, by up to a tenth (the same binary took 274 faults from one file and 255 from
# a copy of it); copies made side by side start alike.
mkdir "$WORK/bin"
cp "$AUTHHOOK_BIN" "$WORK/bin/authhook"
cp "$TINY_BIN" "$WORK/bin/read_tiny"
if [[ $INPUT == pipe ]]; then
	# The here-string gives back the text's last line break, which $(<FILE) takes away.
	PAYLOAD=$(<"$FILE")
	AUTHHOOK_CMD=("$WORK/bin/authhook" check --quiet -)
	TINY_CMD=("$WORK/bin/read_tiny" /dev/stdin)
else
	AUTHHOOK_CMD=("$WORK/bin/authhook" check --quiet "$FILE")
	TINY_CMD=("$WORK/bin/read_tiny" "$FILE")
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# time_once NAME OK_CODES CMD [ARGS...]: runs CMD once and appends its wall time in
# microseconds to $WORK/NAME; exits the script when its exit code is outside OK_CODES.
time_once() {
	local name=$1 ok=$2 rc=0 start end
	shift 2
	if [[ $INPUT == pipe ]]; then
		start=${EPOCHREALTIME/[.,]/}
		"$@" >/dev/null 2>"$WORK/stderr" <<<"$PAYLOAD" || rc=$?
		end=${EPOCHREALTIME/[.,]/}
	else
		start=${EPOCHREALTIME/[.,]/}
		"$@" >/dev/null 2>"$WORK/stderr" || rc=$?
		end=${EPOCHREALTIME/[.,]/}
	fi
	if [[ " $ok " != *" $rc "* ]]; then
		echo "error: '$*' exited with status $rc; its stderr ends with:" >&2
		tail -n 20 "$WORK/stderr" >&2
		exit 1
	fi
	echo $((end - start)) >>"$WORK/$name"
}

echo "==> warming up ($WARMUP runs each)" >&2
for ((i = 1; i <= WARMUP; i++)); do
	time_once warmup "0 1" "${AUTHHOOK_CMD[@]}"
	time_once warmup "0" "${TINY_CMD[@]}"
done

echo "==> $RUNS alternating runs of each" >&2
for ((i = 1; i <= RUNS; i++)); do
	if ((i % 2)); then
		time_once authhook "0 1" "${AUTHHOOK_CMD[@]}"
		time_once tiny "0" "${TINY_CMD[@]}"
	else
		time_once tiny "0" "${TINY_CMD[@]}"
		time_once authhook "0 1" "${AUTHHOOK_CMD[@]}"
	fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# stats NAME: "median mean min p90" of $WORK/NAME, in milliseconds with three decimals
# (the median of an even count is the mean of the two middle runs; p90 is the nearest rank).
stats() {
	sort -n "$WORK/$1" | awk '
		{ v[NR] = $1; sum += $1 }
		END {
			median = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			rank = int(0.9 * NR); if (rank < 0.9 * NR) rank++
			printf "%.3f %.3f %.3f %.3f\n", median / 1000, sum / NR / 1000, v[1] / 1000, v[rank] / 1000
		}'
}

read -r ah_median ah_mean ah_min ah_p90 < <(stats authhook)
read -r tiny_median tiny_mean tiny_min tiny_p90 < <(stats tiny)

# verdict RATIO: "within" or "over" the target.
verdict() {
	awk -v r="$1" -v t="$TARGET_RATIO" 'BEGIN { print (r <= t) ? "within" : "over" }'
}
median_ratio=$(awk -v a="$ah_median" -v b="$tiny_median" 'BEGIN { printf "%.2f", a / b }')
mean_ratio=$(awk -v a="$ah_mean" -v b="$tiny_mean" 'BEGIN { printf "%.2f", a / b }')

echo
echo "command line: $0${*:+ $*} (RUNS=$RUNS WARMUP=$WARMUP INPUT=$INPUT)"
echo "authhook: $AUTHHOOK_BIN ${AUTHHOOK_CMD[*]:1} (run from a copy)"
echo "read_tiny: $TINY_BIN ${TINY_CMD[*]:1} (run from a copy)"
if [[ $INPUT == pipe ]]; then
	echo "standard input: a pipe holding the text of $FILE"
fi
echo "file: $FILE, $(wc -c <"$FILE" | tr -d '[:space:]') bytes"
echo "$RUNS runs each, alternating; wall time per process, milliseconds:"
echo
row='%-10s %10s %10s %10s %10s\n'
# shellcheck disable=SC2059 # the format is the variable.
printf "$row" command median mean min p90
# shellcheck disable=SC2059
printf "$row" ---------- ---------- ---------- ---------- ----------
# shellcheck disable=SC2059
printf "$row" authhook "$ah_median" "$ah_mean" "$ah_min" "$ah_p90"
# shellcheck disable=SC2059
printf "$row" read_tiny "$tiny_median" "$tiny_mean" "$tiny_min" "$tiny_p90"
echo
echo "authhook / read_tiny: median $median_ratio ($(verdict "$median_ratio") the $TARGET_RATIO target), mean $mean_ratio ($(verdict "$mean_ratio") the $TARGET_RATIO target)"
if ((RUNS < 200)); then
	echo "note: only $RUNS runs each; the target is measured over at least 200"
fi

cpu=$(grep -m1 -E '^(model name|Hardware|cpu model|Processor)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^[[:space:]]*//' || true)
echo "machine: $(nproc) CPUs, $(uname -m), ${cpu:-unknown CPU}; load average $LOAD_BEFORE at the start, $LOAD_AFTER at the end"
ah_version=$("$AUTHHOOK_BIN" --version 2>/dev/null | head -n 1 || true)
echo "tools: ${ah_version:-authhook (version unknown)}, $(rustc --version 2>/dev/null || echo "rustc unknown"), bash $BASH_VERSION"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
