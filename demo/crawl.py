"""The `scrapy crawl` command line for a crawl of a local copy of the site (the demo, the tests and
the benchmark): no delays, no throttling; the defaults in crawler/settings.py stay polite."""

from __future__ import annotations

import sys
from pathlib import Path

# The local server is ours: no delay, no throttling. The defaults in settings.py stay polite.
LOCAL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}


def crawl_command(
    base_url: str,
    db_path: str | Path,
    *,
    spider_args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
) -> list[str]:
    """The `scrapy crawl` command line for a crawl of a local copy of the site."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "baothanhhoa", "-a", f"base_url={base_url}"]
    for key, value in (spider_args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**LOCAL_SETTINGS, "SQLITE_DB": str(db_path), **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd
