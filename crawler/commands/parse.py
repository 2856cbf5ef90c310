"""`scrapy parse`, Scrapy's way to look at one page, with nothing written to the crawl database."""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand

from crawler.commands import look_only


class Command(ScrapyParseCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        look_only(self.settings)
