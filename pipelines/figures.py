"""Read the party-building figures and cited documents out of each article's body."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from crawler import workers
from crawler.figures import extract_rows
from crawler.items import ArticleItem


class FiguresPipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> FiguresPipeline:
        if not crawler.settings.getbool("FIGURES_ENABLED", True):
            raise NotConfigured("FIGURES_ENABLED is off")
        return cls(crawler.stats)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if "figures" in item and "documents" in item:
            figures, documents = item["figures"], item["documents"]  # read with the page (crawler/loaders.py)
        else:
            figures, documents = await workers.run(extract_rows, item.get("body") or "", item.get("published_at"))
            item["figures"], item["documents"] = figures, documents
        self.stats.inc_value("pipeline/figures/extracted", len(figures))
        self.stats.inc_value("pipeline/documents/extracted", len(documents))
        if figures:
            self.stats.inc_value("pipeline/figures/articles_with_figures")
        return item
