#!/usr/bin/env bash
# Load benchmark of `authhook listen` against a bare hyper server (benches/listen.rs).
#
# Usage: benches/listen.sh
#
# Builds the release binary, then runs `cargo bench --bench listen`, which starts
# `authhook listen --port 0 --format ndjson --record FILE` on 127.0.0.1 (its
# report and record in a temporary directory, removed at the end) and a bare
# hyper server in the bench's own process, and measures:
#
#   throughput  deliveries/s of each, alternately, their ratio, and the CPU
#               time each server spent per delivery
#   latency     p50/p99/max of the listener at a fixed rate
#   memory      the listener's peak RSS (VmHWM) with many keep-alive connections
#               open, and after the throughput runs
#
# Every answer must be 200 {"success":true} and the record must hold a line per
# delivery; the exit status is 1 otherwise, 2 on a usage error.
#
# Environment (passed through to the bench):
#   AUTHHOOK_BIN                   authhook binary to benchmark (default: the crate's,
#                                  built here in release; when set, nothing is built
#                                  for it)
#   LISTEN_BENCH_REQUESTS          requests per throughput run (default 100000)
#   LISTEN_BENCH_CONNECTIONS       keep-alive connections of the load (default 64)
#   LISTEN_BENCH_ROUNDS            bare/listen rounds (default 3)
#   LISTEN_BENCH_WARMUP            warm-up requests to each before (default 2000)
#   LISTEN_BENCH_RATE              requests/s of the latency run (default 2000)
#   LISTEN_BENCH_SECONDS           length of the latency run (default 5)
#   LISTEN_BENCH_IDLE_CONNECTIONS  connections held open for the memory figure (default 1000)
#   LISTEN_BENCH_DEADLINE          seconds the whole bench may take (default 120)
#   LISTEN_BENCH_CLIENT_THREADS    load generator threads (default: nproc)
#   CARGO_TARGET_DIR               honoured as cargo honours it

set -euo pipefail

if (($#)); then
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# shellcheck source=benches/authhook_bin.sh
source benches/authhook_bin.sh
export AUTHHOOK_BIN

# Both ends hold a descriptor per connection: the listener and the load
# generator each need more than the idle connections.
want=$((${LISTEN_BENCH_IDLE_CONNECTIONS:-1000} + 256))
if [[ $(ulimit -n) != unlimited ]] && (($(ulimit -n) < want)); then
	hard=$(ulimit -Hn)
	if [[ $hard == unlimited ]] || ((hard >= want)); then
		ulimit -n "$want"
	else
		echo "warning: open files limited to $(ulimit -n) (hard $hard); the memory run may fail" >&2
	fi
fi

echo "==> cargo bench --bench listen" >&2
exec cargo bench --bench listen
