"""Project commands for the `scrapy` command line (COMMANDS_MODULE)."""

from __future__ import annotations

import argparse
from typing import Any

# Commands that look at pages (`scrapy parse`, `shell`, `fetch`, `view`) write nothing and start
# nothing that could outlive them: no database, no run record, no health verdict, no worker processes.
LOOK_ONLY_SETTINGS = {"SQLITE_DB": "", "SPIDERMON_ENABLED": False, "WORKER_PROCESSES": 0}

# The spider's start, the worker pool's hand-off and rendering await on asyncio's event loop: any other
# Twisted reactor fails at the first request, after the run was recorded, with tracebacks.
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def look_only(settings: Any) -> None:
    """Applied after the command line's own -s options, so no -s can make these commands write."""
    for name, value in LOOK_ONLY_SETTINGS.items():
        settings.set(name, value, priority="cmdline")


def checked_settings(settings: Any) -> Any:
    """A copy of the command's settings with the crawler's defaults (the add-ons apply them only when
    the crawler starts), its reactor and worker settings checked: a bad value is one line and status 2
    (UsageError), not a traceback from the worker pool when the crawler is made."""
    from scrapy.exceptions import UsageError

    from crawler.defaults import Defaults
    from crawler.workers import worker_count, worker_niceness

    settings = settings.copy()
    Defaults().update_settings(settings)
    if settings.get("TWISTED_REACTOR") != ASYNCIO_REACTOR:
        raise UsageError(
            f"TWISTED_REACTOR must be {ASYNCIO_REACTOR} (the crawler runs on asyncio's event loop),"
            f" not {settings.get('TWISTED_REACTOR')!r}",
            print_help=False,
        )
    try:
        worker_count(settings.get("WORKER_PROCESSES"))
        worker_niceness(settings.get("WORKER_NICENESS"))
    except ValueError as exc:
        raise UsageError(str(exc), print_help=False) from None
    return settings


class LookOnly:
    """Put before a Scrapy command's class: in the project, Scrapy runs these commands through a
    spider with the project's pipelines and extensions, which would record a run."""

    settings: Any

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # type: ignore[misc]
        look_only(self.settings)
