#!/usr/bin/env bash
# Benchmark of the image pipeline: the corpus of bench/run.sh with one generated 2000×1333 JPEG
# lead photo per article (different content each, with camera EXIF), against the same corpus
# without photos.
#
#   bench/images.sh [N]        default: 1000 articles
#
# Environment: RUNS=3 (timed runs of each build; COLD_RUNS for the cold one), BENCH_DIR=/dev/shm/gen-bench-images,
# NICE=-20 (priority of the timed builds when run as root), GEN and EXAMPLES (binaries to use
# instead of building them).
#
# Prints, as medians:
#   - the build without photos (baseline),
#   - the cold build with photos (empty .gen-cache/images: every variant encoded) and the share
#     of it that is images (cold minus baseline),
#   - the warm build with photos (cache full: nothing encoded; a fresh output folder),
# and the bytes a reader downloads for one article page on first load (HTML + images the
# browser fetches), measured in headless Chromium from `performance` entries: 390 px wide at
# device pixel ratio 3 (a phone) and 1280 px at ratio 1 (a laptop). "Before" is that page's
# HTML, CSS and the original photo, which is what gen published before the pipeline existed
# (the page's related cards had no thumbnails then).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
N=${1:-1000}
RUNS=${RUNS:-3}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
BENCH_DIR=${BENCH_DIR:-/dev/shm/gen-bench-images}
NICE=${NICE:--20}
[[ "$N" =~ ^[0-9]+$ ]] || { echo "usage: bench/images.sh [N]" >&2; exit 2; }

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "needs chromium (apt-get install chromium)" >&2; exit 2; }

if [ -z "${GEN:-}" ]; then
    say "building gen and the generators (cargo build --release)"
    cargo build --release --quiet --bin gen --example corpus --example photos
fi
GEN=${GEN:-$ROOT/target/release/gen}
EXAMPLES=${EXAMPLES:-$ROOT/target/release/examples}
prio=()
if [ "$NICE" != 0 ] && [ "$(id -u)" -eq 0 ]; then prio=(nice -n "$NICE"); fi

mkdir -p "$BENCH_DIR"
PLAIN=$BENCH_DIR/plain-$N
PHOTOS=$BENCH_DIR/photos-$N
if [ ! -d "$PHOTOS/content" ]; then
    say "generating $N articles, and a copy with a 2000×1333 photo each"
    rm -rf "$PLAIN" "$PHOTOS"
    "$EXAMPLES/corpus" --n "$N" --out "$PLAIN" --seed 1 >/dev/null
    cp -r "$PLAIN" "$PHOTOS"
    "$EXAMPLES/photos" --corpus "$PHOTOS"
fi
du -sh "$PHOTOS/content" | awk '{print "corpus with photos: " $1}'

