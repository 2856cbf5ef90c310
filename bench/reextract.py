"""Time `baothanhhoa reextract` over a stored database (`python -m bench.reextract -n 20000`).

Stores N generated articles (bench/sitegen.py's text, no figures yet) in a fresh database, then
re-reads them all with one worker process and with one a core, each a `python -m crawler.reextract`
of its own, and reports the wall time, the articles per second and how busy the cores were (CPU
seconds of the command and its workers over wall seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sitegen import make_article
from crawler.storage import open_database, save_articles


def build(db_path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    db = open_database(db_path)
    try:
        batch = []
        for i in range(n):
            batch.append(make_article(i, rng).fields())
            if len(batch) == 500:
                save_articles(db, batch)
                batch = []
        if batch:
            save_articles(db, batch)
    finally:
        db.close()


def _children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and the workers it waited for
    return children.ru_utime + children.ru_stime


def timed(db_path: Path, workers: int) -> dict:
    """`baothanhhoa reextract` over `db_path` in a process of its own, as a user runs it: its workers
    fork from a fresh process. (Run in this one after another run, they forked a heap grown by it,
    and gave a third fewer articles a second with two workers.)"""
    cmd = [sys.executable, "-m", "crawler.reextract", "--db", str(db_path), "--workers", str(workers)]
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"bench.reextract: the command failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {"workers": workers, "articles": report["articles"], "changed": report["articles_changed"],
            "figures": report["figures_after"], "seconds": round(wall, 1),
            "articles_per_s": round(report["articles"] / wall), "cores_busy": round(cpu / wall, 2)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reextract", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20000, help="articles to store (default 20000)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-reextract-") as tmp:
        results = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores", "n": args.n}
        for workers in (1, os.cpu_count() or 1):
            db_path = Path(tmp) / f"w{workers}.db"
            t = time.perf_counter()
            build(db_path, args.n)
            results.setdefault("build_seconds", round(time.perf_counter() - t, 1))
            results[f"workers_{workers}"] = timed(db_path, workers)
    print(json.dumps(results, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
