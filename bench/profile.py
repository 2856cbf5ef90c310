"""Where the crawl process spends its CPU: the full crawler over the benchmark's generated site,
under cProfile, reported by component and by function.

    .venv/bin/python -m bench.profile -n 2000            # the table of components, the top 15 functions
    .venv/bin/python -m bench.profile -n 2000 --workers 0 --out /tmp/crawl.prof   # parsing in-process too

cProfile sees the crawl's main thread only (the worker processes and the pool's hand-off threads
are outside it) and slows what it sees, small functions most: read the shares, not the seconds.

    .venv/bin/python -m bench.profile -n 5000 --wall     # the main thread's wall-clock time (py-spy)

`--wall` samples the crawl with py-spy (installed by `make bench`) instead: how much of the event
loop's time it is busy, and where, with the time spent inside C code (SQLite's, lxml's) charged to
the Python line that called it. py-spy cannot tell a thread that runs from one that waits for a core
or the GIL: "busy" is "not waiting in the selector". cProfile counts CPU only.
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


def wall_report(samples: Path, top: int) -> str:
    """The crawl's main thread, from py-spy's raw samples (`stack;frames;... count` a line, the
    thread first): the share of samples the event loop waited in its selector, and each busy
    sample charged to the component of its innermost frame (a C call's time to its caller)."""
    busy: dict[str, int] = {}
    lines_: dict[str, int] = {}
    idle = total = 0
    for line in samples.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or "MainThread" not in frames[0]:
            continue
        n, leaf = int(count), frames[-1]
        total += n
        if leaf.startswith(("select (selectors.py", "poll (selectors.py")):  # the event loop, waiting
            idle += n
            continue
        function, _, where = leaf.rstrip(")").partition(" (")  # `function (path:line)`, the path relative
        name = component(f"/{where}({function}) {function}")
        busy[name] = busy.get(name, 0) + n
        lines_[leaf] = lines_.get(leaf, 0) + n
    if not total:
        return "no samples of the crawl's main thread"
    out = [f"the crawl process's main thread: {total} samples, busy {1 - idle / total:.1%} of its wall-clock time"]
    out += [f"  {n / total:6.1%}  {name}" for name, n in sorted(busy.items(), key=lambda kv: -kv[1])]
    out.append(f"top {top} lines by samples:")
    out += [f"  {n / total:6.1%}  {leaf}" for leaf, n in sorted(lines_.items(), key=lambda kv: -kv[1])[:top]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="articles in the generated site (default 2000)")
    parser.add_argument("--workers", default="auto", help="WORKER_PROCESSES (default: the crawler's own, auto)")
    parser.add_argument("--top", type=int, default=15, help="functions listed (default 15)")
    parser.add_argument("--out", type=Path, help="keep the raw profile here (for snakeviz, pstats)")
    parser.add_argument("--read", type=Path, help="report on a profile kept with --out earlier; crawl nothing")
    parser.add_argument("--wall", action="store_true", help="sample the wall-clock time with py-spy, not cProfile")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    if args.read:
        if not args.read.is_file():
            parser.error(f"no profile at {args.read}")
        print(wall_report(args.read, args.top) if args.wall else report(pstats.Stats(str(args.read)), args.n,
                                                                            args.workers, args.top))  # fmt: skip
        return 0
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if args.wall and spy is None:
        parser.error("--wall needs py-spy: `make bench` installs it (pip install py-spy)")
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    work.chmod(0o755)  # nginx's worker runs as another user
    try:
        counts = generate(work / "site", args.n)
        nginx = Nginx(work / "site", work / "nginx")
        out = args.out or work / ("crawl.spy" if args.wall else "crawl.prof")
        cmd = crawl_command(nginx.url, work / "bench.db", spider_args={"max_pages": str(counts["listing_pages"])},
                            settings={**SETTINGS, "WORKER_PROCESSES": args.workers})  # fmt: skip
        assert cmd[1:3] == ["-m", "scrapy"]
        if not args.wall:
            cmd = [sys.executable, "-c", RUNNER, str(out), *cmd[3:]]
        try:
            crawl = subprocess.Popen(
                cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            sampler = None
            try:
                if args.wall:  # attached to the crawl: py-spy as its parent fails when the crawl exits
                    sampler = subprocess.Popen(
                        [spy, "record", "--pid", str(crawl.pid), "--threads", "--idle", "--rate", "200", "--format",
                         "raw", "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                    )  # fmt: skip
                _, stderr = crawl.communicate()
                failed = crawl.returncode != 0
                if sampler is not None and sampler.wait(timeout=120) != 0 and not out.exists():
                    stderr, failed = stderr + (sampler.stderr.read() if sampler.stderr else ""), True
            finally:  # nothing left running: a sampler that did not start, or one that does not end
                for process in (crawl, sampler):
                    if process is not None and process.poll() is None:
                        process.kill()
                        process.wait()
        finally:
            nginx.stop()
        if failed:
            print(stderr[-2000:], file=sys.stderr)
            return 1
        print(wall_report(out, args.top) if args.wall else report(pstats.Stats(str(out)), args.n, args.workers,
                                                                   args.top))  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
