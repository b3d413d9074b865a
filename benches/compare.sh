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
#   RUNS          runs per command, best one kept (default 3); the parse
#                 ceiling runs RUNS times too, after the authhook commands
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

# bench LABEL OK_CODES CMD [ARGS...]
# Runs CMD RUNS times with stdout to /dev/null; an exit code outside OK_CODES
# (space separated) marks the command as failed.
bench() {
	local label=$1 ok=$2 best='' rss='' i
	shift 2
	echo "==> $label" >&2
	for ((i = 1; i <= RUNS; i++)); do
		run_once "$ok" "$@"
		if ((!RUN_OK)); then
			record "$label" '' ''
			return 0
		fi
		awk -v a="$RUN_SECONDS" -v b="${best:-inf}" 'BEGIN { exit !(a < b) }' && best=$RUN_SECONDS
		[[ -n $RUN_RSS ]] && { [[ -z $rss ]] || ((RUN_RSS > rss)); } && rss=$RUN_RSS
	done
	record "$label" "$best" "$rss"
}

# bench_authhook LABEL OK_CODES ARGS...
# Times `authhook ARGS...`; with AUTHHOOK_BASELINE, the baseline binary too, the two runs
# alternating (which goes first swaps every run) so that both see the same machine, and notes
# the ratio of their best times.
bench_authhook() {
	local label=$1 ok=$2 i
	shift 2
	if [[ -z ${AUTHHOOK_BASELINE:-} ]]; then
		bench "authhook $label" "$ok" "$AUTHHOOK_BIN" "$@"
		return 0
	fi
	echo "==> authhook $label (alternating with the baseline)" >&2
	local -A best=() rss=()
	local order who bin
	for ((i = 1; i <= RUNS; i++)); do
		order="candidate baseline"
		((i % 2 == 0)) && order="baseline candidate"
		for who in $order; do
			bin=$AUTHHOOK_BIN
			[[ $who == baseline ]] && bin=$AUTHHOOK_BASELINE
			run_once "$ok" "$bin" "$@"
			((RUN_OK)) || { best[$who]=FAILED; continue; }
			[[ ${best[$who]:-} == FAILED ]] && continue
			awk -v a="$RUN_SECONDS" -v b="${best[$who]:-inf}" 'BEGIN { exit !(a < b) }' && best[$who]=$RUN_SECONDS
			[[ -n $RUN_RSS ]] && { [[ -z ${rss[$who]:-} ]] || ((RUN_RSS > rss[$who])); } && rss[$who]=$RUN_RSS
		done
	done
	for who in candidate baseline; do
		local shown="authhook $label"
		[[ $who == baseline ]] && shown="  baseline"
		if [[ ${best[$who]:-FAILED} == FAILED ]]; then record "$shown" '' ''; else record "$shown" "${best[$who]}" "${rss[$who]:-}"; fi
	done
	if [[ ${best[candidate]:-FAILED} != FAILED && ${best[baseline]:-FAILED} != FAILED ]]; then
		NOTES+=("$(awk -v l="authhook $label" -v c="${best[candidate]}" -v b="${best[baseline]}" \
			'BEGIN { printf "%s: candidate/baseline time %.3f (best of alternating runs)", l, c / b }')")
	fi
}

bench_authhook "check --quiet" "0 1" check --quiet "$CORPUS"
bench_authhook "check --format ndjson" "0 1" check --format ndjson "$CORPUS"
if "$AUTHHOOK_BIN" stats --help >/dev/null 2>&1; then
	bench_authhook "stats" "0 1" stats "$CORPUS"
else
	NOTES+=("authhook stats: skipped, '$AUTHHOOK_BIN stats --help' failed")
fi

# Sanity check (not timed): a working checker reports something for every corpus.
produced=$({ "$AUTHHOOK_BIN" check --format ndjson "$CORPUS" 2>/dev/null || true; } | head -c 1 | wc -c)
if [[ ${produced//[[:space:]]/} == 0 ]]; then
	NOTES+=("'authhook check --format ndjson' printed nothing for this corpus; its timings are probably not meaningful")
fi

# The parse ceiling: RUNS runs of examples/parse_ceiling, the best parse-loop time kept (not the
# process's wall time: see the header). It prints one line,
# `bytes=N seconds=S parsed=P failed=F skipped=K checksum=C`.
CEILING_LABEL="parse ceiling (sonic-rs, 1 thread)"
case $STYLE in
ndjson | log)
	echo "==> $CEILING_LABEL" >&2
	ceiling_best='' ceiling_rss='' ceiling_out='' ceiling_ok=1
	for ((i = 1; i <= RUNS; i++)); do
		RUN_STDOUT=$WORK/ceiling.out run_once "0" "$CEILING_BIN" "$CORPUS"
		line=$(head -n 1 "$WORK/ceiling.out")
		seconds=${line#*seconds=}
		seconds=${seconds%% *}
		if ((!RUN_OK)) || [[ $line != "bytes=$BYTES "* || ! $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
			((RUN_OK)) && echo "error: unexpected output from $CEILING_BIN: '$line'" >&2
			ceiling_ok=0
			break
		fi
		if awk -v a="$seconds" -v b="${ceiling_best:-inf}" 'BEGIN { exit !(a < b) }'; then
			ceiling_best=$seconds
			ceiling_out=$line
		fi
		[[ -n $RUN_RSS ]] && { [[ -z $ceiling_rss ]] || ((RUN_RSS > ceiling_rss)); } && ceiling_rss=$RUN_RSS
	done
	if ((ceiling_ok)); then
		record "$CEILING_LABEL" "$ceiling_best" "$ceiling_rss"
		NOTES+=("parse ceiling, best run: ${ceiling_out% checksum=*}; seconds is its parse loop alone (file already in memory), peak RSS holds the corpus; failed = lines from a '{' that are not a well-typed payload (the defective ones, and in the log style noise lines with braces)")
	else
		record "$CEILING_LABEL" '' ''
	fi
	;;
*)
	NOTES+=("parse ceiling: not run for the $STYLE style, where a payload is not one line of JSON (x ceiling shows -)")
	;;
esac

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
