"""`scrapy shell`, with nothing written to the crawl database and no worker processes to leak.

The shell runs the crawl's reactor in a thread of its own, where scrapy-playwright's handler
never answers: pages are fetched without rendering (`fetch()` a page, then look at `response`)."""

from __future__ import annotations

import argparse

from scrapy.commands.shell import Command as ScrapyShellCommand

from crawler.commands import LookOnly


class Command(LookOnly, ScrapyShellCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        self.settings.set("RENDER_ENABLED", "false", priority="cmdline")
