"""The per-page step: an article page's bytes in, the article and its figures out.

One pure function of bytes, so a worker process can run it (crawler/workers.py) and a test can call
it on saved bytes: the loader reads the HTML (crawler/loaders.py), the figure reader reads the body
(crawler/figures/); the pipelines then decide what to keep and store it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsel import Selector
from scrapy.http import HtmlResponse

import crawler.encoding  # noqa: F401  (registers utf-8-cp1258, which the spider may choose for a page)
from crawler.figures import Bounds, extract_rows
from crawler.items import content_hash
from crawler.loaders import LoadResult, load_article
from crawler.places import place_figures
from crawler.sites import get_site


@dataclass
class PageResult:
    """What one article page gave: plain values, so that a worker process can send them back."""

    values: dict[str, Any]  # the article's fields, with figures, documents and limits when read
    layout: str  # the layout the page was read with, or "unknown"
    # (field, stage) for each field filled by a stage after the first, or (field, "missing").
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    # The ids the page claims to be (its article element, canonical and OpenGraph URLs).
    claimed_ids: list[str] = field(default_factory=list)


def load_page(site_name: str, body: bytes, url: str, encoding: str | None) -> LoadResult:
    """The article of a page's bytes, loaded and cleaned. Scrapy decodes the bytes (a BOM, a wrong
    label), parsel parses the text: Scrapy's own selector of a response would also search the page
    for a <base href> and make it safe, which nothing here reads."""
    text = HtmlResponse(url=url, body=body, encoding=encoding).text
    return load_article(Selector(text=text, type="html"), url, get_site(site_name))


def read_page(
    site_name: str, body: bytes, url: str, encoding: str | None, *, figures: Bounds | None = None
) -> PageResult:
    """Read one article page of `site_name` fetched from `url`; with `figures` (the bounds of one
    article's extraction), also its figures (each with its place), cited documents, the places the
    article is about and the bounds it reached."""
    result = load_page(site_name, body, url, encoding)
    values = dict(result.item)
    values["content_hash"] = content_hash(values)
    if figures is not None:
        values["figures"], values["documents"], values["limits"] = (
            extract_rows(values["body"], values.get("published_at"), figures) if values.get("body") else ([], [], [])
        )
        values["places"] = place_figures(
            values["figures"], published=values.get("published_at"), title=values.get("title")
        )
    return PageResult(values, result.layout, result.fallbacks, result.claimed_ids)
