#!/usr/bin/env bash
# Benchmark of the search index: the corpus of bench/run.sh built with `[search]` on (the
# default) and off, then what a reader's query costs on the built site.
#
#   bench/search.sh [N…]        default: 10000 100000
#
# Environment: RUNS=3 (timed builds of each kind, medians; 0 builds once with search and
# measures only the index and the queries), BENCH_DIR=/dev/shm/gen-bench-search,
# NICE=-20 (priority of the timed builds when run as root), GEN and EXAMPLES (binaries to use
# instead of building them), QUERIES=9 (words timed in Chromium per size).
#
# Prints per size: wall time and peak RSS with and without search and the index's share of
# each; the index's size on disk and file count; bytes a one- and a two-word query download
# (bench/search_bytes.py, gzip as a host serves it); and query latency in headless Chromium
# against the built site served locally: a cold query (fresh browser: meta.json, the word's
# shard and the result fragments fetched), the same query again, and a second word once
# meta.json is cached (its shard fetched).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
RUNS=${RUNS:-3}
QUERIES=${QUERIES:-9}
BENCH_DIR=${BENCH_DIR:-/dev/shm/gen-bench-search}
NICE=${NICE:--20}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }

if [ -z "${GEN:-}" ]; then
    say "building gen and the corpus generator (cargo build --release)"
    cargo build --release --quiet --bin gen --example corpus
fi
GEN=${GEN:-$ROOT/target/release/gen}
EXAMPLES=${EXAMPLES:-$ROOT/target/release/examples}
prio=()
if [ "$NICE" != 0 ] && [ "$(id -u)" -eq 0 ]; then prio=(nice -n "$NICE"); fi
mkdir -p "$BENCH_DIR"

