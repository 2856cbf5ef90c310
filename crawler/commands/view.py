"""`scrapy view`, `scrapy fetch` shown in a browser, with nothing written to the crawl database."""

from __future__ import annotations

from scrapy.commands.view import Command as ScrapyViewCommand

from crawler.commands import LookOnly


class Command(LookOnly, ScrapyViewCommand):
    pass
