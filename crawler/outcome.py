"""How a run ended, as one exit status a scheduler can act on (the README lists them).

- 0 healthy: everything scraped was stored and the health checks passed.
- 1 unhealthy: the articles were stored, but a health check failed (`crawl_runs.health_reasons`),
  or the checks never ran: look at the site or the layout.
- 2 bad arguments: nothing was fetched; fix the command line.
- 3 the database cannot be used (not writable, not an SQLite database, made by newer code, locked
  for longer than the busy timeout): nothing was fetched.
- 4 a write failed during the run (disk full, locked): the crawl stopped, and the articles it could
  not store are remembered for the next run.
- 5 the layout drifted: the articles were stored, but the site's own selectors stopped finding a
  field (title, body, date) for more than a share of them (`HEALTH_MAX_FALLBACK_SHARE`), so they were
  read through the fallback stages (`crawl_runs.health_reasons` names the fields): update the site's
  layouts (crawler/sites/). When other health checks failed too, the status is 1.
- 75 (`deploy/run-crawl.sh` only) the previous run still holds the lock: this one did not start.
"""

from __future__ import annotations

OK = 0
UNHEALTHY = 1
BAD_ARGUMENTS = 2
DATABASE_UNUSABLE = 3
STORAGE_FAILED = 4
DRIFTED = 5
LOCKED = 75

# Stats keys where the run ledger (crawler/ledger.py) records a storage failure and the verdict.
STORAGE_ERROR = "storage/error"
STORAGE_ERROR_AT = "storage/error_at"  # "open" (nothing was fetched) or "write" (during the run)
HEALTH_STATUS = "health/status"
HEALTH_REASONS = "health/reasons"


def exit_status(*, storage_error_at: str | None, health: str, drifted_only: bool = False) -> int:
    """The exit status of a finished crawl: where storage failed (None: it did not), the health, and
    whether the layout's drift was the only check that failed."""
    if storage_error_at is not None:
        return DATABASE_UNUSABLE if storage_error_at == "open" else STORAGE_FAILED
    if health == "failed":
        return DRIFTED if drifted_only else UNHEALTHY
    return OK
