"""`scrapy view`, Scrapy's way to download one page, with nothing written to the crawl database: in
the project, Scrapy runs it through a spider with the project's pipelines, which recorded a run."""

from __future__ import annotations

import argparse

from scrapy.commands.view import Command as ScrapyViewCommand

from crawler.commands import look_only


class Command(ScrapyViewCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        look_only(self.settings)
