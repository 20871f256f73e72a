#!/usr/bin/env python3
"""Measures `gen serve` on a generated corpus: start-up, then headline edits saved at a fixed
interval, each timed from the save to the first HTTP response of its page that carries the new
headline. Standard library only; run by bench/serve.sh (see bench/README.md).

    serve.py GEN CORPUS_DIR [--edits 10] [--interval 1.0] [--port 18111] [--incremental]

With --incremental, `gen serve --incremental` is started, stopped once it has settled (it keeps
its folder and caches in .gen-cache/serve/), and started again: the second start is timed
until the kept site is served and until its first build has caught up, and the edits go to
that second server.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


def get(url, timeout=30):
    """Body of a GET, or None (connection refused, 404 while the first build runs, ...)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def status(origin):
    body = get(origin + "/__gen/status")
    return json.loads(body) if body else None


def peak_rss_mib(pid):
    """The process's peak resident memory so far (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def english_articles(corpus, count):
    """`count` English articles spread over the corpus: (path, page URL path)."""
    root = os.path.join(corpus, "content", "en")
    files = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".md")
    )
    if len(files) < count:
        sys.exit(f"the corpus has {len(files)} English articles; {count} are needed")
    step = len(files) // count
    picked = []
    for path in files[step // 2 :: step][:count]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # gen's permalink: /yyyy/mm/dd/<slug>/ (the date as written, in its own offset).
        date = re.search(r"^date: (\d{4})-(\d{2})-(\d{2})", text, re.M)
        slug = os.path.basename(path)[:-3]
        picked.append((path, f"/{date[1]}/{date[2]}/{date[3]}/{slug}/"))
    return picked


def save_headline(path, headline):
    """Rewrites the `title:` line in place, as an editor's plain save does."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"^title: .*$", f'title: "{headline}"', text, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gen")
    ap.add_argument("corpus")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--port", type=int, default=18111)
    ap.add_argument("--timeout", type=float, default=120.0, help="per edit, seconds")
    ap.add_argument("--incremental", action="store_true", help="time a start from the kept folder")
    args = ap.parse_args()

    origin = f"http://127.0.0.1:{args.port}"
    targets = english_articles(args.corpus, args.edits)
    log = open(os.path.join(args.corpus, "..", "serve.log"), "w")
    # --verbose: serve.log gets each build's stages in milliseconds.
    cmd = [args.gen, "serve", "--verbose", "--root", args.corpus, "--port", str(args.port)]
    if args.incremental:
        cmd.append("--incremental")

    def start():
        """Starts gen serve; returns it, when its home page was first served and when its
        first build and follow-ups were done (seconds from the start)."""
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        running.append(proc)
        while True:
            if proc.poll() is not None:
                sys.exit(f"gen serve exited with {proc.returncode}; see serve.log")
            s = status(origin)
            if s and s.get("have_build") and get(origin + "/") is not None:
                break
            time.sleep(0.05)
        served = time.monotonic() - started
        while True:
            s = status(origin)
            if s and s["builds"] >= 1 and not s["pending"] and not s["building"]:
                break
            time.sleep(0.05)
        return proc, served, time.monotonic() - started

    running = []

    def stop(proc):
        running.remove(proc)
        proc.terminate()
        try:
            # It removes its served folder before it exits: about 600,000 files at 100,000
            # articles, more than 10 s on a disk. Killed midway, it would leave the rest in
            # TMPDIR (the next gen serve removes it). With --incremental it saves its caches.
            proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            proc.kill()

    try:
        proc, served, settled = start()
        print(f"start-up: first build served after {served:.2f} s, settled after {settled:.2f} s")
        if args.incremental:
            stop(proc)
            proc, served, settled = start()
            print(
                f"start-up from the kept folder: served after {served:.2f} s, "
                f"first build caught up and settled after {settled:.2f} s"
            )
        for _, page in targets:
            if get(origin + page) is None:
                sys.exit(f"{page} is not served: wrong permalink?")

        results = [None] * len(targets)

        def watch(i, page, marker, saved):
            deadline = saved + args.timeout
            while time.monotonic() < deadline:
                body = get(origin + page)
                if body is not None and marker in body:
                    results[i] = time.monotonic() - saved
                    return
                time.sleep(0.002)

        threads = []
        t0 = time.monotonic() + 0.5
        for i, (path, page) in enumerate(targets):
            at = t0 + i * args.interval
            time.sleep(max(0.0, at - time.monotonic()))
            headline = f"Bench edit {i + 1} of {os.getpid()}"
            save_headline(path, headline)
            saved = time.monotonic()
            t = threading.Thread(target=watch, args=(i, page, headline.encode(), saved))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
        last_saved = t0 + (len(targets) - 1) * args.interval
        while True:
            s = status(origin)
            if s and not s["pending"] and not s["building"]:
                break
            time.sleep(0.02)
        after = time.monotonic() - last_saved

        print(f"{'edit':>4}  {'page':<60}  {'save → served':>14}")
        for i, ((_, page), r) in enumerate(zip(targets, results)):
            shown = f"{r * 1000:.0f} ms" if r is not None else "not served"
            print(f"{i + 1:>4}  {page[:60]:<60}  {shown:>14}")
        ok = [r * 1000 for r in results if r is not None]
        if ok:
            print(
                f"save → served: median {statistics.median(ok):.0f} ms, max {max(ok):.0f} ms "
                f"({len(ok)} of {len(results)} served)"
            )
        s = status(origin) or {}
        print(
            f"after the last save, settled (follow-up done) in {after:.2f} s; "
            f"builds {s.get('builds')}, follow-ups {s.get('settles')}"
        )
        peak = peak_rss_mib(proc.pid)
        if peak is not None:
            print(f"gen serve's peak RSS: {peak:,.0f} MiB")
        return 0 if len(ok) == len(results) else 1
    finally:
        for proc in list(running):
            stop(proc)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
