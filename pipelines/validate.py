"""Give every article an `extraction_status` instead of dropping incomplete ones silently.

An article without title or body is still stored, so it can be found and re-crawled:
`select id, url from articles where extraction_status != 'ok'`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.ledger import RunLedger


def extraction_status(article: Mapping[str, Any]) -> str:
    """`ok`, `needs_rendering` (body written by script), `missing_<field>[_<field>]`, or `truncated`."""
    if not article.get("id"):
        return "missing_id"
    missing = [name for name in ("title", "body") if not article.get(name)]
    if not article.get("body") and article.get("body_encoded"):
        return "needs_rendering"
    if article.get("truncated"):
        return "truncated"  # the download was cut: what is missing is the network's doing, not the layout's
    if missing:
        return "missing_" + "_".join(missing)
    return "ok"


class ValidatePipeline:
    def __init__(self, ledger: RunLedger) -> None:
        self.ledger = ledger

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(RunLedger.of(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        status = extraction_status(item)
        self.ledger.record_parsed(status)
        if status == "missing_id":
            raise DropItem(f"no article id could be found for {item.get('url')!r}")
        item["extraction_status"] = status
        return item
