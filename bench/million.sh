#!/usr/bin/env bash
# Target 4 of the archive-scale issue: gen builds a million-article corpus on this machine.
#
#   bench/million.sh [N [BASE]]    default: N=1000000, BASE=100000 articles
#
# Builds the BASE corpus first and then the N corpus, one `gen build --timings` each under
# /usr/bin/time -v, and prints wall, CPU and peak RSS of both, every stage's time, what each
# grew by and the targets (peak RSS at most MAX_RSS_GIB; wall at most GROWTH × N/BASE times the
# BASE build's, i.e. 11× for 10× the articles). To try the script at a smaller scale first:
# `bench/million.sh 200000 20000`.
#
# Environment:
#   BENCH_DIR=target/million   corpora (on disk: a million articles are ~9.5 GiB of Markdown),
#                              the builders' logs, `time -v` output and report.txt
#   OUT_DIR=…          where the builds write; default: /dev/shm/gen-million if it has room for
#                      the estimated output beside MAX_RSS_GIB of build memory, else
#                      BENCH_DIR/out (on disk). Each output is deleted after it is measured
#                      unless KEEP=1.
#   GEN=/path/to/gen   the gen binary to time (default: target/release/gen, built by this script)
#   GEN_FLAGS=""       extra arguments for `gen build` (it always gets --timings)
#   MAX_RSS_GIB=12     the memory target, also reserved when choosing OUT_DIR
#   GROWTH=1.1         the wall-time target per unit of article growth: 1.1 for target 4 (a
#                      million against 100,000), 1.05 for target 2 (100,000 against 10,000:
#                      `MAX_RSS_GIB=1.5 GROWTH=1.05 bench/million.sh 100000 10000`)
#   KEEP_FREE_GIB=6    what the corpus and the output must leave free on their file systems
#   FORCE=1            generate and build even when that looks short
#   NICE=-20           scheduling priority of the builds when run as root (0: leave as is)
#
# A corpus is generated once (`examples/corpus.rs`, seed 1, in parallel, straight to disk) and
# reused while its stamp (N, seed, and the generator's source hash) matches. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

N=${1:-1000000}
BASE=${2:-100000}
for n in "$N" "$BASE"; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "usage: bench/million.sh [N [BASE]] (numbers of articles)" >&2; exit 2; }
done
[ "$BASE" -lt "$N" ] || { echo "BASE ($BASE) must be smaller than N ($N)" >&2; exit 2; }
BENCH_DIR=${BENCH_DIR:-$ROOT/target/million}
GEN_FLAGS=${GEN_FLAGS:-}
MAX_RSS_GIB=${MAX_RSS_GIB:-12}
GROWTH=${GROWTH:-1.1}
KEEP_FREE=$((${KEEP_FREE_GIB:-6} * 1073741824))
FORCE=${FORCE:-0}
KEEP=${KEEP:-0}
NICE=${NICE:--20}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }

say "building gen and the corpus generator (cargo build --release)"
if [ -z "${GEN:-}" ]; then cargo build --release --quiet; fi
cargo build --release --quiet --example corpus
GEN=${GEN:-$ROOT/target/release/gen}
CORPUS=$ROOT/target/release/examples/corpus

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
rm -rf "$BENCH_DIR/times" "$BENCH_DIR/logs"
mkdir -p "$BENCH_DIR/times" "$BENCH_DIR/logs"

prio=()
if [ "$NICE" != 0 ] && [ "$(id -u)" -eq 0 ]; then prio=(nice -n "$NICE"); fi

# Free bytes of the file system holding $1 (which may not exist yet).
free_bytes() {
    local d=$1
    while [ ! -e "$d" ]; do d=$(dirname "$d"); done
    df -B1 --output=avail "$d" | tail -n 1 | tr -d ' '
}
gib() { awk -v b="$1" 'BEGIN { printf "%.1f GiB", b / 1073741824 }'; }

