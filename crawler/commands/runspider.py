"""`scrapy runspider`, with the worker settings checked before anything starts (as `scrapy crawl`)."""

from __future__ import annotations

import argparse

from scrapy.commands.runspider import Command as ScrapyRunSpiderCommand

from crawler.commands import check_worker_settings


class Command(ScrapyRunSpiderCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        check_worker_settings(self.settings)
