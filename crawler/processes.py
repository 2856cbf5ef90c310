"""Telling one process from another: a pid is reused, a (boot, start time) pair is not.

Used to tell a live run from a killed one (crawl_runs), and by worker processes to notice that the
crawl they serve is gone."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_started(pid: int | None = None) -> str | None:
    """What tells this process (or `pid`) from a later one with the same pid: the boot and its start
    time (Linux); None where the system does not say."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    fields = _stat(pid or os.getpid())
    return f"{boot}:{fields[19]}" if fields else None


def is_alive(pid: int, started: str | None = None) -> bool:
    """Is `pid` still the process that `started` identified? A zombie (ended, not yet reaped) is not."""
    fields = _stat(pid)
    if fields is not None:
        return fields[0] != "Z" and (started is None or process_started(pid) == started)
    if Path("/proc/self/stat").exists():
        return False  # /proc works and has no such process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
