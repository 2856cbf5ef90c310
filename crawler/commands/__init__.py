"""Project commands for the `scrapy` command line (COMMANDS_MODULE)."""

from __future__ import annotations

from typing import Any

# Commands that look at pages (`scrapy parse`, `shell`, `fetch`, `view`) write nothing and start nothing that
# could outlive them: no database, no run record, no health verdict, no worker processes.
LOOK_ONLY_SETTINGS = {"SQLITE_DB": "", "SPIDERMON_ENABLED": False, "WORKER_PROCESSES": 0}


def look_only(settings: Any) -> None:
    """Applied after the command line's own -s options, so no -s can make these commands write."""
    for name, value in LOOK_ONLY_SETTINGS.items():
        settings.set(name, value, priority="cmdline")
