"""Where the workers' CPU goes: the per-page step (`crawler.page.read_page`) over the benchmark's
generated article pages, split into its stages in this process, then whole in the crawl's pool:

    .venv/bin/python -m bench.page -n 1000            # medians of 3 rounds; the pool with 2 workers

The stages, as `read_page` runs them: the response's text, the loader (load and clean, with the
metadata and the generic stages where a page needs them), the content hash, the figure reader
(figures, documents, bounds) and the places of the figures. Then every page goes through a
`WorkerPool` as the crawl sends it, and the workers' own CPU (read from /proc) over the pages says
what the hand-off adds to the step in a worker: its tasks' pickling, the pool's queues.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from parsel import Selector
from scrapy.http import HtmlResponse

from bench.__main__ import proc_stat
from bench.sitegen import generate
from crawler.figures import Bounds, extract_rows
from crawler.items import content_hash
from crawler.loaders import load_article
from crawler.page import read_page
from crawler.places import place_figures
from crawler.sites import get_site
from crawler.workers import WorkerPool

STAGES = ("response", "loader", "hash", "figures", "places")


def article_pages(root: Path) -> list[tuple[str, bytes]]:
    site = get_site("baothanhhoa")
    pages = sorted(p for p in root.rglob("*.htm") if site.article_id(f"https://baothanhhoa.vn/{p.name}"))
    return [(f"https://baothanhhoa.vn/{p.name}", p.read_bytes()) for p in pages]


def stage_times(pages: list[tuple[str, bytes]]) -> dict[str, float]:
    """CPU milliseconds a page of each stage of `read_page`, in this process."""
    site, bounds = get_site("baothanhhoa"), Bounds()
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    for url, body in pages:
        t0 = clock()
        text = HtmlResponse(url=url, body=body, encoding="utf-8").text  # as `crawler.page.load_page` reads it
        t1 = clock()
        values = dict(load_article(Selector(text=text, type="html"), url, site).item)
        t2 = clock()
        values["content_hash"] = content_hash(values)
        t3 = clock()
        figures, _, _ = (
            extract_rows(values["body"], values.get("published_at"), bounds) if values.get("body") else ([], [], [])
        )
        t4 = clock()
        place_figures(figures, published=values.get("published_at"), title=values.get("title"))
        t5 = clock()
        for stage, start, end in zip(STAGES, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5), strict=True):
            spent[stage] += end - start
    return {stage: seconds * 1000 / len(pages) for stage, seconds in spent.items()}


def _cpu_seconds(pid: int) -> float:
    stat = proc_stat(Path(f"/proc/{pid}/stat"))
    if stat is None:
        raise RuntimeError(f"worker {pid} is gone")
    return stat[1]


def in_workers(pages: list[tuple[str, bytes]], workers: int) -> dict[str, float]:
    """`read_page` of every page through a pool of `workers`, as the crawl sends them: the workers' CPU
    milliseconds a page (started and warmed before the clock starts) and the wall-clock ones."""
    pool = WorkerPool(workers)
    bounds = Bounds()

    def task(url: str, body: bytes) -> Any:
        return pool.run(read_page, "baothanhhoa", body, url, "utf-8", figures=bounds)

    async def go() -> dict[str, float]:
        await asyncio.gather(*(task(url, body) for url, body in pages[: workers * 4]))  # started, warm
        pids = [worker.pid for worker in pool._executor._workers()]
        before, start = sum(_cpu_seconds(pid) for pid in pids), time.perf_counter()
        await asyncio.gather(*(task(url, body) for url, body in pages))
        wall = time.perf_counter() - start
        return {
            "workers_cpu_ms": (sum(_cpu_seconds(pid) for pid in pids) - before) * 1000 / len(pages),
            "wall_ms": wall * 1000 / len(pages),
        }

    try:
        return asyncio.run(go())
    finally:
        pool.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="articles in the generated site (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the pool (default 2)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1 or args.workers < 1:
        parser.error("-n, --rounds and --workers must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-page-") as work:
        generate(Path(work) / "site", args.n)
        pages = article_pages(Path(work) / "site")
    stage_times(pages[:50])  # the caches warm, the lazy tables built
    rounds = [stage_times(pages) for _ in range(args.rounds)]
    pooled = [in_workers(pages, args.workers) for _ in range(args.rounds)]
    stages = {stage: statistics.median(r[stage] for r in rounds) for stage in STAGES}
    total = statistics.median(sum(r.values()) for r in rounds)
    print(f"{len(pages)} article pages, medians of {args.rounds} rounds; CPU ms a page in this process:")
    for stage, ms in stages.items():
        print(f"  {stage:<10}{ms:>7.3f}  {ms / total:>4.0%}")
    print(f"  {'read_page':<10}{total:>7.3f}")
    workers_ms = statistics.median(p["workers_cpu_ms"] for p in pooled)
    wall_ms = statistics.median(p["wall_ms"] for p in pooled)
    share = workers_ms / total
    print(f"in a pool of {args.workers} workers: their CPU {workers_ms:.3f} ms a page "
          f"({share:.2f} of the step in this process), {wall_ms:.3f} ms of wall-clock time a page")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
