"""The benchmark's reference: a bare spider that follows the same links as the crawler and yields
nothing, so its speed is the Scrapy engine's own limit on this machine."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Response

from crawler.sites.baothanhhoa import SITE
from crawler.spider import NEXT_LISTING_PRIORITY


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, base_url: str, max_pages: str = "1000000", stats_out: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.max_pages = int(max_pages)
        self.stats_out = stats_out

    async def start(self) -> AsyncIterator[scrapy.Request]:
        url = SITE.section_url(self.base_url, SITE.default_sections[0])
        yield scrapy.Request(url, callback=self.parse_section, cb_kwargs={"page": 1})

    def parse_section(self, response: Response, page: int) -> Iterable[scrapy.Request]:
        for href in dict.fromkeys(response.css(SITE.listing.story_links).getall()):
            url = response.urljoin(href)
            if SITE.article_id(url):
                yield scrapy.Request(url, callback=self.parse_article)
        next_href = response.css(SITE.listing.next_page).get()
        if next_href and page < self.max_pages:  # after the articles found so far, as the crawler does
            yield response.follow(next_href, callback=self.parse_section, cb_kwargs={"page": page + 1},
                                  priority=NEXT_LISTING_PRIORITY)  # fmt: skip

    def parse_article(self, response: Response) -> Iterable[Any]:
        return ()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BareSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # At the engine's stop: after the spider's close, where the garbage collector's counts are
        # written into the stats (crawler/collector.py), as they are for the crawler's run.
        crawler.signals.connect(spider.write_stats, signal=signals.engine_stopped)
        return spider

    def write_stats(self) -> None:
        if self.stats_out:
            with open(self.stats_out, "w", encoding="utf-8") as f:
                json.dump(self.crawler.stats.get_stats(), f, default=str)
