"""Health of a run, checked by Spidermon monitors when the spider closes.

A broken layout must not look like a quiet day: a run that stores articles with empty bodies,
finds no article at all, or meets more errors than HEALTH_MAX_ERRORS fails. The verdict goes to
stats (`health/status`, `health/reasons`), from there into `crawl_runs`, and into the exit status
of `scrapy crawl` (crawler/commands/crawl.py).
"""

from __future__ import annotations

import warnings
from typing import ClassVar

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from crawler import outcome

# Spidermon 1.27 still logs through Spider.log(); the message is its, not ours.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)

# Kinds of failure that are news, not faults: an article taken down by the site.
BENIGN_FAILURES = ("gone",)


def _stats(monitor: Monitor) -> dict:
    return monitor.data.stats


def _setting(monitor: Monitor, name: str, default: int) -> int:
    return monitor.data.crawler.settings.getint(name, default)


def articles_seen(stats: dict) -> int:
    """Articles parsed this run, plus those an incremental run knew and did not need to fetch."""
    parsed = sum(v for k, v in stats.items() if k.startswith("pipeline/validate/"))
    return parsed + stats.get("spider/articles/known", 0)


def empty_bodies(stats: dict) -> int:
    return sum(v for k, v in stats.items() if k.startswith("pipeline/validate/missing_") and "body" in k)


def errors(stats: dict) -> int:
    failures = sum(
        v for k, v in stats.items() if k.startswith("spider/failures/") and k.rsplit("/", 1)[1] not in BENIGN_FAILURES
    )
    return stats.get("log_count/ERROR", 0) + failures


@monitors.name("Run health")
class RunHealthMonitor(Monitor):
    @monitors.name("the run found articles")
    def test_found_articles(self):
        seen = articles_seen(_stats(self))
        minimum = _setting(self, "HEALTH_MIN_ARTICLES", 1)
        self.assertGreaterEqual(seen, minimum, msg=f"{seen} articles found, fewer than {minimum}")

    @monitors.name("no article was stored with an empty body")
    def test_no_empty_bodies(self):
        empty = empty_bodies(_stats(self))
        allowed = _setting(self, "HEALTH_MAX_EMPTY_BODIES", 0)
        self.assertLessEqual(empty, allowed, msg=f"{empty} articles with an empty body (layout changed?)")

    @monitors.name("errors stayed under the threshold")
    def test_errors(self):
        count = errors(_stats(self))
        allowed = _setting(self, "HEALTH_MAX_ERRORS", 10)
        self.assertLessEqual(count, allowed, msg=f"{count} errors and failed pages, more than {allowed}")

    @monitors.name("every article scraped was stored")
    def test_all_stored(self):
        stats = _stats(self)
        error = stats.get(outcome.STORAGE_ERROR)
        not_stored = stats.get("pipeline/store/articles_not_stored", 0)
        scraped = stats.get("pipeline/store/articles_scraped", 0)
        detail = f"storage failed ({error})" if error else "the database did not take them"
        self.assertFalse(error or not_stored, msg=f"{not_stored} of {scraped} scraped articles not stored: {detail}")

    @monitors.name("the run finished")
    def test_finished(self):
        reason = _stats(self).get("finish_reason", "finished")
        self.assertEqual(reason, "finished", msg=f"the run ended early: {reason}")


class RecordHealth(Action):
    """Write the verdict into stats, where the store pipeline and the crawl command read it."""

    def run_action(self):
        failed = self.result.monitors_failed_results
        stats = self.data.crawler.stats
        stats.set_value(outcome.HEALTH_STATUS, "failed" if failed else "ok")
        if failed:
            stats.set_value(outcome.HEALTH_REASONS, "; ".join(_reason(r) for r in failed))


def _reason(result) -> str:
    """The monitor's own message, without unittest's "x is not false :" preamble."""
    reason = result.reason or str(result.monitor.name)
    return reason.split(" : ", 1)[1] if " : " in reason else reason


class HealthMonitorSuite(MonitorSuite):
    monitors: ClassVar[list] = [RunHealthMonitor]
    monitors_finished_actions: ClassVar[list] = [RecordHealth]
