"""`scrapy crawl`, with the spider's arguments checked before anything is fetched.

A bad argument (a URL that is not an article of the site, an unknown section, a limit that is not a
number) ends the command with a message naming each bad value and exit status 2, not a traceback.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            spidercls = self.crawler_process.spider_loader.load(args[0])
            check = getattr(spidercls, "check_arguments", None)
            if check is not None:
                try:
                    check(**opts.spargs)
                except ValueError as exc:
                    raise UsageError(str(exc), print_help=False) from None
        super().run(args, opts)