# build SITE OUT: one build into a fresh OUT; prints "wall_seconds peak_kib".
build() {
    rm -rf "$2" "$2".*
    sync
    "${prio[@]}" /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.txt" \
        "$GEN" build --root "$1" --output "$2" --timings >"$BENCH_DIR/last.log" 2>&1
    cat "$BENCH_DIR/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

PORT=8731
for N in "${SIZES[@]}"; do
    ON=$BENCH_DIR/site-$N
    OFF=$BENCH_DIR/site-$N-nosearch
    if [ ! -d "$ON/content" ]; then
        say "generating $N articles"
        rm -rf "$ON" "$OFF"
        "$EXAMPLES/corpus" --n "$N" --out "$ON" --seed 1 >/dev/null
    fi
    # The same content, with [search] off (hard links: gen refuses symbolic links out of the
    # site folder).
    rm -rf "$OFF"
    mkdir -p "$OFF"
    cp -al "$ON/content" "$OFF/content"
    [ -e "$ON/people.yaml" ] && cp "$ON/people.yaml" "$OFF/"
    { cat "$ON/site.toml"; printf '\n[search]\nenabled = false\n'; } >"$OFF/site.toml"

    say "$N articles: $RUNS builds with search, $RUNS without (alternating)"
    build "$ON" "$BENCH_DIR/out-$N" >/dev/null # warm-up
    : >"$BENCH_DIR/on.txt"
    : >"$BENCH_DIR/off.txt"
    for _ in $(seq "$RUNS"); do
        build "$OFF" "$BENCH_DIR/out-$N-off" >>"$BENCH_DIR/off.txt"
        build "$ON" "$BENCH_DIR/out-$N" >>"$BENCH_DIR/on.txt"
    done
    rm -rf "$BENCH_DIR/out-$N-off"
    if [ "$RUNS" = 0 ]; then echo "0 0" >"$BENCH_DIR/on.txt"; echo "0 0" >"$BENCH_DIR/off.txt"; fi
    grep -E '^\s+\S' "$BENCH_DIR/last.log" | sed 's/^/  last build with search: /' >&2
    on_wall=$(cut -d' ' -f1 "$BENCH_DIR/on.txt" | median)
    on_rss=$(cut -d' ' -f2 "$BENCH_DIR/on.txt" | median)
    off_wall=$(cut -d' ' -f1 "$BENCH_DIR/off.txt" | median)
    off_rss=$(cut -d' ' -f2 "$BENCH_DIR/off.txt" | median)
    OUT=$BENCH_DIR/out-$N
    idx_bytes=$(du -sb "$OUT/search-index" | cut -f1)
    idx_files=$(find "$OUT/search-index" -type f | wc -l)
    all_files=$(find "$OUT" -type f | wc -l)
    bytes=$(python3 bench/search_bytes.py "$OUT" en 200)

    # Query latency: words from English headlines of the built site, each in a fresh browser.
    mapfile -t words < <(python3 - "$OUT" "$QUERIES" <<'EOF'
import json, random, sys
out, k = sys.argv[1], int(sys.argv[2])
heads = []
import glob
for f in sorted(glob.glob(f"{out}/search-index/docs/*.json"))[:20]:
    for d in json.load(open(f)):
        if d["l"] == "en":
            heads.append(d["h"])
random.seed(1)
words = [w.strip(".,:;!?«»\"'()") for h in heads for w in h.split()]
words = sorted({w.lower() for w in words if len(w) >= 5 and w.isalpha()})
random.shuffle(words)
for i in range(0, 2 * k, 2):
    print(words[i], words[i + 1])
EOF
)
    cat >"$OUT/__latency.html" <<'EOF'
<!DOCTYPE html><meta charset="utf-8"><title>latency</title><body>
<script>
// Times queries typed into the site's search page, inside a frame of the same origin.
const [w1, w2] = new URLSearchParams(location.search).get("w").split(" ");
const f = document.createElement("iframe");
f.style.width = "1280px"; f.style.height = "900px";
function query(word) {
  const d = f.contentDocument, list = d.getElementById("search-results");
  const status = d.getElementById("search-status");
  const T = JSON.parse(d.getElementById("search-form").getAttribute("data-strings"));
  return new Promise(done => {
    const t0 = performance.now();
    const check = () => {
      if (status.textContent && status.textContent !== T.loading &&
          (list.children.length > 0 || status.textContent === T.none)) {
        obs.disconnect(); done([performance.now() - t0, list.children.length]);
      }
    };
    const obs = new MutationObserver(check);
    obs.observe(d.body, {childList: true, subtree: true, characterData: true});
    d.getElementById("search-q").value = word;
    d.getElementById("search-form").dispatchEvent(new Event("submit", {cancelable: true}));
  });
}
f.onload = async () => {
  const cold = await query(w1), again = await query(w1), second = await query(w2);
  document.body.dataset.result = JSON.stringify({cold, again, second});
};
f.src = "/search/";
document.body.appendChild(f);
</script>
EOF
    python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
    server=$!
    sleep 1
    : >"$BENCH_DIR/latency.txt"
    for pair in "${words[@]}"; do
        prof=$(mktemp -d)
        chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$prof" \
            --virtual-time-budget=20000 --window-size=1300,950 --dump-dom \
            "http://127.0.0.1:$PORT/__latency.html?w=${pair// /%20}" 2>/dev/null |
            { grep -o 'data-result="[^"]*"' || echo 'data-result="{}"'; } |
            sed 's/^data-result="//; s/"$//; s/&quot;/"/g' >>"$BENCH_DIR/latency.txt"
        rm -rf "$prof"
    done
    kill "$server" 2>/dev/null || true
    rm -f "$OUT/__latency.html"

    python3 - "$N" "$on_wall" "$on_rss" "$off_wall" "$off_rss" "$idx_bytes" "$idx_files" \
        "$all_files" "$BENCH_DIR/latency.txt" "$bytes" <<'EOF'
import json, statistics, sys
n = int(sys.argv[1])
on_wall, on_rss, off_wall, off_rss = map(float, sys.argv[2:6])
idx_bytes, idx_files, all_files = map(int, sys.argv[6:9])
lat = [json.loads(l) for l in open(sys.argv[9]) if l.strip() not in ("", "{}")]
print(f"\n{n} articles")
if off_wall > 0:
    print(f"  build without search  {off_wall:7.2f} s  {off_rss / 1024:7.0f} MiB")
    print(f"  build with search     {on_wall:7.2f} s  {on_rss / 1024:7.0f} MiB"
          f"   (+{100 * (on_wall / off_wall - 1):.0f} % time, +{100 * (on_rss / off_rss - 1):.0f} % peak RSS)")
print(f"  index: {idx_bytes / 2**20:,.1f} MiB in {idx_files:,} files (site: {all_files:,} files)")
print("  bytes per query:")
for line in sys.argv[10].splitlines():
    print("    " + line)
if lat:
    med = lambda k: statistics.median(x[k][0] for x in lat)
    mx = lambda k: max(x[k][0] for x in lat)
    hits = statistics.median(x["cold"][1] for x in lat)
    print(f"  latency in Chromium, {len(lat)} queries (median / max ms; median {hits:.0f} results shown):")
    print(f"    cold (fresh browser)          {med('cold'):6.0f} / {mx('cold'):6.0f}")
    print(f"    same query again              {med('again'):6.0f} / {mx('again'):6.0f}")
    print(f"    another word, meta cached     {med('second'):6.0f} / {mx('second'):6.0f}")
else:
    print("  latency: no measurement (Chromium gave no result)")
EOF
done
