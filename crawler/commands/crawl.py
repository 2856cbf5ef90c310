"""`scrapy crawl`, with the spider's arguments and the database checked before anything is fetched,
and an exit status a scheduler can trust (crawler/outcome.py).

A bad argument ends the command with one line naming each bad value and status 2; a database that
cannot be used (read-only, not SQLite, made by newer code, locked past the busy timeout) with one
line and status 3; a write that fails during the run with status 4; failed health checks with 1.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler import outcome
from crawler.commands import checked_settings
from crawler.ledger import RunLedger
from crawler.storage import StorageError, close_database, open_database


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Before Scrapy starts logging: bad arguments (status 2) and a database that cannot be used
        (status 3) are each one line on stderr, and nothing is created or fetched."""
        super().process_options(args, opts)
        if len(args) != 1:
            return
        try:
            spidercls = SpiderLoader.from_settings(self.settings.frozencopy()).load(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r}", print_help=False) from None
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(**opts.spargs)
            except ValueError as exc:
                raise UsageError(str(exc), print_help=False) from None
        if not self._database_usable(checked_settings(self.settings)):
            raise SystemExit(outcome.DATABASE_UNUSABLE)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or self.crawler_process is None:
            super().run(args, opts)
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = outcome.UNHEALTHY
            return
        ledger = RunLedger.of(crawler)
        self.exitcode = ledger.exit_status()
        if ledger.storage_error:
            print(f"crawl stopped: {ledger.storage_error}", file=sys.stderr)
        elif self.exitcode == outcome.UNHEALTHY:
            print(f"crawl failed its health checks: {ledger.health_reasons}", file=sys.stderr)

    def _database_usable(self, settings: Settings) -> bool:
        """Open (and upgrade) the database once before the crawl: a database that cannot be used is
        one clear line, not a traceback after the first pages were fetched."""
        path = settings.get("SQLITE_DB")
        if not path or dict(settings.getwithbase("ITEM_PIPELINES")).get("pipelines.store.StorePipeline") is None:
            return True
        try:
            close_database(open_database(path, busy_timeout=settings.getfloat("SQLITE_BUSY_TIMEOUT")))
        except StorageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        return True
