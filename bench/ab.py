"""Compare the full crawler of two source trees, crawl for crawl, on one generated site:

    .venv/bin/python -m bench.ab -n 2000 --rounds 3 HEAD .     # the last commit against the working tree
    .venv/bin/python -m bench.ab -n 2000 0d38e2a HEAD          # any two revisions, or folders

This shared machine varies by ±15% from one run to the next, more than most changes of the per-page
path are worth; `make bench` runs each crawler once, minutes apart. Here the two trees crawl the same
site through the same nginx in turns (A, B, A, B, …), so a slow minute of the machine falls on both.
Two comparisons are printed: the ratio of the two medians, and the median of each round's own ratio
(B's crawl over the A crawl just before it), which one crawl caught by a slow minute of the machine
does not move. Only the full crawler runs (the bare spider is the same in both). A revision is exported with
`git archive` into the work folder; "." is the working tree as it is, uncommitted changes included.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.__main__ import SETTINGS, Nginx, run_measured
from bench.sitegen import generate
from demo.crawl import crawl_command
from demo.server import PROJECT_ROOT

MEASURES = {  # the column, and how to read it from one crawl
    "pages/s": lambda run, pages: pages / run["wall_s"],
    "crawl ms/page": lambda run, pages: run["cpu_s"] / pages * 1000,
    "workers ms/page": lambda run, pages: run["workers_cpu_s"] / pages * 1000,
    "peak RSS MB": lambda run, pages: run["peak_rss_mb"],
}


def source_tree(revision: str, work: Path) -> Path:
    """The folder holding `revision`'s sources: the project itself for ".", else an export."""
    if revision == ".":
        return PROJECT_ROOT
    path = Path(revision)
    if path.is_dir():
        return path.resolve()
    tree = work / "trees" / revision.replace("/", "_")
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", revision], capture_output=True, check=False)
    if archive.returncode:
        raise SystemExit(f"bench.ab: not a revision or folder: {revision} ({archive.stderr.decode().strip()})")
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def tree_env(tree: Path) -> dict[str, str]:
    """The environment that runs `tree`: its own packages first, before the project installed in the
    virtualenv."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))}


def crawl(
    tree: Path, url: str, db: Path, listing_pages: int, workers: str, nginx: Nginx, settings: dict | None = None
) -> tuple[dict, int | None]:
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    cmd = crawl_command(url, db, spider_args={"max_pages": str(listing_pages)},
                        settings={**SETTINGS, "WORKER_PROCESSES": workers, **(settings or {})})  # fmt: skip
    run = run_measured(cmd, nginx, cwd=tree, env=tree_env(tree))
    if run["exit_status"] != 0:
        raise SystemExit(f"bench: the crawl of {tree} exited {run['exit_status']}:\n{run['stderr_tail']}")
    if not db.exists():
        return run, None  # a crawl that stores nothing (bench.parts): its pages are the full crawl's
    conn = sqlite3.connect(db)
    try:
        run_id = conn.execute("select max(id) from crawl_runs").fetchone()[0]
        pages = conn.execute(
            "select value from run_stats where run_id = ? and key = 'response_received_count'", (run_id,)
        ).fetchone()[0]
    finally:
        conn.close()
    return run, int(pages)


@contextmanager
def work_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder that nginx's worker, another user, can read; removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    work.chmod(0o755)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def crawl_in_turns(
    contenders: dict[str, tuple[Path, dict]], work: Path, *, n: int, rounds: int, workers: str
) -> dict[str, list[dict]]:
    """Crawl one generated site of `n` articles with each contender (a source tree and its settings)
    in turns, `rounds` times, printing a row a crawl; each contender's rows. A crawl that stores
    nothing is credited with the pages of its round's first crawl (the same site, the same pages)."""
    width = max(map(len, contenders)) + 7
    counts = generate(work / "site", n)
    nginx = Nginx(work / "site", work / "nginx")
    runs: dict[str, list[dict]] = {label: [] for label in contenders}
    try:
        print(f"{'':{width}}" + "".join(f"{m:>17}" for m in MEASURES))
        for round_ in range(1, rounds + 1):
            first = 0
            for label, (tree, settings) in contenders.items():
                run, pages = crawl(
                    tree, nginx.url, work / "turns.db", counts["listing_pages"], workers, nginx, settings
                )
                pages = first = pages or first
                if not pages:
                    raise SystemExit(f"bench: {label} stored no crawl, and no crawl before it in the round did")
                row = {m: round(f(run, pages), 2) for m, f in MEASURES.items()}
                runs[label].append(row)
                print(f"{f'{label} {round_}':<{width}}" + "".join(f"{v:>17}" for v in row.values()), flush=True)
    finally:
        nginx.stop()
    return runs


def ratio(b: float, a: float) -> float:
    """b over a; nothing to compare (a measure of 0, as the workers' CPU with --workers 0) is nan."""
    return b / a if a else math.nan


def paired_ratio(a: list[dict], b: list[dict], measure: str) -> float:
    """The median, over the rounds, of b's value over a's in the same round. The host drifts within
    a run (by a fifth, in some runs); the two crawls of a round are seconds apart, and one crawl
    caught by a slow minute moves one round's ratio, where it can move either median."""
    ratios = [ratio(rb[measure], ra[measure]) for ra, rb in zip(a, b, strict=True) if ra[measure]]
    return statistics.median(ratios) if ratios else math.nan  # nothing to compare: no workers, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="a git revision, a folder, or . (the working tree)")
    parser.add_argument("b", help="the same, for the other crawler")
    parser.add_argument("-n", type=int, default=2000, help="articles in the generated site (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="crawls of each tree, in turns (default 3)")
    parser.add_argument("--workers", default="auto", help="WORKER_PROCESSES of both crawlers (default auto)")
    parser.add_argument("--json", type=Path, help="also write every run and the medians as JSON to this file")
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1:
        parser.error("-n and --rounds must be at least 1")
    with work_folder("bench-ab-") as work:
        trees = {label: (source_tree(rev, work), {}) for label, rev in (("A", args.a), ("B", args.b))}
        runs = crawl_in_turns(trees, work, n=args.n, rounds=args.rounds, workers=args.workers)
    medians = {
        label: {m: round(statistics.median(r[m] for r in rows), 2) for m in MEASURES} for label, rows in runs.items()
    }
    for label, revision in (("A", args.a), ("B", args.b)):
        print(f"{label} median  " + "".join(f"{v:>17}" for v in medians[label].values()) + f"   {revision}")
    print("B / A     " + "".join(f"{ratio(medians['B'][m], medians['A'][m]):>17.2f}" for m in MEASURES))
    paired = {m: round(paired_ratio(runs["A"], runs["B"], m), 3) for m in MEASURES}
    print("B / A by round (the median of each round's B over A):")
    print("          " + "".join(f"{v:>17.2f}" for v in paired.values()))
    if args.json:
        result = {"n": args.n, "a": args.a, "b": args.b, "workers": args.workers, "runs": runs, "medians": medians,
                  "paired_ratios": paired}  # fmt: skip
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
