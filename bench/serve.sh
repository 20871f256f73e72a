#!/usr/bin/env bash
# Benchmark of `gen serve` at scale: start-up, and headline edits saved every second, each timed
# from the save to the first response of its page that carries the new headline.
#
#   bench/serve.sh [N...]      default: 10000 articles
#
# Environment:
#   EDITS=10            headline edits (each on another English article, spread over the corpus)
#   INTERVAL=1.0        seconds between saves
#   PORT=18111          port for gen serve
#   BENCH_DIR=/dev/shm/gen-serve-bench   where corpora go (a fresh copy per run; deleted after)
#   GEN=/path/to/gen    the gen binary (default: target/release/gen, built by this script)
#   INCREMENTAL=1       run `gen serve --incremental`: start, stop, and time a second start
#                       from the folder and caches the first one kept in .gen-cache/serve/
#
# Builds gen and the corpus generator (release), generates each corpus (seed 1), copies it (the
# edits change it), and runs bench/serve.py on the copy. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(10000); fi
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/serve.sh [N...] (numbers of articles)" >&2; exit 2; }
done
EDITS=${EDITS:-10}
INTERVAL=${INTERVAL:-1.0}
PORT=${PORT:-18111}
BENCH_DIR=${BENCH_DIR:-/dev/shm/gen-serve-bench}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

say "building gen and the corpus generator (cargo build --release)"
if [ -z "${GEN:-}" ]; then
    cargo build --release --quiet --bin gen
    GEN=$ROOT/target/release/gen
fi
cargo build --release --quiet --example corpus
CORPUS=$ROOT/target/release/examples/corpus

mkdir -p "$BENCH_DIR"
for n in "${SIZES[@]}"; do
    base=$BENCH_DIR/corpus-$n
    if [ ! -f "$base/site.toml" ]; then
        say "generating $n articles into $base"
        "$CORPUS" --n "$n" --out "$base" --seed 1 >/dev/null
    fi
    work=$BENCH_DIR/run-$n
    rm -rf "$work"
    mkdir -p "$work"
    # The contents, so that a corpus folder given as a symbolic link is copied, not linked to.
    mkdir -p "$work/site"
    cp -r "$base/." "$work/site/"
    say "gen serve on $n articles: $EDITS headline edits, one every $INTERVAL s"
    status=0
    python3 "$ROOT/bench/serve.py" "$GEN" "$work/site" --edits "$EDITS" --interval "$INTERVAL" \
        --port "$PORT" ${INCREMENTAL:+--incremental} || status=$?
    echo "(gen serve's output: $work/serve.log)"
    rm -rf "$work/site"
    [ "$status" -eq 0 ] || exit "$status"
done
