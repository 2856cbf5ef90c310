"""`scrapy crawl`, with the spider's arguments checked before anything is fetched, and an exit
status a scheduler can trust.

A bad argument (a URL that is not an article of the site, an unknown section, a limit that is not a
number) ends the command with a message naming each bad value and exit status 2, not a traceback.
A run whose health checks failed (crawler/health.py) exits with status 1.
"""

from __future__ import annotations

import argparse
import sys

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
        if len(args) != 1 or self.crawler_process is None:
            super().run(args, opts)
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        status = crawler.stats.get_value("health/status") if crawler.stats else None
        if status == "failed":
            reasons = crawler.stats.get_value("health/reasons")
            print(f"crawl failed its health checks: {reasons}", file=sys.stderr)
            self.exitcode = 1