# corpus N: generate the corpus of N articles unless a complete one with the same stamp exists.
corpus() {
    local n=$1 dir=$BENCH_DIR/corpus-$1
    local stamp
    stamp="n=$n seed=1 generator=$(sha256sum "$ROOT/examples/corpus.rs" | cut -c1-16)"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        say "reusing the corpus of $n articles in $dir ($stamp)"
        return
    fi
    # ~9.5 KiB of Markdown per article, and some room to spare.
    local need=$((n * 10 * 1024)) free
    rm -rf "$dir/content"
    free=$(free_bytes "$dir")
    if [ "$FORCE" != 1 ] && [ $((free - KEEP_FREE)) -lt "$need" ]; then
        echo "the corpus of $n articles needs about $(gib "$need") in $BENCH_DIR, and $(gib "$KEEP_FREE")" >&2
        echo "must stay free; $(gib "$free") free. Set BENCH_DIR to a larger disk, or FORCE=1." >&2
        exit 1
    fi
    say "generating $n articles into $dir (seed 1)"
    rm -f "$dir/.stamp"
    /usr/bin/time -v -o "$BENCH_DIR/times/corpus-$n.txt" \
        "$CORPUS" --n "$n" --out "$dir" --seed 1 >"$BENCH_DIR/logs/corpus-$n.log"
    cat "$BENCH_DIR/logs/corpus-$n.log" >&2
    echo "$stamp" >"$dir/.stamp"
}

# pick_out N: where the build of N articles writes, given the bytes the BASE build wrote.
pick_out() {
    local n=$1 est=$2
    if [ -n "${OUT_DIR:-}" ]; then echo "$OUT_DIR/out-$n"; return; fi
    local shm_free mem_avail reserve
    reserve=$(awk -v g="$MAX_RSS_GIB" 'BEGIN { printf "%d", g * 1073741824 }')
    shm_free=$(free_bytes /dev/shm)
    mem_avail=$(awk '/MemAvailable/ { printf "%.0f", $2 * 1024 }' /proc/meminfo)
    # Files in /dev/shm are memory: they must fit beside the build's own.
    if [ "$est" -lt "$shm_free" ] && [ $((est + reserve)) -lt "$mem_avail" ]; then
        echo "/dev/shm/gen-million/out-$n"
    else
        echo "$BENCH_DIR/out/out-$n"
    fi
}

# build N OUT: one timed build of the corpus of N articles into the empty folder OUT.
build() {
    local n=$1 out=$2
    local log=$BENCH_DIR/logs/gen-$n.log
    rm -rf "$out" "$out".* # gen may leave a sibling temp folder behind after a failure
    mkdir -p "$(dirname "$out")"
    sync
    # Both builds start with their corpus read once (as after a checkout), so the comparison
    # is of gen, not of whether the disk cache happened to keep the files of an earlier run.
    say "reading the corpus of $n articles once"
    find "$BENCH_DIR/corpus-$n" -type f -print0 | xargs -0 cat >/dev/null
    say "building $n articles into $out"
    # shellcheck disable=SC2086
    if ! "${prio[@]}" /usr/bin/time -v -o "$BENCH_DIR/times/gen-$n.txt" \
        "$GEN" build --root "$BENCH_DIR/corpus-$n" --output "$out" --timings $GEN_FLAGS >"$log" 2>&1; then
        echo "gen failed on $n articles; the end of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    echo "files $(find "$out" -type f | wc -l)" >"$BENCH_DIR/times/out-$n.txt"
    echo "bytes $(du -sb "$out" | cut -f1)" >>"$BENCH_DIR/times/out-$n.txt"
    echo "where $out" >>"$BENCH_DIR/times/out-$n.txt"
    if [ "$KEEP" != 1 ]; then rm -rf "$out"; fi
}

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
corpus "$BASE"
corpus "$N"

base_est=$((BASE * 120 * 1024)) # ~110 KiB per article at 10,000 and 100,000
out=$(pick_out "$BASE" "$base_est")
free=$(free_bytes "$out")
if [ "$FORCE" != 1 ] && [ $((free - KEEP_FREE)) -lt "$base_est" ]; then
    echo "not enough room for the output of $BASE articles in $(dirname "$out"): about $(gib "$base_est")" >&2
    echo "needed, and $(gib "$KEEP_FREE") must stay free; $(gib "$free") free. Set OUT_DIR, or FORCE=1." >&2
    exit 1
