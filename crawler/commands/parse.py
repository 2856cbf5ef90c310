"""`scrapy parse`, Scrapy's way to look at one page, with nothing written to the crawl database."""

from __future__ import annotations

from scrapy.commands.parse import Command as ScrapyParseCommand

from crawler.commands import LookOnly


class Command(LookOnly, ScrapyParseCommand):
    pass
