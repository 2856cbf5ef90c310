"""Python's cyclic garbage collector, set for a crawl (a Scrapy extension).

A crawl holds thousands of requests waiting in the scheduler, each a handful of dicts, and makes
young objects by the hundred a page. With Python's own thresholds (a collection each 700 new
objects, the oldest generation now and then) the collector walked that whole heap again and again:
1.5-2.2 CPU seconds of the crawl process in a crawl of 5,000 generated articles, more than all its
SQLite writes (`python -m bench -n 5000 --set GC_THRESHOLD=0`). From the spider's opening, the
objects of start-up (modules, patterns, settings) are frozen out of every later collection, and
the youngest generation is collected after GC_THRESHOLD new objects (default 10,000); cycles are
still collected, only less often. Memory stays bounded: at most that many objects wait for a
collection. At the engine's stop Python's settings come back, so a process that runs several
crawls (a test session) is left as it was. With GC_THRESHOLD = 0 Python's own settings stay.
Either way the run counts the collections and the CPU seconds they took (`gc/collections/gen0..2`,
`gc/seconds/gen0..2`, `gc/seconds` in all), written into its stats when it ends.

The collector is the process's: where one process runs several crawls at once (a script with
Scrapy's CrawlerProcess), the first to open sets it for all of them until the last stops (each
records the threshold in force in `gc/threshold`), and each counts every collection of the
process while it runs, its neighbours' included. `scrapy shell` opens a spider and never stops the
engine: its session keeps the crawl's settings.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from scrapy import signals

from crawler.ledger import RunLedger


class _Tuning:
    """The process's collector settings while at least one crawl runs in it."""

    def __init__(self) -> None:
        self.crawls = 0
        self.saved: tuple[int, int, int] | None = None

    def start(self, threshold: int) -> None:
        self.crawls += 1
        if self.crawls > 1:
            return
        self.saved = gc.get_threshold()
        gc.collect()  # the garbage of start-up is freed, not frozen for the crawl's life
        gc.freeze()
        gc.set_threshold(threshold, *self.saved[1:])

    def stop(self) -> None:
        if self.crawls == 0:
            return
        self.crawls -= 1
        if self.crawls == 0 and self.saved is not None:
            gc.set_threshold(*self.saved)
            gc.unfreeze()


_TUNING = _Tuning()


class GarbageCollection:
    """Sets the collector for the crawl (GC_THRESHOLD > 0); counts its collections under `gc/`.

    A collection may start at any allocation, in any thread: in the middle of a loop over the
    stats' dict (the store saving them), say. So the count of each collection goes to this
    object's own lists, and into the stats only at the run's end (before it is recorded)."""

    def __init__(self, threshold: int, stats: Any) -> None:
        self.threshold = threshold
        self.stats = stats
        self.opened = False
        self.collections = [0, 0, 0]  # of each generation
        self.seconds = [0.0, 0.0, 0.0]  # CPU seconds of each generation's collections
        self._began = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> GarbageCollection:
        extension = cls(crawler.settings.getint("GC_THRESHOLD"), crawler.stats)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.publish, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        RunLedger.of(crawler).before_finished(extension.publish)
        return extension

    def spider_opened(self) -> None:
        if self.opened:
            return
        self.opened = True
        if self.threshold > 0:
            _TUNING.start(self.threshold)
        self.stats.set_value("gc/frozen_objects", gc.get_freeze_count())
        self.stats.set_value("gc/threshold", gc.get_threshold()[0])
        gc.callbacks.append(self._count)

    def _count(self, phase: str, info: dict) -> None:
        # A collection's start and stop are in one thread, and collections never overlap.
        if phase == "start":
            self._began = time.thread_time()
            return
        generation = info["generation"]
        self.collections[generation] += 1
        self.seconds[generation] += time.thread_time() - self._began

    def publish(self) -> None:
        """The collections so far into the stats (at the spider's close, before the run is
        recorded, and at the engine's stop)."""
        for generation, (n, seconds) in enumerate(zip(self.collections, self.seconds, strict=True)):
            if n:
                self.stats.set_value(f"gc/collections/gen{generation}", n)
                self.stats.set_value(f"gc/seconds/gen{generation}", round(seconds, 3))
        if any(self.collections):
            self.stats.set_value("gc/seconds", round(sum(self.seconds), 3))

    def engine_stopped(self) -> None:
        if not self.opened:
            return
        self.opened = False
        try:
            if self._count in gc.callbacks:
                gc.callbacks.remove(self._count)
            self.publish()
        finally:  # Python's settings come back whatever happened before
            if self.threshold > 0:
                _TUNING.stop()
