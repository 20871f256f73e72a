#!/usr/bin/env python3
"""Summarise bench/run.sh measurements: medians per tool and corpus size, gen/Hugo ratios, growth.

Usage: stats.py BENCH_DIR N [N...]

Reads BENCH_DIR/times/<tool>-<N>-<run>.txt (GNU `time -v` output) and
BENCH_DIR/counts/<tool>-<N>.txt, prints one table per N and the growth between sizes, and writes
the medians to BENCH_DIR/results.json.
"""

import glob
import json
import os
import re
import statistics
import sys

TOOLS = [("gen", "gen"), ("hugo", "Hugo"), ("hugo-norelated", "Hugo, no related")]


def parse_time(path):
    text = open(path, encoding="utf-8").read()

    def field(label):
        m = re.search(r"^\s*" + re.escape(label) + r":\s*(.+)$", text, re.M)
        if not m:
            raise ValueError(f"{path}: no '{label}'")
        return m.group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    user = float(field("User time (seconds)"))
    system = float(field("System time (seconds)"))
    rss_kib = int(field("Maximum resident set size (kbytes)"))
    return {"wall": wall, "cpu": user + system, "rss_mib": rss_kib / 1024}


def parse_counts(path):
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            k, v = line.split()
            out[k] = int(v)
    return out


def summarise(bench_dir, n, tool):
    files = sorted(glob.glob(os.path.join(bench_dir, "times", f"{tool}-{n}-*.txt")))
    runs = [parse_time(f) for f in files]
    if not runs:
        return None
    s = {"runs": len(runs)}
    for k in ("wall", "cpu", "rss_mib"):
        vals = [r[k] for r in runs]
        s[k] = statistics.median(vals)
        s[k + "_min"] = min(vals)
        s[k + "_max"] = max(vals)
    s["counts"] = parse_counts(os.path.join(bench_dir, "counts", f"{tool}-{n}.txt"))
    return s


def gen_stages(bench_dir, n):
    """Median milliseconds per stage of gen's timed runs (`gen build --timings` in its logs)."""
    stages = {}
    for path in sorted(glob.glob(os.path.join(bench_dir, "logs", f"gen-{n}-*.log"))):
        if "warmup" in os.path.basename(path):
            continue
        for m in re.finditer(r"^\s+(\S+)\s+([0-9.]+) ms\b", open(path, encoding="utf-8").read(), re.M):
            stages.setdefault(m.group(1), []).append(float(m.group(2)))
    return {k: statistics.median(v) for k, v in stages.items()}


def fmt_ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bench_dir = sys.argv[1]
    sizes = [int(a) for a in sys.argv[2:]]
    results = {}
    for n in sizes:
        row = {tool: summarise(bench_dir, n, tool) for tool, _ in TOOLS}
        results[n] = row
        present = [(t, name) for t, name in TOOLS if row[t]]
        if not present:
            continue
        print()
        counts = ", ".join("%d %s" % (row[t]["runs"], name) for t, name in present)
        print(f"{n:,} articles — medians of {counts} runs")
        head = f"{'':18} {'wall s':>8} {'(min–max)':>13} {'CPU s':>8} {'peak RSS MiB':>13} {'.html':>8} {'articles':>8} {'.xml':>7} {'files':>8} {'MiB out':>8}"
        print(head)
        print("-" * len(head))
        for t, name in present:
            s = row[t]
            c = s["counts"]
            spread = f"({s['wall_min']:.2f}–{s['wall_max']:.2f})"
            print(
                f"{name:18} {s['wall']:8.2f} {spread:>13} {s['cpu']:8.2f} {s['rss_mib']:13.1f}"
                f" {c.get('html', 0):8,} {c.get('articles', 0):8,} {c.get('xml', 0):7,} {c.get('files', 0):8,}"
                f" {c.get('bytes', 0) / 2**20:8.1f}"
            )
        for t, label in (("hugo", "gen/Hugo"), ("hugo-norelated", "gen/Hugo, no rel.")):
            if row["gen"] and row[t]:
                g, h = row["gen"], row[t]
                print(
                    f"{label:18} {fmt_ratio(g['wall'], h['wall']):>8} {'':>13} {fmt_ratio(g['cpu'], h['cpu']):>8}"
                    f" {fmt_ratio(g['rss_mib'], h['rss_mib']):>13}"
                    f" {fmt_ratio(g['counts'].get('html', 0), h['counts'].get('html', 0)):>8}"
                )
        if row["gen"] and (row["hugo"] or row["hugo-norelated"]):
            print("targets (10,000 articles): wall ≤ 0.50× Hugo without related content, peak RSS ≤ 0.50×")
        stages = gen_stages(bench_dir, n)
        if row["gen"] is not None:
            row["gen"]["stages_ms"] = stages
        if stages:
            print("gen stages, median s: " + ", ".join(f"{k} {v / 1000:.2f}" for k, v in stages.items()))
    ordered = [n for n in sizes if any(results[n].values())]
    if len(ordered) >= 2:
        lo, hi = min(ordered), max(ordered)
        print()
        print(f"growth {lo:,} → {hi:,} articles (×{hi / lo:g} articles; target for gen: wall ≤ ×{1.1 * hi / lo:g})")
        for t, name in TOOLS:
            a, b = results[lo][t], results[hi][t]
            if a and b:
                print(
                    f"  {name:16} wall ×{b['wall'] / a['wall']:.2f}   CPU ×{b['cpu'] / a['cpu']:.2f}"
                    f"   peak RSS ×{b['rss_mib'] / a['rss_mib']:.2f}"
                )
                sa, sb = a.get("stages_ms", {}), b.get("stages_ms", {})
                grown = [f"{k} ×{sb[k] / sa[k]:.1f}" for k in sa if k in sb and sa[k] >= 50]
                if grown:
                    print("         stages (≥ 50 ms): " + ", ".join(grown))
    with open(os.path.join(bench_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump({str(k): v for k, v in results.items()}, f, indent=2)


if __name__ == "__main__":
    main()
