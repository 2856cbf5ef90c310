"""Write articles to SQLite in batches, and one `crawl_runs` row per run.

A batch is stored whole or not at all. A batch that cannot be stored (a full disk, a lock held past
the busy timeout) stops the crawl: the run ends as `storage_error`, exits non-zero, and every article
it fetched but could not store is remembered (in `failures`, or, when even that cannot be written,
in the pending list beside the database) so the next run fetches it again. At the end the run
compares what was scraped with what was stored. What it stores and fails to store is recorded in
the run's ledger (crawler/ledger.py); once the run is over and judged, the ledger has it write the
run's row.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.items import ArticleItem, FailureItem, LimitItem
from crawler.ledger import RunLedger
from crawler.storage import (
    StorageError,
    absorb_pending,
    close_database,
    close_stale_runs,
    finish_run,
    open_database,
    remember_pending,
    save_articles,
    save_failures,
    save_limits,
    save_run_stats,
    start_run,
    utc_now,
    write_transaction,
)

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Any, db_path: str, batch_size: int, busy_timeout: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.ledger = RunLedger.of(crawler)
        self.db_path = db_path
        self.batch_size = max(1, batch_size)
        self.busy_timeout = busy_timeout
        self.db: Any = None
        self.run_id: int | None = None
        self.articles: list[dict[str, Any]] = []
        self.failures: list[dict[str, Any]] = []
        self.limits: list[dict[str, Any]] = []
        self.error: StorageError | None = None
        # What was fetched but could not be stored: remembered for the next run when the spider closes.
        self.unsaved: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        path = crawler.settings.get("SQLITE_DB")
        if not path:
            raise NotConfigured("SQLITE_DB is empty: articles are not stored")
        pipeline = cls(
            crawler,
            path,
            crawler.settings.getint("SQLITE_BATCH_SIZE"),
            crawler.settings.getfloat("SQLITE_BUSY_TIMEOUT"),
        )
        pipeline.ledger.on_finished(pipeline.record_run)
        return pipeline

    def open_spider(self) -> None:
        try:
            self.db = open_database(self.db_path, busy_timeout=self.busy_timeout)
            self.run_id = start_run(
                self.db, spider=self.crawler.spider.name, arguments=getattr(self.crawler.spider, "arguments", {})
            )
            if n := absorb_pending(self.db, self.db_path, run_id=self.run_id):
                self.stats.set_value("pipeline/store/pending_absorbed", n)
            if close_stale_runs(self.db):
                self.stats.inc_value("pipeline/store/stale_runs_closed")
        except StorageError as exc:
            self._fail(exc, at="open")
            return
        self.ledger.record_run_id(self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FailureItem):
            self.failures.append(dict(item))
        elif isinstance(item, LimitItem):
            self.limits.append(dict(item))
        elif isinstance(item, ArticleItem):
            self.ledger.record_scraped()
            article = dict(item)
            self.articles.append(article)
            self.limits += [{"url": article.get("url"), "article_id": article["id"], **hit}
                            for hit in article.get("limits") or ()]  # fmt: skip
        if len(self.articles) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        articles, failures, limits = self.articles, self.failures, self.limits
        self.articles, self.failures, self.limits = [], [], []
        if self.error is not None or self.db is None:
            self.unsaved += [_unsaved(a) for a in articles] + failures
            return
        if not (articles or failures or limits):
            return
        # The writes run in the crawl's one thread, and the event loop waits for them: their time is
        # counted (CPU, and wall clock with the disk's syncs and a second writer's lock).
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            with write_transaction(self.db, f"store a batch of {len(articles)} articles"):
                save_failures(self.db, failures, run_id=self.run_id)
                save_limits(self.db, limits, run_id=self.run_id)
                result = save_articles(self.db, articles, run_id=self.run_id)
        except StorageError as exc:
            self.unsaved += [_unsaved(a) for a in articles] + failures
            self._fail(exc, at="write")
            return
        finally:
            self._timed(time.thread_time() - cpu, time.perf_counter() - wall)
        self.stats.inc_value("pipeline/store/limits", len(limits))
        self.ledger.record_stored(
            new=len(result.new), changed=len(result.changed), unchanged=len(result.unchanged), failures=len(failures)
        )

    def _timed(self, cpu: float, wall: float) -> None:
        for key, seconds in (("pipeline/store/cpu_seconds", cpu), ("pipeline/store/seconds", wall)):
            self.stats.set_value(key, round(self.stats.get_value(key, 0.0) + seconds, 6))

    def _fail(self, exc: StorageError, *, at: str) -> None:
        """The database failed us: stop the crawl, loudly, with the reason."""
        if self.error is not None:
            return
        self.error = exc
        self.ledger.record_storage_error(str(exc), at=at)
        logger.error("storage failed, the crawl stops: %s", exc)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="storage_error"))

    def close_spider(self) -> None:
        self.flush()
        self.ledger.record_store_closed()
        if self.unsaved:
            self._remember(self.unsaved)

    def _remember(self, entries: list[dict[str, Any]]) -> None:
        """Make sure the next run fetches what this one could not store: in `failures` if the
        database takes it now, else in the pending list beside it, else at least in the log."""
        if self.db is not None:
            try:
                self.stats.inc_value("pipeline/store/remembered", save_failures(self.db, entries, run_id=self.run_id))
                return
            except StorageError:
                pass
        if remember_pending(self.db_path, [{**e, "at": utc_now()} for e in entries]):
            self.stats.inc_value("pipeline/store/remembered_pending", len(entries))
            logger.error("%d pages not stored, listed in %s.pending for the next run", len(entries), self.db_path)
            return
        logger.error(
            "%d pages not stored and nowhere to remember them; fetch them again: %s",
            len(entries),
            " ".join(e.get("url") or "" for e in entries),
        )

    def record_run(self, ledger: RunLedger) -> None:
        """The run is over and judged: its row in `crawl_runs`, and its stats."""
        if self.db is None:
            return
        try:
            if self.run_id is not None:
                finish_run(
                    self.db,
                    self.run_id,
                    finish_reason=ledger.finish_reason,
                    pages=ledger.pages,
                    articles_new=ledger.stored["new"],
                    articles_changed=ledger.stored["changed"],
                    articles_unchanged=ledger.stored["unchanged"],
                    articles_duplicate=ledger.duplicates,
                    articles_incomplete=ledger.incomplete,
                    articles_scraped=ledger.scraped,
                    articles_not_stored=ledger.not_stored,
                    errors=self.stats.get_value("log_count/ERROR") or 0,
                    failures=ledger.failures_stored,
                    health=ledger.health,
                    health_reasons=ledger.health_reasons,
                    exit_status=ledger.exit_status(),
                )
                save_run_stats(self.db, self.run_id, self.stats.get_stats())
        except StorageError as exc:
            self._fail(exc, at="write")  # the run's own record could not be written: still a failed write
        finally:
            close_database(self.db)
            self.db = None


def _unsaved(article: dict[str, Any]) -> dict[str, Any]:
    return {"url": article.get("url"), "article_id": article.get("id"), "kind": "store_error",
            "status": None, "reason": "fetched, but the database could not store it"}  # fmt: skip
