"""`scrapy runspider`, with the worker settings checked before anything starts (as `scrapy crawl`)."""

from __future__ import annotations

import argparse

from scrapy.commands.runspider import Command as ScrapyRunSpiderCommand

from crawler.commands import checked_settings


class Command(ScrapyRunSpiderCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        checked_settings(self.settings)  # for its check: a bad worker setting is a UsageError
