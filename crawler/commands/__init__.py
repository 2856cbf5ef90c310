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
        for name, kind, low, high in NUMBER_SETTINGS:
            _number(settings, name, kind, low, high)
    except ValueError as exc:
        raise UsageError(str(exc), print_help=False) from None
    return settings


# Numeric settings read once the crawl runs: a bad value would fail it half-way, or be taken as is.
NUMBER_SETTINGS = (
    ("SQLITE_BATCH_SIZE", int, 1, None),
    ("SQLITE_BUSY_TIMEOUT", float, 0, 2_147_483),  # SQLite's milliseconds fit 31 bits; more reads as 0
    ("HEALTH_MAX_FALLBACK_SHARE", float, 0, 1),
    ("HEALTH_MIN_ARTICLES", int, 0, None),
    ("HEALTH_MAX_EMPTY_BODIES", int, 0, None),
    ("HEALTH_MAX_ERRORS", int, 0, None),
    ("PAGE_TIME_LIMIT", float, 0, 86_400),
)


def _number(settings: Any, name: str, kind: type, low: float, high: float | None) -> None:
    value = settings.get(name)
    what = "a whole number" if kind is int else "a number"
    bounds = f"from {low} to {high}" if high is not None else f"of {low} or more"
    try:
        number = kind(value)
        valid = low <= number and (high is None or number <= high)  # NaN compares false: refused
    except (TypeError, ValueError, OverflowError):
        valid = False
    if not valid or (kind is int and isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{name} must be {what} {bounds}, not {value!r}")


class LookOnly:
    """Put before a Scrapy command's class: in the project, Scrapy runs these commands through a
    spider with the project's pipelines and extensions, which would record a run."""

    settings: Any

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # type: ignore[misc]
        look_only(self.settings)
