"""Read the party-building figures and cited documents out of each article's body."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from crawler import workers
from crawler.figures import extract_documents, extract_figures
from crawler.items import ArticleItem


def extract(article: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """Figures and documents of one article, as rows for the `figures` and `documents` tables."""
    return extract_text(article.get("body") or "", article.get("published_at"))


def extract_text(body: str, published: str | None) -> tuple[list[dict], list[dict]]:
    figures = [f.as_dict() for f in extract_figures(body, published)]
    documents = [d.as_dict() for d in extract_documents(body)]
    return figures, documents


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
            figures, documents = await workers.run(extract_text, item.get("body") or "", item.get("published_at"))
            item["figures"], item["documents"] = figures, documents
        self.stats.inc_value("pipeline/figures/extracted", len(figures))
        self.stats.inc_value("pipeline/documents/extracted", len(documents))
        if figures:
            self.stats.inc_value("pipeline/figures/articles_with_figures")
        return item
