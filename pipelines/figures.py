"""Read the party-building figures and cited documents out of each article's body, and tie each
figure to the place its organization names (crawler/places/)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.figures import Bounds, extract_rows
from crawler.items import ArticleItem
from crawler.places import place_figures
from crawler.workers import WorkerPool


class FiguresPipeline:
    def __init__(self, stats: Any, bounds: Bounds, workers: WorkerPool) -> None:
        self.stats = stats
        self.bounds = bounds
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler: Any) -> FiguresPipeline:
        if not crawler.settings.getbool("FIGURES_ENABLED"):
            raise NotConfigured("FIGURES_ENABLED is off")
        return cls(crawler.stats, Bounds.from_settings(crawler.settings), WorkerPool.of(crawler))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if "figures" not in item or "documents" not in item:  # else read with the page (crawler/page.py)
            item["figures"], item["documents"], limits = await self.workers.run(
                extract_rows, item.get("body") or "", item.get("published_at"), self.bounds
            )
            item["limits"] = [*(item.get("limits") or ()), *limits]
            for hit in limits:
                self.stats.inc_value(f"limits/{hit['name']}")
        figures, documents = item["figures"], item["documents"]
        self.stats.inc_value("pipeline/figures/extracted", len(figures))
        self.stats.inc_value("pipeline/documents/extracted", len(documents))
        if figures:
            self.stats.inc_value("pipeline/figures/articles_with_figures")
        if "places" not in item:  # else resolved with the page (crawler/page.py)
            item["places"] = place_figures(figures, published=item.get("published_at"), title=item.get("title"))
        # One count a reason, not one a figure: the stats collector is on every page's path.
        for reason, n in Counter(figure["place_reason"] for figure in figures).items():
            self.stats.inc_value("places/resolved" if reason == "resolved" else f"places/unresolved/{reason}", n)
        return item