fi
build "$BASE" "$out"
base_bytes=$(awk '$1 == "bytes" { print $2 }' "$BENCH_DIR/times/out-$BASE.txt")
est=$((base_bytes / BASE * N * 11 / 10))
out=$(pick_out "$N" "$est")
free=$(free_bytes "$out")
say "the build of $N articles should write about $(gib "$est") into $out ($(gib "$free") free)"
if [ "$FORCE" != 1 ] && [ $((free - KEEP_FREE)) -lt "$est" ]; then
    echo "not enough room for the output of $N articles in $(dirname "$out"): about $(gib "$est") needed," >&2
    echo "and $(gib "$KEEP_FREE") must stay free; $(gib "$free") free. Set OUT_DIR to a larger file system," >&2
    echo "or FORCE=1 to try anyway." >&2
    exit 1
fi
build "$N" "$out"

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
    echo "gen: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit yet') $GEN_FLAGS"
    echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1 /proc/loadavg)"
    python3 - "$BENCH_DIR" "$BASE" "$N" "$MAX_RSS_GIB" "$GROWTH" <<'EOF'
import os, re, sys

bench, base, n, max_rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
growth = float(sys.argv[5])


def time_v(path):
    """Wall s, CPU s and peak RSS MiB from a `/usr/bin/time -v` file."""
    t = open(path, encoding="utf-8").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    cpu = sum(float(re.search(rf"{k} time \(seconds\): (\S+)", t).group(1)) for k in ("User", "System"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return secs, cpu, rss


def stages(size):
    log = open(os.path.join(bench, "logs", f"gen-{size}.log"), encoding="utf-8").read()
    return {m.group(1): float(m.group(2)) / 1000 for m in re.finditer(r"^\s+(\S+)\s+([0-9.]+) ms\b", log, re.M)}


def out(size):
    d = dict(line.split(" ", 1) for line in open(os.path.join(bench, "times", f"out-{size}.txt"), encoding="utf-8").read().splitlines())
    return int(d["files"]), int(d["bytes"]), d["where"]


for size in (base, n):
    p = os.path.join(bench, "times", f"corpus-{size}.txt")
    if os.path.exists(p):
        w, c, r = time_v(p)
        print(f"corpus of {size:,} articles generated in {w:.1f} s ({size / w:,.0f} articles/s), CPU {c:.1f} s, peak RSS {r:,.0f} MiB")
    else:
        print(f"corpus of {size:,} articles reused (stamp matched)")
print()
rows = {size: time_v(os.path.join(bench, "times", f"gen-{size}.txt")) for size in (base, n)}
print(f"{'articles':>10} {'wall s':>9} {'CPU s':>9} {'peak RSS MiB':>13} {'files':>10} {'GiB out':>8}  output in")
for size, (w, c, r) in rows.items():
    files, b, where = out(size)
    print(f"{size:>10,} {w:>9.1f} {c:>9.1f} {r:>13,.0f} {files:>10,} {b / 2**30:>8.2f}  {os.path.dirname(where)}")
(wb, cb, rb), (wn, cn, rn) = rows[base], rows[n]
k = n / base
print(f"{'growth':>10} {wn / wb:>8.2f}× {cn / cb:>8.2f}× {rn / rb:>12.2f}×  for {k:g}× the articles")
print()
sb, sn = stages(base), stages(n)
print(f"{'stage':<16} {f'{base:,} s':>10} {f'{n:,} s':>10} {'growth':>8}")
for name in list(dict.fromkeys([*sb, *sn])):
    a, b = sb.get(name), sn.get(name)
    g = f"{b / a:.2f}×" if a and b and a >= 0.05 else "–"
    fa = f"{a:.2f}" if a is not None else "–"
    fb = f"{b:.2f}" if b is not None else "–"
    print(f"{name:<16} {fa:>10} {fb:>10} {g:>8}")
print()
limit = growth * k
ok = lambda c: "met" if c else "MISSED"
print(f"target: peak RSS ≤ {max_rss:g} GiB: {rn / 1024:.2f} GiB, {ok(rn / 1024 <= max_rss)}")
print(f"target: wall ≤ {limit:.1f}× the {base:,}-article build: {wn / wb:.2f}×, {ok(wn / wb <= limit)}")
EOF
} | tee "$BENCH_DIR/report.txt"
say "report saved to $BENCH_DIR/report.txt; time -v output in $BENCH_DIR/times, logs in $BENCH_DIR/logs"
