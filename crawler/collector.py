"""Python's cyclic garbage collector, set for a crawl (a Scrapy extension).

A crawl holds thousands of requests waiting in the scheduler, each a handful of dicts, and makes
young objects by the hundred a page. With Python's own thresholds (a collection each 700 new
objects, the oldest generation now and then) the collector walked that whole heap again and again:
1.6-1.9 CPU seconds of the crawl process in a crawl of 5,000 generated articles, more than all its
SQLite writes (`python -m bench -n 5000 --set GC_THRESHOLD=0`). From the spider's opening, the
objects of start-up (modules, patterns, settings) are frozen out of every later collection, and
the youngest generation is collected after GC_THRESHOLD new objects (default 10,000); cycles are
still collected, only less often. Memory stays bounded: at most that many objects wait for a
collection. At the engine's stop Python's settings come back, so a process that runs several
crawls (a test session) is left as it was. With GC_THRESHOLD = 0 Python's own settings stay.
Either way the run counts the collections and the CPU seconds they took (`gc/collections/gen0..2`,
`gc/seconds/gen0..2`, `gc/seconds` in all).
"""

from __future__ import annotations

import gc
import time
from typing import Any

from scrapy import signals


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
    """Sets the collector for the crawl (GC_THRESHOLD > 0); counts its collections under `gc/`."""

    def __init__(self, threshold: int, stats: Any) -> None:
        self.threshold = threshold
        self.stats = stats
        self.opened = False
        self.seconds = [0.0, 0.0, 0.0]  # CPU seconds of each generation's collections
        self._began = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> GarbageCollection:
        extension = cls(crawler.settings.getint("GC_THRESHOLD"), crawler.stats)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
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
        """Counted as they happen, so the run's stats hold them whenever they are stored. A
        collection runs in the thread that allocated: its start and its stop are in that thread."""
        if phase == "start":
            self._began = time.thread_time()
            return
        took, generation = time.thread_time() - self._began, info["generation"]
        self.seconds[generation] += took
        self.stats.inc_value(f"gc/collections/gen{generation}")
        self.stats.set_value(f"gc/seconds/gen{generation}", round(self.seconds[generation], 3))
        self.stats.set_value("gc/seconds", round(sum(self.seconds), 3))

    def engine_stopped(self) -> None:
        if not self.opened:
            return
        self.opened = False
        gc.callbacks.remove(self._count)
        if self.threshold > 0:
            _TUNING.stop()
