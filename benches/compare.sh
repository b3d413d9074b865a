#!/usr/bin/env bash
# Reproducible throughput comparison of authhook against jq and against a
# reference "parse ceiling".
#
# Usage: benches/compare.sh [SIZE] [STYLE]
#
#   SIZE   corpus size for the gen_corpus example, e.g. 50M, 1G (default 200M)
#   STYLE  ndjson | log | pretty | docker | printed (default ndjson); printed is the
#          log style with payloads printed by Python, Node and Ruby in turn
#
# Builds the gen_corpus and parse_ceiling examples and the release binary,
# generates a corpus with seed 1 in a temporary directory (removed on exit),
# runs every command RUNS times and reports the best wall time, the throughput
# (MB/s, 1 MB = 10^6 bytes), when GNU time is installed as /usr/bin/time the
# peak RSS, and each row's throughput as a multiple of the parse ceiling's
# ("x ceiling") and of jq's ("x jq"); `-` where either was not measured.
#
# The parse ceiling (examples/parse_ceiling.rs) is what one thread of a fast
# JSON parser, sonic-rs, does with the corpus and nothing else: every line from
# its first `{` deserialized into a typed struct of the payload's fields, with
# borrowed strings, no contract checks and no output per payload. Its row is
# the best of RUNS runs of its parse loop alone, timed inside the program: the
# file is read into memory before the clock starts, so neither process start
# nor reading is counted (its figure is the harder one to reach, the other rows
# being whole-process wall times), and its peak RSS holds the whole corpus.
# It is built with the same flags as authhook (no -C target-cpu=native, so
# sonic-rs uses the baseline x86-64 SIMD). It is only meaningful for the ndjson
# and log styles, where a payload is one line: a pretty payload spans lines and
# a docker record holds its payload inside a JSON string, which the ceiling
# would have to decode first, and a printed payload is not JSON; for those
# styles it is not run and its columns show `-`.
#
# Environment:
#   AUTHHOOK_BIN  authhook binary to benchmark (default target/release/authhook,
#                 or $CARGO_TARGET_DIR/release/authhook). When set, the crate's
#                 binary is not built, so another build or a stand-in can be
#                 measured.
#   AUTHHOOK_BASELINE  a second authhook binary (the previous build, say): each
#                 authhook command then runs with both, alternately, and the
#                 ratio of their best times is printed.
#   RUNS          rounds (default 3): each runs the parse ceiling and every
#                 authhook command once; a row shows its best round, and a
#                 note each authhook command's ratio to the ceiling round by
#                 round and their median
#   TMPDIR        where the corpus is written (it needs SIZE of free space)
#
# The jq comparison is only meaningful for the ndjson and log styles: jq reads
# raw lines and decodes them with `fromjson?`, so one invalid payload does not
# stop it, and applies a type check equivalent to `authhook check`.
#
# Exit status: 0 when every command ran, 1 when one of them failed (authhook
# exiting with 2 or more, jq with anything but 0), 2 on a usage error.

set -euo pipefail

SIZE=${1:-200M}
STYLE=${2:-ndjson}
RUNS=${RUNS:-3}
SEED=1

case $STYLE in
ndjson | log | pretty | docker | printed) ;;
*)
	echo "usage: $0 [SIZE] [ndjson|log|pretty|docker|printed]" >&2
	exit 2
	;;
esac
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
	echo "error: RUNS must be a positive integer, got '$RUNS'" >&2
	exit 2
fi
if [[ $(date +%N) == N ]]; then
	echo "error: this script needs GNU date (date +%s.%N)" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}
GEN_BIN=$TARGET_DIR/release/examples/gen_corpus
CEILING_BIN=$TARGET_DIR/release/examples/parse_ceiling

echo "==> building gen_corpus and parse_ceiling (release)" >&2
cargo build --release --quiet --example gen_corpus --example parse_ceiling
# shellcheck source=benches/authhook_bin.sh
source benches/authhook_bin.sh

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CORPUS=$WORK/corpus.$STYLE

