"""Store each article once per run. (Its content fingerprint is taken where the page is read,
crawler/page.py, or by the store for an item that comes without one.)"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.ledger import RunLedger


class DedupePipeline:
    def __init__(self, ledger: RunLedger) -> None:
        self.ledger = ledger
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(RunLedger.of(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        article_id = str(item["id"])
        if article_id in self.seen:
            self.ledger.record_duplicate("pipeline/dedupe/dropped")
            raise DropItem(f"article {article_id} was already scraped in this run")
        self.seen.add(article_id)
        return item
