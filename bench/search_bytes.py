#!/usr/bin/env python3
"""What a search downloads, from a built site's search-index/ (format in src/search.rs).

    bench/search_bytes.py OUTPUT_DIR [LANG] [SAMPLES]

For SAMPLES keys of LANG (default en, 200) drawn at random (seed 1) among keys held by at least
ten articles — words a reader would search for — it adds up what the page fetches for a one-word
query: meta.json, the key's shard and the result fragments of the first ten results; and for
two-word queries (pairs of those keys) both shards and the fragments of the first ten articles
holding both. Sizes are gzip -6 (what a host's gzip serves) and raw. Prints the median, the 90th
percentile and the maximum, and the same for the most frequent key (the worst one-word query).
"""
import gzip
import json
import os
import random
import statistics
import sys


def varint(b, p):
    r = s = 0
    while True:
        c = b[p]
        p += 1
        r |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return r, p


def shard(path):
    b = open(path, "rb").read()
    p = 0
    n, p = varint(b, p)
    prev = b""
    out = {}
    for _ in range(n):
        sh, p = varint(b, p)
        ln, p = varint(b, p)
        key = prev[:sh] + b[p : p + ln]
        p += ln
        prev = key
        f, p = varint(b, p)
        if f & 2:
            ln, p = varint(b, p)
            p += ln
        post = []
        if f & 1:
            c, p = varint(b, p)
            d = 0
            for k in range(c):
                g, p = varint(b, p)
                d = g if k == 0 else d + g
                sc, p = varint(b, p)
                post.append((d, sc))
        if post:
            out[key.decode()] = post
    return out


size_cache = {}


def size(path):
    if path not in size_cache:
        raw = open(path, "rb").read()
        size_cache[path] = (len(gzip.compress(raw, 6)), len(raw))
    return size_cache[path]


def main():
    out = sys.argv[1]
    lang = sys.argv[2] if len(sys.argv) > 2 else "en"
    samples = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    root = os.path.join(out, "search-index")
    meta = json.load(open(os.path.join(root, "meta.json")))
    frag = meta["fragment"]
    L = next(l for l in meta["languages"] if l["code"] == lang)
    where = {}
    post = {}
    for n in range(len(L["shards"])):
        path = os.path.join(root, lang, f"{n}.bin")
        for k, v in shard(path).items():
            where[k] = path
            post[k] = v
    base = [os.path.join(root, "meta.json")]

    def cost(keys):
        files = set(base) | {where[k] for k in keys}
        scores = None
        for k in keys:
            d = dict(post[k])
            scores = d if scores is None else {x: scores[x] + d[x] for x in scores if x in d}
        top = sorted(scores, key=lambda x: (-scores[x], x))[:10]
        files |= {os.path.join(root, "docs", f"{x // frag}.json") for x in top}
        g = sum(size(f)[0] for f in files)
        r = sum(size(f)[1] for f in files)
        return g, r

    rng = random.Random(1)
    pool = sorted(k for k, v in post.items() if len(v) >= 10)
    one = [cost([k]) for k in rng.sample(pool, min(samples, len(pool)))]
    two = []
    for _ in range(min(samples, len(pool))):
        a, b = rng.sample(pool, 2)
        two.append(cost([a, b]))
    worst = max(post, key=lambda k: len(post[k]))

    def report(name, xs):
        g = sorted(x[0] for x in xs)
        r = sorted(x[1] for x in xs)
        p90 = g[int(len(g) * 0.9) - 1]
        print(
            f"{name}: median {statistics.median(g) / 1024:.1f} KiB gzip"
            f" ({statistics.median(r) / 1024:.1f} KiB raw), p90 {p90 / 1024:.1f} KiB,"
            f" max {g[-1] / 1024:.1f} KiB"
        )

    print(f"{lang}: {len(post)} keys, {len(L['shards'])} shards, {len(pool)} keys in >= 10 articles")
    report("one word", one)
    report("two words", two)
    g, r = cost([worst])
    print(f"most frequent key {worst!r} ({len(post[worst])} articles): {g / 1024:.1f} KiB gzip ({r / 1024:.1f} KiB raw)")


main()