# seconds SITE OUT: wall time of one build of SITE into a fresh OUT.
seconds() {
    rm -rf "$2" "$2".*
    sync
    "${prio[@]}" /usr/bin/time -f '%e %U %S %M' -o "$BENCH_DIR/time.txt" "$GEN" build --root "$1" --output "$2" --timings >"$BENCH_DIR/last.log" 2>&1
    # Wall time on stdout; CPU time and peak RSS for the record (CPU is the fairer figure on a
    # busy machine).
    read -r wall user sys rss <"$BENCH_DIR/time.txt"
    echo "  $(basename "$1"): wall ${wall} s, CPU ${user} s user + ${sys} s sys, peak RSS $((rss / 1024)) MiB" >&2
    echo "$wall"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

say "baseline: $N articles without photos"
seconds "$PLAIN" "$BENCH_DIR/out-plain" >/dev/null # warm-up
base=$(for _ in $(seq "$RUNS"); do seconds "$PLAIN" "$BENCH_DIR/out-plain"; done | median)

say "cold: every variant encoded"
cold=$(for _ in $(seq "${COLD_RUNS:-$RUNS}"); do
    rm -rf "$PHOTOS/.gen-cache"
    seconds "$PHOTOS" "$BENCH_DIR/out-photos"
done | median)
grep -E '^\s+(images|render)\s' "$BENCH_DIR/last.log" | sed 's/^/  last cold run: /' >&2
variants=$(find "$PHOTOS/.gen-cache/images" -type f | wc -l)
cache_bytes=$(du -sb "$PHOTOS/.gen-cache/images" | cut -f1)

say "warm: the cache holds every variant"
warm=$(for _ in $(seq "$RUNS"); do seconds "$PHOTOS" "$BENCH_DIR/out-photos"; done | median)
grep -E '^\s+(images|render)\s' "$BENCH_DIR/last.log" | sed 's/^/  last warm run: /' >&2

# --- bytes a reader downloads ----------------------------------------------------------------

OUT=$BENCH_DIR/out-photos
page=$(find "$OUT" -path '*/index.html' | grep -E '/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/]+/index.html$' |
    sort | sed -n 1p)
rel=${page#"$OUT"/}
dir=${rel%index.html}
src_photo=$(find "$PHOTOS/content" -path "*/$(basename "$dir")/photo.jpg" | sed -n 1p)
cat >"$OUT/__measure.html" <<EOF
<!DOCTYPE html><meta charset="utf-8"><title>measure</title><body>
<script>
// The frame is made here, with its handler set before its page starts loading.
const f = document.createElement('iframe');
f.style.border = '0'; f.style.width = innerWidth + 'px'; f.style.height = innerHeight + 'px';
f.onload = () => setTimeout(() => {
  const w = f.contentWindow;
  const nav = w.performance.getEntriesByType('navigation')[0];
  let total = nav.encodedBodySize, images = 0;
  for (const r of w.performance.getEntriesByType('resource')) {
    total += r.encodedBodySize;
    if (r.initiatorType === 'img') images += r.encodedBodySize;
  }
  document.body.dataset.result = JSON.stringify({html: nav.encodedBodySize, images, total,
    lead: [...f.contentDocument.images].map(i => i.currentSrc.split('/').pop())});
}, 1500);
f.src = '/$dir';
document.body.appendChild(f);
</script>
EOF
python3 -m http.server 8719 --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
measure() { # WIDTH RATIO
    chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 \
        --window-size="$1",900 --force-device-scale-factor="$2" --dump-dom \
        "http://127.0.0.1:8719/__measure.html" 2>/dev/null |
        { grep -o 'data-result="[^"]*"' || echo 'data-result="{}"'; } |
        sed 's/^data-result="//; s/"$//; s/&quot;/"/g'
}
phone=$(measure 390 3)
laptop=$(measure 1280 1)
rm -f "$OUT/__measure.html"
original=$(stat -c %s "$src_photo")

python3 - "$N" "$base" "$cold" "$warm" "$variants" "$cache_bytes" "$original" "$phone" "$laptop" "/$dir" <<'EOF'
import json, sys
n, base, cold, warm = int(sys.argv[1]), *map(float, sys.argv[2:5])
variants, cache, original = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
phone, laptop, page = json.loads(sys.argv[8]), json.loads(sys.argv[9]), sys.argv[10]
kb = lambda b: f"{b / 1024:,.0f} KiB"
print(f"\n{n} articles, one 2000×1333 photo each ({variants} variant files, {cache / 2**20:,.0f} MiB in the cache)")
print(f"  build without photos   {base:6.2f} s")
print(f"  cold, every encode     {cold:6.2f} s   (images: {cold - base:.2f} s, {100 * (cold - base) / cold:.0f} % of the build; {1000 * (cold - base) / n:.0f} ms per photo)")
print(f"  warm, cache full       {warm:6.2f} s   ({warm - base:+.2f} s against no photos)")
print(f"\nreader's first load of {page} (original photo {kb(original)}):")
for name, m in (("390 px, 3×", phone), ("1280 px, 1×", laptop)):
    # Before: the same page without variants (its cards had no thumbnails), the original.
    before = m["total"] - m["images"] + original
    print(f"  {name:12} after {kb(m['total']):>9} (HTML {kb(m['html'])}, images {kb(m['images'])}: {', '.join(m['lead'])})"
          f"   before {kb(before):>9}   {100 * (1 - m['total'] / before):.0f} % less")
EOF
