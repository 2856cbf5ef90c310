"""The crawler's own settings and their defaults: the one place each default is written.

The `Defaults` add-on (first in ADDONS, crawler/settings.py) registers them at add-on priority, so
settings.py and `-s NAME=VALUE` override them; components read `settings.getint(NAME)` with no
default of their own, as Scrapy's components read its default_settings.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from crawler.figures import Bounds
from crawler.storage import DEFAULT_BUSY_TIMEOUT

DEFAULTS: dict[str, Any] = {
    # Pages whose body is written by script are re-requested through headless Chromium
    # (crawler/rendering.py): "auto" renders when a Chromium is installed, "false" never does.
    "RENDER_ENABLED": "auto",
    "CHROMIUM_PATH": "/usr/bin/chromium",
    # Processes that parse pages and read figures beside the crawl (crawler/workers.py): "auto" is
    # one a core this process may use, within its container's CPU quota (they start only as pages
    # wait for them); 0: in-process.
    "WORKER_PROCESSES": "auto",
    # How much lower the workers run than the crawl (added to their niceness, 0-19): the engine's
    # thread is the serial part, and the workers wait for pages when they take its core.
    "WORKER_NICENESS": 10,
    # Seconds a worker may spend reading one page (0: no limit): past it the page fails as a
    # parse_error, is fetched again by the next run, and the crawl goes on (and stops on Ctrl-C).
    "PAGE_TIME_LIMIT": 60,
    # Bytes of downloaded pages the engine lets wait for the spider and the workers before it stops
    # taking new requests (Scrapy's default is 5 MB: a thousand small pages held in memory, as the
    # workers, running below the crawl, take them at their own pace). 1 MB is about 15 of the live
    # site's pages, beside the downloads in flight: more than the workers of a small machine read at once.
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 1_000_000,
    # The crawl process's garbage collector (crawler/collector.py): the youngest generation is
    # collected after this many new objects, and start-up's objects are frozen out of collections;
    # 0 keeps Python's own settings (700). Collections are counted under gc/ either way.
    "GC_THRESHOLD": 10_000,
    # Health of a run (crawler/health.py): a failed run exits non-zero and says why in crawl_runs.
    "HEALTH_MIN_ARTICLES": 1,
    "HEALTH_MAX_EMPTY_BODIES": 0,
    "HEALTH_MAX_ERRORS": 10,
    # The layout drifted (exit status 5) when the site's own selectors failed to find one of these
    # fields for more than this share of the articles read, which then came from fallback stages.
    "HEALTH_DRIFT_FIELDS": ["title", "body", "published_at"],
    "HEALTH_MAX_FALLBACK_SHARE": 0.2,
    # Where articles are stored, how many go into one transaction, and how long a writer waits
    # (seconds) for another one (a manual run beside a scheduled one, reextract) before the run fails.
    "SQLITE_DB": "data/baothanhhoa.db",
    "SQLITE_BATCH_SIZE": 50,
    "SQLITE_BUSY_TIMEOUT": DEFAULT_BUSY_TIMEOUT,
    # Incremental runs (the default mode) stop paging a section at the first listing page that holds
    # at least this many stored articles; they are the overlap that catches re-dated articles.
    "INCREMENTAL_OVERLAP": 3,
    # How many articles missed by earlier runs (failed, or stored incomplete) a run retries first.
    "RETRY_MISSED_LIMIT": 100,
    # Request the section's feed first, where the site publishes one.
    "FEEDS_ENABLED": True,
    # Read figures and document references out of each body (crawler/page.py, pipelines/figures.py).
    "FIGURES_ENABLED": True,
    # Bounds on one page's work (each one reached is counted under limits/ and stored in `limits`):
    # a sentence is read in pieces of this many characters, reading stops after this many numbers,
    # this many figures are kept, and a listing page gives at most this many article links.
    "FIGURES_MAX_SENTENCE_CHARS": Bounds.sentence_chars,
    "FIGURES_MAX_NUMBERS": Bounds.numbers,
    "FIGURES_MAX_PER_ARTICLE": Bounds.figures,
    "LINKS_MAX_PER_PAGE": 500,
}


class Defaults:
    """Registers DEFAULTS beneath the project's settings and the command line."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in DEFAULTS.items():
            settings.set(name, value, priority="addon")