echo "==> generating $SIZE $STYLE corpus (seed $SEED)" >&2
"$GEN_BIN" --size "$SIZE" --style "$STYLE" --seed "$SEED" >"$CORPUS" 2>"$WORK/gen.json"
BYTES=$(wc -c <"$CORPUS")
BYTES=${BYTES//[[:space:]]/}
GEN_SUMMARY=$(cat "$WORK/gen.json")

GNU_TIME=
if command -v /usr/bin/time >/dev/null 2>&1 && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
	GNU_TIME=/usr/bin/time
fi

# Warm the page cache so the first command does not pay for the disk.
cat "$CORPUS" >/dev/null

LABELS=()
SECONDS_BEST=()
MBPS=()
RSS=()
NOTES=()
FAILED=0

# run_once OK_CODES CMD [ARGS...]: runs CMD once with stdout to RUN_STDOUT (default /dev/null)
# and sets RUN_SECONDS, RUN_RSS (KiB, empty without GNU time) and RUN_OK (0 when the exit code
# is outside OK_CODES).
run_once() {
	local ok=$1 rc=0 start end out=${RUN_STDOUT:-/dev/null}
	shift
	start=$(date +%s.%N)
	if [[ -n $GNU_TIME ]]; then
		"$GNU_TIME" -f '%M' -o "$WORK/time" "$@" >"$out" 2>"$WORK/stderr" || rc=$?
	else
		"$@" >"$out" 2>"$WORK/stderr" || rc=$?
	fi
	end=$(date +%s.%N)
	RUN_OK=1
	if [[ " $ok " != *" $rc "* ]]; then
		echo "error: '$*' exited with status $rc; its stderr ends with:" >&2
		tail -n 20 "$WORK/stderr" >&2
		RUN_OK=0
	fi
	RUN_SECONDS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
	RUN_RSS=
	if [[ -n $GNU_TIME ]]; then
		# GNU time may put "Command exited with non-zero status N" first.
		RUN_RSS=$(tail -n 1 "$WORK/time")
		[[ $RUN_RSS =~ ^[0-9]+$ ]] || RUN_RSS=
	fi
}

# record LABEL BEST_SECONDS PEAK_RSS_KIB: adds a row to the table (BEST_SECONDS empty: failed).
record() {
	LABELS+=("$1")
	if [[ -z $2 ]]; then
		SECONDS_BEST+=(FAILED)
		MBPS+=(-)
		RSS+=(-)
		FAILED=1
		return 0
	fi
	SECONDS_BEST+=("$2")
	MBPS+=("$(awk -v b="$BYTES" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }')")
	if [[ -n $3 ]]; then
		RSS+=("$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }')")
	else
		RSS+=(-)
	fi
}

# The best (lowest) time and the highest peak RSS of each command so far, by key.
declare -A BEST=() PEAK=()

# keep_best KEY SECONDS RSS: remembers the lowest time and the highest peak RSS under KEY.
keep_best() {
	awk -v a="$2" -v b="${BEST[$1]:-inf}" 'BEGIN { exit !(a < b) }' && BEST[$1]=$2
	[[ -n $3 ]] && { [[ -z ${PEAK[$1]:-} ]] || (($3 > PEAK[$1])); } && PEAK[$1]=$3
	return 0
}

# bench LABEL OK_CODES CMD [ARGS...]
# Runs CMD RUNS times with stdout to /dev/null; an exit code outside OK_CODES
# (space separated) marks the command as failed.
bench() {
	local label=$1 ok=$2 i
	shift 2
	echo "==> $label" >&2
	for ((i = 1; i <= RUNS; i++)); do
		run_once "$ok" "$@"
		if ((!RUN_OK)); then
			record "$label" '' ''
			return 0
		fi
		keep_best "$label" "$RUN_SECONDS" "$RUN_RSS"
	done
	record "$label" "${BEST[$label]}" "${PEAK[$label]:-}"
}

# The authhook commands and the parse ceiling are timed in rounds: each round runs the ceiling
# once, then each authhook command once (with AUTHHOOK_BASELINE, the candidate and the baseline
# one after the other, which goes first swapping every round). A round's commands thus see the
# same machine, and each authhook time is also divided by the ceiling's of its own round: on a
# shared machine whose speed drifts by tens of percent from minute to minute, the median of
# those same-round ratios is steadier than the ratio of two best times taken minutes apart.
AUTHHOOK_LABELS=("check --quiet" "check --format ndjson")
if "$AUTHHOOK_BIN" stats --help >/dev/null 2>&1; then
	AUTHHOOK_LABELS+=("stats")
else
	NOTES+=("authhook stats: skipped, '$AUTHHOOK_BIN stats --help' failed")
fi
WHO=(candidate)
[[ -n ${AUTHHOOK_BASELINE:-} ]] && WHO+=(baseline)
CEILING_LABEL="parse ceiling (sonic-rs, 1 thread)"
CEILING=0
case $STYLE in
ndjson | log) CEILING=1 ;;
*) NOTES+=("parse ceiling: not run for the $STYLE style, where a payload is not one line of JSON (x ceiling shows -)") ;;
esac

