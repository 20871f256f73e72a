#!/usr/bin/env bash
# Benchmark of `gen build --incremental` (the build cache) against a full build of the same
# archive, in one run: the publish of one new article, a headline fix, and a build with nothing
# changed, each in a new gen process, as CI runs them.
#
#   bench/incremental.sh [N...]     default: 100000 articles
#
# Environment:
#   RUNS=3              timed repetitions of each incremental case (a new article each time)
#   BENCH_DIR=/dev/shm/gen-inc-bench   where the corpus, its working copy and outputs go
#   GEN=/path/to/gen    the gen binary (default: target/release/gen, built by this script)
#   NICE=-20            priority of the timed builds when run as root (NICE=0 to turn off)
#   KEEP=1              keep BENCH_DIR afterwards (default: remove the copies and outputs)
#   CHECK=0             skip the final comparison with a full build (it needs a second output)
#
# For each N: generates the corpus (seed 1) once, copies it (the benchmark edits it), then times
#   full         gen build --clean (no cache), the baseline
#   cold         gen build --incremental without a cache (writes it)
#   unchanged    gen build --incremental, nothing changed
#   new article  a new English article dated after every other, gen build --incremental
#   headline     one article's title changed, gen build --incremental
# and finally checks that the incremental output equals a full build of the same files
# (diff -r). Prints wall time, CPU time, peak RSS and the share of the full build. See
# bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(100000); fi
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/incremental.sh [N...] (numbers of articles)" >&2; exit 2; }
done
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/dev/shm/gen-inc-bench}
NICE=${NICE:--20}
# A fixed build time: the same "now" for every build.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ ! -x /usr/bin/time ]; then
    say "installing GNU time"
    apt-get install -y -qq time >/dev/null
fi
say "building gen (cargo build --release)"
if [ -z "${GEN:-}" ]; then
    cargo build --release --quiet --bin gen
    GEN=$ROOT/target/release/gen
fi
CORPUS=$ROOT/target/release/examples/corpus

PRIO=()
if [ "$(id -u)" = 0 ] && [ "$NICE" != 0 ]; then PRIO=(nice -n "$NICE"); fi

# timed NAME ARGS...: runs gen with ARGS, appends "NAME wall user+sys rss_kib" to $RESULTS.
timed() {
    local name=$1; shift
    local t
    t=$(mktemp)
    "${PRIO[@]}" /usr/bin/time -f '%e %U %S %M' -o "$t" "$GEN" "$@" --timings >/dev/null 2>"$LOGS/$name.txt"
    read -r wall user sys rss <"$t"
    rm -f "$t"
    cpu=$(awk "BEGIN { print $user + $sys }")
    echo "$name $wall $cpu $rss" >>"$RESULTS"
    printf '    %-12s %8.2f s wall %8.2f s CPU %7d MiB\n' "$name" "$wall" "$cpu" $((rss / 1024)) >&2
}

mkdir -p "$BENCH_DIR"
for n in "${SIZES[@]}"; do
    corpus=$BENCH_DIR/corpus-$n
    if [ ! -f "$corpus/.complete" ]; then
        say "generating $n articles"
        cargo build --release --quiet --example corpus
        rm -rf "$corpus"
        "$CORPUS" --n "$n" --out "$corpus" --seed 1 >/dev/null
        touch "$corpus/.complete"
    fi
    site=$BENCH_DIR/site-$n
    out=$BENCH_DIR/out-$n
    rm -rf "$site" "$out" "$BENCH_DIR/full-$n"
    cp -a "$corpus" "$site"
    RESULTS=$(mktemp)
    # Each build's stage timings (`--timings`), the last run of each case.
    LOGS=$BENCH_DIR/timings-$n
    mkdir -p "$LOGS"
    say "$n articles: full build, then incremental builds"
    timed full build --root "$site" --output "$BENCH_DIR/full-$n" --clean -q
    rm -rf "$BENCH_DIR/full-$n"
    timed cold build --root "$site" --output "$out" --incremental -q
    cache=$(du -sm "$site/.gen-cache/build" | cut -f1)
    timed unchanged build --root "$site" --output "$out" --incremental -q
    model=$(find "$site/content/en" -name "*.md" | sort | sed -n 1p)
    for r in $(seq 1 "$RUNS"); do
        new=$site/content/en/2024/bench-new-article-$r.md
        sed -e "s/^title: .*/title: \"A new article, number $r, published into the archive\"/" \
            -e "s/^date: .*/date: 2024-12-31T1$r:00:00+00:00/" \
            -e '/^translation_of:/d' "$model" >"$new"
        timed "new-article" build --root "$site" --output "$out" --incremental -q
        edit=$(find "$site/content/en" -name '*.md' | sort | sed -n "$((r * 7))p")
        sed -i "s/^title: \"\(.*\)\"$/title: \"\1, corrected $r\"/" "$edit"
        timed headline build --root "$site" --output "$out" --incremental -q
    done
    if [ "${CHECK:-1}" = 0 ]; then
        echo "    (CHECK=0: the comparison with a full build is skipped)" >&2
    else
    say "checking the incremental output against a full build of the same files"
    "$GEN" build --root "$site" --output "$BENCH_DIR/full-$n" --clean -q
    if diff -rq "$out" "$BENCH_DIR/full-$n" >/dev/null; then
        echo "    same bytes as a full build: yes" >&2
    else
        echo "    same bytes as a full build: NO" >&2
        diff -rq "$out" "$BENCH_DIR/full-$n" | head -5 >&2
        exit 1
    fi
    fi
    python3 - "$RESULTS" "$n" "$cache" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n, cache = int(sys.argv[2]), sys.argv[3]
by = {}
for name, wall, cpu, rss in rows:
    by.setdefault(name, []).append((float(wall), float(cpu), int(rss) / 1024))
full = by["full"][0][0]
print(f"\n{n:,} articles (build cache {cache} MiB); medians of {len(by['new-article'])} runs where repeated")
print(f"{'build':<14}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}{'of full':>9}")
for name in ["full", "cold", "unchanged", "new-article", "headline"]:
    runs = by[name]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    rss = statistics.median(r[2] for r in runs)
    print(f"{name:<14}{wall:>9.2f}{cpu:>9.2f}{rss:>10.0f}{100 * wall / full:>8.1f}%")
EOF
    rm -f "$RESULTS"
    echo "    stage timings of each case: $LOGS/" >&2
    if [ -z "${KEEP:-}" ]; then rm -rf "$site" "$out" "$BENCH_DIR/full-$n"; fi
done
