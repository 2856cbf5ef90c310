"""The worker pool survives a worker that dies: one broken process must not fail every later page."""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.workers import WorkerPool


def square(x: int) -> int:
    return x * x


def die(_: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return 0


def test_a_worker_killed_mid_task_does_not_fail_the_pages_after_it():
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        first = await pool.run(square, 3)
        with pytest.raises(BrokenProcessPool):
            await pool.run(die, 0)  # kills every pool it is tried in: fails, after one retry
        # The pool that replaced the dead ones answers tasks at once and one after another.
        together = await asyncio.gather(pool.run(square, 4), pool.run(square, 5))
        after = [await pool.run(square, n) for n in range(3)]
        return first, together, after

    try:
        first, together, after = asyncio.run(go())
    finally:
        pool.close()
    assert (first, together, after) == (9, [16, 25], [0, 1, 4])
    assert pool.stats.get_value("workers/pool_restarted") == 2


def die_once(marker: str) -> str:
    """Killed the first time, as a worker hit by the OOM killer while it read some page."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return "read"


def test_tasks_in_flight_when_a_worker_dies_are_tried_again(tmp_path):
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        return await asyncio.gather(
            pool.run(die_once, str(tmp_path / "killed")), *(pool.run(square, n) for n in range(6))
        )

    try:
        results = asyncio.run(go())
    finally:
        pool.close()
    assert results == ["read", 0, 1, 4, 9, 16, 25]
    assert pool.stats.get_value("workers/pool_restarted") == 1
