"""The run's bookkeeping: what this crawl did, counted as it happens, and its verdict at the end.

One `RunLedger` per crawler (`RunLedger.of(crawler)`), with an explicit contract:

- the spider and the pipelines *record* what they decide: an article parsed (with its extraction
  status), known from an earlier run, a duplicate, a failed page (with its kind), scraped, stored
  (new, changed, unchanged), a storage failure;
- the health checks (crawler/health.py) *read* those counts and *judge* the run;
- the run is *finished* once the spider has closed and, when health checks run, they have judged:
  whichever comes last calls the `on_finished` callbacks (the store pipeline writes the run's row),
  so nothing depends on the order in which Scrapy's signals reach their handlers;
- the crawl command reads the exit status from it (crawler/outcome.py lists them).

Every count is mirrored in Scrapy stats under the same keys as before, where runs record them
(`crawl_runs`, `run_stats`) and tests assert them; nothing reads them back from there.
"""

from __future__ import annotations

import logging
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals

from crawler import outcome

logger = logging.getLogger(__name__)

# Kinds of failure that are news, not faults: an article taken down by the site, or sent to another.
BENIGN_FAILURES = frozenset({"gone", "moved"})


@dataclass
class RunLedger:
    stats: Any
    expects_health: bool = False
    run_id: int | None = None
    parsed: Counter[str] = field(default_factory=Counter)  # extraction status → articles
    known: int = 0  # stored by earlier runs, not fetched again
    duplicates: int = 0  # links and items of an article already taken this run
    failures: Counter[str] = field(default_factory=Counter)  # kind → pages
    failures_stored: int = 0
    scraped: int = 0  # articles that reached the store
    stored: Counter[str] = field(default_factory=Counter)  # new, changed, unchanged
    storage_error: str | None = None
    storage_error_at: str | None = None  # "open" (nothing fetched) or "write" (during the run)
    pages_read: int = 0  # article pages the loader read
    fallbacks: Counter[str] = field(default_factory=Counter)  # field → pages where a fallback stage filled it
    health: str = "unchecked"  # ok, failed, unchecked
    health_reasons: str | None = None
    drifted_only: bool = False  # the layout's drift was the only failed check
    finish_reason: str | None = None
    finished: bool = False
    _callbacks: list[Callable[[RunLedger], None]] = field(default_factory=list)
    _before: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def of(cls, crawler: Any) -> RunLedger:
        """The ledger of this crawl, made on first use."""
        ledger = _LEDGERS.get(crawler)
        if ledger is None:
            settings = crawler.settings
            monitors = settings.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS")
            ledger = cls(crawler.stats, expects_health=settings.getbool("SPIDERMON_ENABLED") and bool(monitors))
            _LEDGERS[crawler] = ledger
            crawler.signals.connect(ledger._spider_closed, signal=signals.spider_closed)
            crawler.signals.connect(ledger._engine_stopped, signal=signals.engine_stopped)
        return ledger

    # -- recording -----------------------------------------------------------------------------

    def record_parsed(self, status: str) -> None:
        self.parsed[status] += 1
        self.stats.inc_value(f"pipeline/validate/{status}")

    def record_page(self, layout: str, fallbacks: list[tuple[str, str]]) -> None:
        """An article page read by the loader: its layout, and each field a fallback stage filled
        (or none could: `missing`)."""
        self.pages_read += 1
        self.stats.inc_value(f"loader/layout/{layout}")  # pages of each layout: kept in stats and run_stats
        for name, stage in fallbacks:
            self.stats.inc_value(f"loader/fallback/{name}/{stage}")
        for name in {name for name, _ in fallbacks}:
            self.fallbacks[name] += 1

    def drift(self, fields: list[str], max_share: float) -> list[tuple[str, int]]:
        """The fields the site's own selectors failed to find for more than `max_share` of the pages
        read, with how many pages: the layout drifted."""
        if not self.pages_read:
            return []
        return [(name, self.fallbacks[name]) for name in fields if self.fallbacks[name] / self.pages_read > max_share]

    def record_known(self) -> None:
        self.known += 1
        self.stats.inc_value("spider/articles/known")

    def record_duplicate(self, where: str) -> None:
        """`where`: `spider/links/duplicate` (a link to an article requested already) or
        `pipeline/dedupe/dropped` (an item of an article scraped already)."""
        self.duplicates += 1
        self.stats.inc_value(where)

    def record_failure(self, kind: str) -> None:
        self.failures[kind] += 1
        self.stats.inc_value(f"spider/failures/{kind}")

    def record_run_id(self, run_id: int) -> None:
        self.run_id = run_id
        self.stats.set_value("pipeline/store/run_id", run_id)

    def record_scraped(self) -> None:
        self.scraped += 1

    def record_stored(self, *, new: int = 0, changed: int = 0, unchanged: int = 0, failures: int = 0) -> None:
        for name, n in (("new", new), ("changed", changed), ("unchanged", unchanged)):
            if n:
                self.stored[name] += n
                self.stats.inc_value(f"pipeline/store/{name}", n)
        self.failures_stored += failures
        self.stats.inc_value("pipeline/store/failures", failures)

    def record_storage_error(self, error: str, *, at: str) -> bool:
        """The first storage failure of the run; False when one was recorded already."""
        if self.storage_error is not None:
            return False
        self.storage_error, self.storage_error_at = error, at
        self.stats.set_value(outcome.STORAGE_ERROR, error)
        self.stats.set_value(outcome.STORAGE_ERROR_AT, at)
        return True

    def record_store_closed(self) -> None:
        """The store has written its last batch: what was scraped and not stored is now known."""
        self.stats.set_value("pipeline/store/articles_scraped", self.scraped)
        self.stats.set_value("pipeline/store/articles_not_stored", self.not_stored)

    # -- reading ---------------------------------------------------------------------------------

    @property
    def not_stored(self) -> int:
        return self.scraped - sum(self.stored.values())

    @property
    def articles_seen(self) -> int:
        """Articles parsed this run, plus those an incremental run knew and did not need to fetch."""
        return sum(self.parsed.values()) + self.known

    @property
    def incomplete(self) -> int:
        return sum(n for status, n in self.parsed.items() if status != "ok")

    @property
    def empty_bodies(self) -> int:
        return sum(n for status, n in self.parsed.items() if status.startswith("missing_") and "body" in status)

    @property
    def errors(self) -> int:
        """Errors logged, and pages that failed for a reason that is not news."""
        failed = sum(n for kind, n in self.failures.items() if kind not in BENIGN_FAILURES)
        return (self.stats.get_value("log_count/ERROR") or 0) + failed

    @property
    def pages(self) -> int:
        return self.stats.get_value("response_received_count") or 0

    def exit_status(self) -> int:
        # A run whose health checks were due but never ran (a monitor raised) was not judged: it
        # must not pass for a healthy one.
        health = "failed" if self.expects_health and self.health == "unchecked" else self.health
        return outcome.exit_status(
            storage_error_at=self.storage_error_at, health=health, drifted_only=self.drifted_only
        )

    # -- the end of the run ------------------------------------------------------------------------

    def record_health(self, status: str, reasons: str | None, *, drifted_only: bool = False) -> None:
        self.health, self.health_reasons, self.drifted_only = status, reasons, drifted_only
        self.stats.set_value(outcome.HEALTH_STATUS, status)
        if reasons:
            self.stats.set_value(outcome.HEALTH_REASONS, reasons)
        self._finish_when_ready()

    def on_finished(self, callback: Callable[[RunLedger], None]) -> None:
        """Call `callback(ledger)` once the run is over and judged."""
        self._callbacks.append(callback)

    def before_finished(self, callback: Callable[[], None]) -> None:
        """Call `callback()` just before the `on_finished` callbacks (which record the run's stats):
        where a component kept counts of its own, it writes them into the stats there."""
        self._before.append(callback)

    def _spider_closed(self, spider: Any, reason: str) -> None:
        self.finish_reason = reason
        self._finish_when_ready()

    def _engine_stopped(self) -> None:
        # The health checks never judged (they failed to run): finish all the same, unchecked.
        if not self.finished and self.finish_reason is not None:
            logger.error("the run's health was never checked")
            self._finish()

    def _finish_when_ready(self) -> None:
        if self.finish_reason is None or self.finished:
            return
        if self.expects_health and self.health == "unchecked":
            return
        self._finish()

    def _finish(self) -> None:
        self.finished = True
        for before in self._before:
            try:
                before()
            except Exception:  # a count left out of the stats must not leave the run unrecorded
                logger.exception("a component could not write its counts into the run's stats")
        for callback in self._callbacks:
            callback(self)


_LEDGERS: weakref.WeakKeyDictionary[Any, RunLedger] = weakref.WeakKeyDictionary()
