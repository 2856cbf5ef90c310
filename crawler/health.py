"""Health of a run, checked by Spidermon monitors when the spider closes.

A broken layout must not look like a quiet day: a run that stores articles with empty bodies,
finds no article at all, or meets more errors than HEALTH_MAX_ERRORS fails. The monitors read the
run's ledger (crawler/ledger.py) and give it their verdict; from there it goes into `crawl_runs`
and into the exit status of `scrapy crawl` (crawler/commands/crawl.py).
"""

from __future__ import annotations

import warnings
from typing import ClassVar

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from crawler.ledger import RunLedger

# Spidermon 1.27 still logs through Spider.log(); the message is its, not ours.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning)


# How the drift check's reason opens (the exit status tells a drift apart from other failures).
DRIFT = "layout drifted"


def _ledger(monitor: Monitor) -> RunLedger:
    return RunLedger.of(monitor.data.crawler)


def _setting(monitor: Monitor, name: str) -> int:
    return monitor.data.crawler.settings.getint(name)


@monitors.name("Run health")
class RunHealthMonitor(Monitor):
    @monitors.name("the run found articles")
    def test_found_articles(self):
        seen = _ledger(self).articles_seen
        minimum = _setting(self, "HEALTH_MIN_ARTICLES")
        self.assertGreaterEqual(seen, minimum, msg=f"{seen} articles found, fewer than {minimum}")

    @monitors.name("no article was stored with an empty body")
    def test_no_empty_bodies(self):
        empty = _ledger(self).empty_bodies
        allowed = _setting(self, "HEALTH_MAX_EMPTY_BODIES")
        self.assertLessEqual(empty, allowed, msg=f"{empty} articles with an empty body (layout changed?)")

    @monitors.name("errors stayed under the threshold")
    def test_errors(self):
        count = _ledger(self).errors
        allowed = _setting(self, "HEALTH_MAX_ERRORS")
        self.assertLessEqual(count, allowed, msg=f"{count} errors and failed pages, more than {allowed}")

    @monitors.name("every article scraped was stored")
    def test_all_stored(self):
        ledger = _ledger(self)
        error, not_stored, scraped = ledger.storage_error, ledger.not_stored, ledger.scraped
        detail = f"storage failed ({error})" if error else "the database did not take them"
        self.assertFalse(error or not_stored, msg=f"{not_stored} of {scraped} scraped articles not stored: {detail}")

    @monitors.name("the site's selectors still find the articles' fields")
    def test_layout_not_drifted(self):
        settings = self.data.crawler.settings
        ledger = _ledger(self)
        drifted = ledger.drift(settings.getlist("HEALTH_DRIFT_FIELDS"), settings.getfloat("HEALTH_MAX_FALLBACK_SHARE"))
        fields = ", ".join(f"{name} in {n} of {ledger.pages_read} articles ({n / ledger.pages_read:.0%})"
                           for name, n in drifted)  # fmt: skip
        self.assertFalse(drifted, msg=f"{DRIFT} from fallback stages: {fields}")

    @monitors.name("the run finished")
    def test_finished(self):
        reason = self.data.stats.get("finish_reason", "finished")
        self.assertEqual(reason, "finished", msg=f"the run ended early: {reason}")


class RecordHealth(Action):
    """Give the verdict to the run's ledger, where the store pipeline and the crawl command read it."""

    def run_action(self):
        failed = [_reason(r) for r in self.result.monitors_failed_results]
        drifted_only = bool(failed) and all(reason.startswith(DRIFT) for reason in failed)
        RunLedger.of(self.data.crawler).record_health(
            "failed" if failed else "ok", "; ".join(failed) or None, drifted_only=drifted_only
        )


def _reason(result) -> str:
    """The monitor's own message, without unittest's "x is not false :" preamble."""
    reason = result.reason or str(result.monitor.name)
    return reason.split(" : ", 1)[1] if " : " in reason else reason


class HealthMonitorSuite(MonitorSuite):
    monitors: ClassVar[list] = [RunHealthMonitor]
    monitors_finished_actions: ClassVar[list] = [RecordHealth]
