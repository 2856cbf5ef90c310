"""Worker processes for the CPU-heavy, pure steps of the per-page path.

Parsing a page with the loader and reading its figures cost more CPU than the Scrapy engine's
whole handling of a page; in one process they cap the crawl. `WORKER_PROCESSES` (default 1)
worker processes take them, so the engine keeps its own core. The steps are pure functions of
bytes and text, so a worker gets bytes and returns plain values; with `WORKER_PROCESSES = 0`
they run in the crawl's process, as they did.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from scrapy import signals
from scrapy.exceptions import NotConfigured

T = TypeVar("T")
_pool: ProcessPoolExecutor | None = None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the crawl stops gracefully and ends the workers;
    # a worker that died of the same signal would take the items it held with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a worker process when there is a pool, else here."""
    if _pool is None:
        return fn(*args, **kwargs)
    return await asyncio.wrap_future(_pool.submit(fn, *args, **kwargs))


class WorkerPool:
    """Starts the pool when the spider opens and stops it, after its last task, when it closes."""

    def __init__(self, size: int) -> None:
        self.size = size

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerPool:
        size = crawler.settings.getint("WORKER_PROCESSES", 1)
        if size <= 0:
            raise NotConfigured("WORKER_PROCESSES is 0: the per-page steps run in the crawl's process")
        pool = cls(size)
        crawler.signals.connect(pool.open, signal=signals.spider_opened)
        crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    def open(self, spider: Any) -> None:
        global _pool
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            _pool = ProcessPoolExecutor(self.size, mp_context=context, initializer=_ignore_interrupts)

    def close(self) -> None:
        global _pool
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=False)
            _pool = None
