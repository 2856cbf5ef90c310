"""Where the crawl process spends its CPU: the full crawler over the benchmark's generated site,
under cProfile, reported by component and by function.

    .venv/bin/python -m bench.profile -n 2000            # the table of components, the top 15 functions
    .venv/bin/python -m bench.profile -n 2000 --workers 0 --out /tmp/crawl.prof   # parsing in-process too

cProfile sees the crawl's main thread only (the worker processes and the pool's hand-off threads
are outside it) and slows what it sees, small functions most: read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.__main__ import SETTINGS, Nginx
from bench.sitegen import generate
from demo.crawl import crawl_command
from demo.server import PROJECT_ROOT

# Each function's own time goes to the first component whose pattern its file matches.
COMPONENTS = (
    ("startup (imports, settings)",
     r"<frozen importlib|importlib|/(re|sre_\w+|_parser|_compiler)\.py|marshal|__build_class__|posix\.stat"),
    ("SQLite (storage, sqlite-utils, the C calls)",
     r"crawler/storage\.py|pipelines/store\.py|sqlite_utils|sqlite3\.|method 'execute"),
    ("worker hand-off (pool, pickling)", r"crawler/workers\.py|concurrent/futures|multiprocessing|pickle"),
    ("our spider, pipelines, ledger, middlewares", r"/(crawler|pipelines|spiders)/"),
    ("parsing listings (parsel, lxml, cssselect)", r"parsel|lxml|cssselect|w3lib/html"),
    ("Scrapy engine, downloader, middlewares", r"scrapy/"),
    ("Twisted and asyncio (network, event loop)",
     r"twisted|asyncio|selectors|socket|select\.epoll|method 'recv|method 'send"),
)  # fmt: skip


# `scrapy …` under cProfile, timed by the main thread's CPU (not the wall clock: waiting is no cost).
RUNNER = """
import cProfile, sys, time
from scrapy.cmdline import execute
out, sys.argv = sys.argv[1], ["scrapy", *sys.argv[2:]]
profile, code = cProfile.Profile(time.thread_time), 0
profile.enable()
try:
    execute()
except SystemExit as exc:
    code = exc.code
finally:
    profile.disable()
    profile.dump_stats(out)
sys.exit(code)
"""


def component(location: str) -> str:
    for name, pattern in COMPONENTS:
        if re.search(pattern, location):
            return name
    return "other (Python built-ins, urllib, logging, …)"


def breakdown(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time by component, largest first, as shares of the whole. The time of a function of no
    component (a built-in such as isinstance, urllib, weakref, …) is charged to its callers'."""
    table = stats.stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}

    def charge(func: tuple, amount: float, depth: int = 0) -> None:
        path, line, name = func
        key = component(f"{path}:{line}({name}) {name}")
        callers = table.get(func, (0, 0, 0, 0, {}))[4]
        if key.startswith("other") and callers and depth < 4:
            weight = sum(c[2] for c in callers.values()) or 1.0
            for caller, c in callers.items():
                charge(caller, amount * c[2] / weight, depth + 1)
            return
        totals[key] = totals.get(key, 0.0) + amount

    for func, (_, _, own, _, _) in table.items():
        charge(func, own)
    whole = sum(totals.values()) or 1.0
    return sorted(((k, v / whole) for k, v in totals.items()), key=lambda kv: -kv[1])


def top_functions(stats: pstats.Stats, n: int) -> list[tuple[float, int, str]]:
    whole = sum(v[2] for v in stats.stats.values()) or 1.0  # type: ignore[attr-defined]
    rows = [
        (own / whole, calls, f"{Path(path).name}:{line}({name})" if path != "~" else name)
        for (path, line, name), (_, calls, own, _, _) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    return sorted(rows, reverse=True)[:n]


def report(stats: pstats.Stats, n: int, workers: str, top: int) -> str:
    pages = n + n // 20 + 1  # the articles, their listing pages (20 stories each), robots.txt
    total = stats.total_tt  # type: ignore[attr-defined]
    lines = [f"N={n}, WORKER_PROCESSES={workers}: the crawl process's main thread, {total:.1f} CPU s under the "
             f"profiler ({total / pages * 1000:.2f} ms a page)"]  # fmt: skip
    lines += [f"  {share:6.1%}  {name}" for name, share in breakdown(stats)]
    lines.append(f"top {top} functions by own time:")
    lines += [f"  {share:6.1%}  {calls:>9}  {where}" for share, calls, where in top_functions(stats, top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="articles in the generated site (default 2000)")
    parser.add_argument("--workers", default="auto", help="WORKER_PROCESSES (default: the crawler's own, auto)")
    parser.add_argument("--top", type=int, default=15, help="functions listed (default 15)")
    parser.add_argument("--out", type=Path, help="keep the raw profile here (for snakeviz, pstats)")
    parser.add_argument("--read", type=Path, help="report on a profile kept with --out earlier; crawl nothing")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    if args.read:
        if not args.read.is_file():
            parser.error(f"no profile at {args.read}")
        print(report(pstats.Stats(str(args.read)), args.n, args.workers, args.top))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    work.chmod(0o755)  # nginx's worker runs as another user
    try:
        counts = generate(work / "site", args.n)
        nginx = Nginx(work / "site", work / "nginx")
        out = args.out or work / "crawl.prof"
        cmd = crawl_command(nginx.url, work / "bench.db", spider_args={"max_pages": str(counts["listing_pages"])},
                            settings={**SETTINGS, "WORKER_PROCESSES": args.workers})  # fmt: skip
        assert cmd[1:3] == ["-m", "scrapy"]
        cmd = [sys.executable, "-c", RUNNER, str(out), *cmd[3:]]
        try:
            done = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
        finally:
            nginx.stop()
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        print(report(pstats.Stats(str(out)), args.n, args.workers, args.top))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
