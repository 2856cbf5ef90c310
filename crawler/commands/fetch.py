"""`scrapy fetch`, Scrapy's way to download one page, with nothing written to the crawl database."""

from __future__ import annotations

from scrapy.commands.fetch import Command as ScrapyFetchCommand

from crawler.commands import LookOnly


class Command(LookOnly, ScrapyFetchCommand):
    pass
