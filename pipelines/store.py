"""Write articles to SQLite in batches, and one `crawl_runs` row per run."""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.items import FailureItem
from crawler.storage import (
    close_stale_runs,
    finish_run,
    open_database,
    save_articles,
    save_failures,
    save_run_stats,
    start_run,
)


class StorePipeline:
    def __init__(self, db_path: str, batch_size: int, stats: Any) -> None:
        self.db_path = db_path
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.db: Any = None
        self.run_id: int | None = None
        self.buffer: list[dict[str, Any]] = []
        self.failures: list[dict[str, Any]] = []
        self.counts = {"new": 0, "changed": 0, "unchanged": 0}

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        path = crawler.settings.get("SQLITE_DB")
        if not path:
            raise NotConfigured("SQLITE_DB is empty: articles are not stored")
        pipeline = cls(path, crawler.settings.getint("SQLITE_BATCH_SIZE", 50), crawler.stats)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = open_database(self.db_path)
        if close_stale_runs(self.db):
            self.stats.inc_value("pipeline/store/stale_runs_closed")
        spider = self.crawler.spider
        self.run_id = start_run(self.db, spider=spider.name, arguments=getattr(spider, "arguments", {}))
        self.stats.set_value("pipeline/store/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FailureItem):
            self.failures.append(dict(item))
        else:
            self.buffer.append(dict(item))
        if len(self.buffer) + len(self.failures) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if self.db is None:
            return
        if self.failures:
            failures, self.failures = self.failures, []
            self.stats.inc_value("pipeline/store/failures", save_failures(self.db, failures, run_id=self.run_id))
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        result = save_articles(self.db, batch, run_id=self.run_id)
        for name in self.counts:
            n = len(getattr(result, name))
            self.counts[name] += n
            if n:
                self.stats.inc_value(f"pipeline/store/{name}", n)

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.db is None or self.run_id is None:
            return
        self.flush()
        stats = self.stats.get_stats()
        finish_run(
            self.db,
            self.run_id,
            finish_reason=reason,
            pages=stats.get("response_received_count", 0),
            articles_new=self.counts["new"],
            articles_changed=self.counts["changed"],
            articles_unchanged=self.counts["unchanged"],
            articles_duplicate=stats.get("pipeline/dedupe/dropped", 0) + stats.get("spider/links/duplicate", 0),
            articles_incomplete=sum(
                v for k, v in stats.items() if k.startswith("pipeline/validate/") and not k.endswith("/ok")
            ),
            errors=stats.get("log_count/ERROR", 0),
            failures=stats.get("pipeline/store/failures", 0),
            health=stats.get("health/status", "unchecked"),
            health_reasons=stats.get("health/reasons"),
        )
        save_run_stats(self.db, self.run_id, stats)
        self.db.close()
        self.db = None