declare -A SAME_ROUND=()
ceiling_ok=$CEILING ceiling_out=''

# run_ceiling: one run of examples/parse_ceiling, which prints one line,
# `bytes=N seconds=S parsed=P failed=F skipped=K checksum=C`; sets ROUND_CEILING to its
# parse-loop time (not the process's wall time: see the header), or clears ceiling_ok.
run_ceiling() {
	RUN_STDOUT=$WORK/ceiling.out run_once "0" "$CEILING_BIN" "$CORPUS"
	local line seconds
	line=$(head -n 1 "$WORK/ceiling.out")
	seconds=${line#*seconds=}
	seconds=${seconds%% *}
	if ((!RUN_OK)) || [[ $line != "bytes=$BYTES "* || ! $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		((RUN_OK)) && echo "error: unexpected output from $CEILING_BIN: '$line'" >&2
		ceiling_ok=0
		return 0
	fi
	keep_best ceiling "$seconds" "$RUN_RSS"
	[[ ${BEST[ceiling]} == "$seconds" ]] && ceiling_out=$line
	ROUND_CEILING=$seconds
}

# run_authhook LABEL WHO: one run of `authhook LABEL CORPUS` with WHO's binary.
run_authhook() {
	local key="$1|$2" bin=$AUTHHOOK_BIN
	[[ $2 == baseline ]] && bin=$AUTHHOOK_BASELINE
	[[ ${BEST[$key]:-} == FAILED ]] && return 0
	# shellcheck disable=SC2086 # the label is the command's words.
	run_once "0 1" "$bin" $1 "$CORPUS"
	if ((!RUN_OK)); then
		BEST[$key]=FAILED
		return 0
	fi
	keep_best "$key" "$RUN_SECONDS" "$RUN_RSS"
	if [[ -n $ROUND_CEILING ]]; then
		SAME_ROUND[$key]+="$(awk -v c="$ROUND_CEILING" -v s="$RUN_SECONDS" 'BEGIN { if (s > 0) printf "%.2f ", c / s }')"
	fi
}

for ((round = 1; round <= RUNS; round++)); do
	echo "==> round $round of $RUNS" >&2
	ROUND_CEILING=
	((ceiling_ok)) && run_ceiling
	order=("${WHO[@]}")
	((round % 2 == 0 && ${#WHO[@]} == 2)) && order=(baseline candidate)
	for label in "${AUTHHOOK_LABELS[@]}"; do
		for who in "${order[@]}"; do
			run_authhook "$label" "$who"
		done
	done
done

# median WORDS...: the median of numbers (the mean of the middle two for an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for label in "${AUTHHOOK_LABELS[@]}"; do
	for who in "${WHO[@]}"; do
		key="$label|$who" shown="authhook $label"
		[[ $who == baseline ]] && shown="  baseline"
		if [[ ${BEST[$key]:-FAILED} == FAILED ]]; then record "$shown" '' ''; else record "$shown" "${BEST[$key]}" "${PEAK[$key]:-}"; fi
		if [[ -n ${SAME_ROUND[$key]:-} && ${BEST[$key]} != FAILED ]]; then
			# shellcheck disable=SC2086 # one word per round.
			NOTES+=("$shown: x ceiling round by round ${SAME_ROUND[$key]% }, median $(median ${SAME_ROUND[$key]})")
		fi
	done
	if [[ ${#WHO[@]} == 2 && ${BEST[$label|candidate]:-FAILED} != FAILED && ${BEST[$label|baseline]:-FAILED} != FAILED ]]; then
		NOTES+=("$(awk -v l="authhook $label" -v c="${BEST[$label|candidate]}" -v b="${BEST[$label|baseline]}" \
			'BEGIN { printf "%s: candidate/baseline time %.3f (best of alternating runs)", l, c / b }')")
	fi
done

# Sanity check (not timed): a working checker reports something for every corpus.
produced=$({ "$AUTHHOOK_BIN" check --format ndjson "$CORPUS" 2>/dev/null || true; } | head -c 1 | wc -c)
if [[ ${produced//[[:space:]]/} == 0 ]]; then
	NOTES+=("'authhook check --format ndjson' printed nothing for this corpus; its timings are probably not meaningful")
fi

if ((CEILING)); then
	if ((ceiling_ok)); then
		record "$CEILING_LABEL" "${BEST[ceiling]}" "${PEAK[ceiling]:-}"
		NOTES+=("parse ceiling, best run: ${ceiling_out% checksum=*}; seconds is its parse loop alone (file already in memory), peak RSS holds the corpus; failed = lines from a '{' that are not a well-typed payload (the defective ones, and in the log style noise lines with braces)")
	else
		record "$CEILING_LABEL" '' ''
	fi
fi

# The same contract check as `authhook check`, written for jq.
JQ_CHECK='select(type=="object") | {ok: ((.customerId|type)=="string" and (.faceMatch|type)=="boolean" and (.recognitionConfidence|type)=="object" and (.overallScore|type)=="number" and (.overallStatus|IN("PASS","FAIL")) and (.overallScore>=0 and .overallScore<=1)), status: .overallStatus}'
JQ_FILTER=
case $STYLE in
ndjson) JQ_FILTER='fromjson? | '$JQ_CHECK ;;
log) JQ_FILTER='(capture("body=(?<j>\\{.*)$").j | fromjson?) | '$JQ_CHECK ;;
esac
JQ_LABEL="jq -R (fromjson? type check)"
if ! command -v jq >/dev/null 2>&1; then
	NOTES+=("jq: not installed, comparison skipped")
elif [[ -z $JQ_FILTER ]]; then
	NOTES+=("jq: the jq comparison is for the ndjson and log styles only, skipped for $STYLE")
else
	bench "$JQ_LABEL" "0" jq -R -c "$JQ_FILTER" "$CORPUS"
	NOTES+=("jq command: jq -R -c '$JQ_FILTER' FILE")
fi

echo
echo "corpus: $SIZE $STYLE, seed $SEED, $BYTES bytes"
echo "generator: $GEN_SUMMARY"
quiet_mbps=
jq_mbps=
ceiling_mbps=
for i in "${!LABELS[@]}"; do
	case ${LABELS[i]} in
	"authhook check --quiet") quiet_mbps=${MBPS[i]} ;;
	"$JQ_LABEL") jq_mbps=${MBPS[i]} ;;
	"$CEILING_LABEL") ceiling_mbps=${MBPS[i]} ;;
	esac
done

# ratio A B: A / B with two decimals, or - when either is not a measured throughput.
ratio() {
	if [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ && $2 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
	else
		echo -
	fi
}

echo "best of $RUNS runs; x ceiling and x jq: the row's MB/s divided by the parse ceiling's and jq's:"
echo
row='%-36s %10s %10s %14s %10s %10s\n'
# shellcheck disable=SC2059 # the format is the variable.
printf "$row" command seconds MB/s "peak RSS MiB" "x ceiling" "x jq"
# shellcheck disable=SC2059
printf "$row" ------------------------------------ ---------- ---------- -------------- ---------- ----------
for i in "${!LABELS[@]}"; do
	# shellcheck disable=SC2059
	printf "$row" "${LABELS[i]}" "${SECONDS_BEST[i]}" "${MBPS[i]}" "${RSS[i]}" \
		"$(ratio "${MBPS[i]}" "$ceiling_mbps")" "$(ratio "${MBPS[i]}" "$jq_mbps")"
done
if [[ -z $GNU_TIME ]]; then
	echo "(peak RSS not measured: GNU time is not installed as /usr/bin/time)"
fi
echo

if [[ $quiet_mbps =~ ^[0-9.]+$ && $jq_mbps =~ ^[0-9.]+$ ]]; then
	awk -v a="$quiet_mbps" -v j="$jq_mbps" \
		'BEGIN { if (j > 0) printf "authhook check --quiet vs jq: %.1fx the throughput\n", a / j }'
fi
if [[ $quiet_mbps =~ ^[0-9.]+$ && $ceiling_mbps =~ ^[0-9.]+$ ]]; then
	awk -v a="$quiet_mbps" -v c="$ceiling_mbps" \
		'BEGIN { if (c > 0) printf "authhook check --quiet vs the parse ceiling: %.2fx its throughput\n", a / c }'
fi
for note in "${NOTES[@]+"${NOTES[@]}"}"; do
	echo "note: $note"
done

cpu=$(grep -m1 -E '^(model name|Hardware|cpu model|Processor)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^[[:space:]]*//' || true)
echo "machine: $(nproc) CPUs, $(uname -m), ${cpu:-unknown CPU}"
ah_version=$("$AUTHHOOK_BIN" --version 2>/dev/null | head -n 1 || true)
sonic_version=$(grep -A1 '^name = "sonic-rs"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p' || true)
echo "tools: ${ah_version:-authhook (version unknown)}, $(jq --version 2>/dev/null || echo "no jq"), sonic-rs ${sonic_version:-(version unknown)}, $(rustc --version 2>/dev/null || echo "rustc unknown")"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

exit "$FAILED"
