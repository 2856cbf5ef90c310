"""The worker pool survives a worker that dies: one broken process must not fail every later page."""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler import workers
from crawler.workers import WorkerPool
from demo.server import PROJECT_ROOT
from tests.support import alive, wait_until


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


# When a worker dies, Python's pool stops the others with SIGTERM and waits for each before the crawl
# can exit: a worker deaf to SIGTERM and stuck in a task (a C library's loop), or one Python 3.11's pool
# starts in the moment another dies, would hold the crawl forever. Run in a child process: the hang
# would otherwise hold the test session's own exit.
STUCK_AND_DEAF = """
import asyncio, sys
from crawler.workers import WorkerPool
from tests.test_workers import die_after, stuck_once

async def go(pool):
    return await asyncio.gather(pool.run(stuck_once, sys.argv[1]), pool.run(die_after, 0.5),
                                return_exceptions=True)

if __name__ == "__main__":
    pool = WorkerPool(2)
    stuck, died = asyncio.run(go(pool))
    pool.close()
    print(type(died).__name__, flush=True)
"""


def stuck_once(marker: str) -> int:
    """The first time, a task stuck for good, deaf to SIGTERM; tried again, it answers."""
    if not os.path.exists(marker):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        Path(marker).write_text(str(os.getpid()))
        time.sleep(600)
    return os.getpid()


def die_after(seconds: float) -> int:
    time.sleep(seconds)  # the other task has started in the other worker
    return die(0)


def test_a_broken_pool_does_not_wait_for_a_stuck_worker(tmp_path):
    script, marker = tmp_path / "stuck.py", tmp_path / "stuck-worker"
    script.write_text(STUCK_AND_DEAF)
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(script), str(marker)], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["BrokenProcessPool"]  # killed its worker twice: fails
    assert time.monotonic() - started < 30
    stuck = int(marker.read_text())
    wait_until(lambda: not alive(stuck), timeout=10, what="the stuck worker to end")


class _Unanswered:
    """A process pool whose first task breaks it and whose later tasks are never answered: the
    future that Python 3.11's pool loses when a worker dies while a task is being submitted."""

    def __init__(self) -> None:
        self.submitted: list[Future] = []

    def submit(self, fn, *args, **kwargs) -> Future:
        future: Future = Future()
        if fn is workers._started:  # the task that starts the workers, which have nothing to start here
            future.set_result(None)
            return future
        if not self.submitted:
            future.set_exception(BrokenProcessPool("a worker died"))
        self.submitted.append(future)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_a_task_the_broken_pool_never_answers_is_tried_again(monkeypatch):
    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()))
    real_start = workers._Executor.__init__

    def lose_tasks_once(executor, *args):
        real_start(executor, *args)
        if not hasattr(lose_tasks_once, "done"):
            lose_tasks_once.done = True
            executor.pool.shutdown()
            executor.pool = _Unanswered()

    monkeypatch.setattr(workers._Executor, "__init__", lose_tasks_once)

    async def go():
        first = asyncio.ensure_future(pool.run(square, 2))
        second = asyncio.ensure_future(pool.run(square, 3))
        return await asyncio.wait_for(asyncio.gather(first, second), 30)

    try:
        results = asyncio.run(go())
    finally:
        pool.close()
    assert results == [4, 9]
    assert pool.stats.get_value("workers/pool_restarted") == 1


def test_a_pool_closed_before_its_first_task_leaves_no_process():
    before = set(multiprocessing.active_children())
    workers._Executor(2).close(5)
    assert set(multiprocessing.active_children()) - before == set()


def touch(path: str) -> str:
    Path(path).touch()
    return path


def test_a_cancelled_task_that_no_worker_has_taken_never_runs(tmp_path):
    """While the workers are busy, one batch waits in the pool and the other tasks wait in the crawl's
    process, to go as full batches: a task cancelled there is never sent."""
    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()))
    markers = [str(tmp_path / f"task-{i}") for i in range(workers.MAX_BATCH + 4)]

    async def go():
        busy = asyncio.ensure_future(pool.run(time.sleep, 0.5))  # holds the one worker
        await asyncio.sleep(0.1)
        queued = [asyncio.ensure_future(pool.run(touch, marker)) for marker in markers]
        await asyncio.sleep(0.1)
        queued[-1].cancel()
        await asyncio.gather(busy, *queued, return_exceptions=True)
        return queued[-1].cancelled()

    try:
        cancelled = asyncio.run(go())
    finally:
        pool.close()
    assert cancelled
    assert [os.path.exists(m) for m in markers] == [True] * (len(markers) - 1) + [False]
    # The busy task, a full batch that waited in the pool, and the three left after it.
    assert pool.stats.get_value("workers/batches") == 3
    assert pool.stats.get_value("workers/tasks") == len(markers)


def numbered(n: int) -> tuple[int, int]:
    if n % 7 == 3:
        raise ValueError(f"task {n} fails")
    return n, os.getpid()


def test_tasks_go_to_the_workers_in_batches_and_each_answer_to_its_own_task():
    """Each batch costs the crawl the same hand-off: tasks that wait together go together, shared
    among the idle workers, and each gets its own value or its own error back."""
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        return await asyncio.gather(*(pool.run(numbered, n) for n in range(40)), return_exceptions=True)

    try:
        answers = asyncio.run(go())
    finally:
        pool.close()
    for n, answer in enumerate(answers):
        if n % 7 == 3:
            assert isinstance(answer, ValueError) and str(answer) == f"task {n} fails"
        else:
            assert answer[0] == n
    assert len({answer[1] for answer in answers if isinstance(answer, tuple)}) == 2  # both workers read
    assert pool.stats.get_value("workers/tasks") == 40
    # The two idle workers take 8 each, one batch of 8 waits in the pool, the 16 left go as two
    # batches of 8 as workers free up.
    assert pool.stats.get_value("workers/batches") == 5


def slow_square(x: int) -> int:
    time.sleep(0.3)  # still reading when the other task kills its worker
    return x * x


def test_a_task_that_kills_its_worker_twice_fails_alone(tmp_path):
    """The pages in flight beside it are broken twice too; read alone, each but that one is read."""
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        return await asyncio.gather(
            pool.run(die_after, 0.1), *(pool.run(slow_square, n) for n in range(6)), return_exceptions=True
        )

    try:
        results = asyncio.run(go())
    finally:
        pool.close()
    assert isinstance(results[0], BrokenProcessPool)
    assert results[1:] == [0, 1, 4, 9, 16, 25]
    assert pool.stats.get_value("workers/pool_restarted") == 2


class TwoPartError(Exception):
    """An error that pickles but does not unpickle (its __init__ takes two arguments)."""

    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")


def raise_two_part(_: int) -> int:
    raise TwoPartError("bad markup", "line 3")


def raise_broken_pool(_: int) -> int:
    raise BrokenProcessPool("a pool of the task's own")


@pytest.mark.parametrize(
    ("task", "message"),
    [(raise_two_part, "TwoPartError: bad markup at line 3"), (raise_broken_pool, "BrokenProcessPool: a pool of")],
)
def test_a_task_s_own_error_comes_back_as_its_error_and_the_pool_stays(task, message):
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        return await asyncio.gather(pool.run(task, 0), *(pool.run(slow_square, n) for n in range(4)),
                                    return_exceptions=True)  # fmt: skip

    try:
        error, *squares = asyncio.run(go())
    finally:
        pool.close()
    assert isinstance(error, workers.TaskError) and str(error).startswith(message)
    assert squares == [0, 1, 4, 9]
    assert pool.stats.get_value("workers/pool_restarted") is None


def test_a_task_stuck_when_the_crawl_ends_is_killed_with_its_worker():
    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()), close_timeout=1)
    pids: list[int] = []

    async def go():
        pids.append(await pool.run(os.getpid))
        stuck = asyncio.ensure_future(pool.run(time.sleep, 600))
        await asyncio.sleep(0.3)
        stuck.cancel()  # the page gave up; its worker still reads it

    asyncio.run(go())
    closing = threading.Thread(target=pool.close, daemon=True)
    closing.start()
    closing.join(20)
    assert not closing.is_alive()
    assert pool.stats.get_value("workers/killed_at_close") == 1
    wait_until(lambda: not alive(pids[0]), timeout=10, what="the stuck worker to end")


def own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.parametrize("niceness", [0, 7])
def test_workers_run_below_the_crawl_by_their_niceness(niceness):
    """The engine's thread is the crawl's serial part: a worker must not take its core."""
    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()), niceness=niceness)

    async def go():
        return await pool.run(own_niceness), await pool.run(os.getpid)

    try:
        worker_niceness, worker = asyncio.run(go())
    finally:
        pool.close()
    assert worker != os.getpid()
    assert worker_niceness == min(own_niceness() + niceness, 19)


STARTING = """
import asyncio, json, time
from crawler.workers import WorkerPool
from tests.test_workers import square

async def go(pool):
    ticks = [time.monotonic()]

    async def tick():
        while True:
            await asyncio.sleep(0.01)
            ticks.append(time.monotonic())

    ticker = asyncio.ensure_future(tick())
    await asyncio.sleep(0.05)
    started = time.monotonic()
    answer = await pool.run(square, 7)
    ticker.cancel()
    waited = time.monotonic() - started
    during = [b - a for a, b in zip(ticks, ticks[1:]) if b > started]
    return answer, waited, max(during)

if __name__ == "__main__":
    pool = WorkerPool(2)
    try:
        answer, waited, gap = asyncio.run(go(pool))
    finally:
        pool.close()
    print(json.dumps({"answer": answer, "waited": waited, "gap": gap}), flush=True)
"""


def test_the_crawl_goes_on_while_its_workers_start(tmp_path):
    """Starting the workers waits for the forkserver to load the page step (half a second): the
    event loop, and with it every download, must not stand still meanwhile."""
    script = tmp_path / "starting.py"
    script.write_text(STARTING)
    result = subprocess.run([sys.executable, str(script)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["answer"] == 49
    assert seen["waited"] > 0.15  # a fresh forkserver: the start did take time
    assert seen["gap"] < seen["waited"] / 2  # and the loop ran through it


def stops(_: int) -> int:
    return next(iter(()))  # StopIteration, as a `next()` on an empty iterator raises


def exits(_: int) -> int:
    raise SystemExit(3)


def unpicklable(_: int) -> object:
    return threading.Lock()


@pytest.mark.parametrize(
    ("task", "error", "message"),
    [(stops, workers.TaskError, "StopIteration"), (exits, workers.TaskError, "SystemExit: 3"),
     (unpicklable, TypeError, "pickle")],
)  # fmt: skip
def test_a_task_that_fails_oddly_fails_alone_and_its_batch_mates_get_their_answers(task, error, message):
    """Errors an asyncio future refuses (StopIteration), that are no Exception (SystemExit), or a value
    that cannot come back: only that task fails, the others of its batch get their own values, and the
    pool answers afterwards."""
    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()))

    async def go():
        together = await asyncio.wait_for(
            asyncio.gather(*(pool.run(square, n) for n in range(3)), pool.run(task, 0),
                           *(pool.run(square, n) for n in range(3, 6)), return_exceptions=True), 30)  # fmt: skip
        return together, await asyncio.wait_for(pool.run(square, 7), 30)

    try:
        together, after = asyncio.run(go())
    finally:
        pool.close()
    failed = together.pop(3)
    assert isinstance(failed, error) and message in str(failed)
    assert together == [0, 1, 4, 9, 16, 25] and after == 49
    assert pool.stats.get_value("workers/pool_restarted") is None


def fails_in_worker(_: int) -> int:
    raise ValueError("unreadable markup")


def test_a_task_s_error_keeps_the_worker_s_traceback():
    """The crawl logs a page it cannot parse with its traceback: the worker's frames, as its cause."""
    pool = WorkerPool(1)

    async def go():
        try:
            await pool.run(fails_in_worker, 0)
        except ValueError as exc:
            return exc
        return None

    try:
        error = asyncio.run(go())
    finally:
        pool.close()
    assert error is not None and str(error) == "unreadable markup"
    assert "fails_in_worker" in str(error.__cause__)


def fail_first_launch(monkeypatch) -> list[bool]:
    """The next start of a pool's workers fails, as with no memory; the list tells it did (clear it to
    fail the next one too)."""
    from concurrent.futures import ProcessPoolExecutor

    real, failed = ProcessPoolExecutor._launch_processes, []

    def launch_once(executor):
        if not failed:
            failed.append(True)
            raise OSError(12, "Cannot allocate memory")
        return real(executor)

    monkeypatch.setattr(ProcessPoolExecutor, "_launch_processes", launch_once)
    return failed


def test_workers_that_cannot_start_once_are_started_again(monkeypatch):
    """A start that fails (no memory, no process left) must not fail every later page with it."""
    failed = fail_first_launch(monkeypatch)
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        return await asyncio.wait_for(asyncio.gather(*(pool.run(square, n) for n in range(4))), 60)

    try:
        results = asyncio.run(go())
    finally:
        pool.close()
    assert failed and results == [0, 1, 4, 9]
    assert pool.stats.get_value("workers/pool_restarted") == 1


async def wait_until_async(done, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)


def test_workers_started_ahead_are_the_ones_the_first_page_finds():
    """The spider starts the workers with the crawl (`prestart`), while the listings download: the first
    article page finds them running, and no second pool is started for it."""
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        pool.prestart()
        executor = pool._executor
        await asyncio.wait_for(asyncio.shield(executor.started), 60)
        ready = len(executor._workers())
        pool.prestart()  # once only
        assert executor.started is pool._executor.started
        return ready, await asyncio.wait_for(pool.run(square, 7), 60), executor is pool._executor

    try:
        ready, answer, same = asyncio.run(go())
    finally:
        pool.close()
    assert (ready, answer, same) == (2, 49, True)
    idle = WorkerPool(0)
    idle.prestart()  # in-process: nothing to start
    assert idle._executor is None


def test_a_start_ahead_that_fails_is_retried_by_the_first_page_and_is_no_error_alone(monkeypatch):
    """A start ahead that fails (no memory, no process left) is the first page's to see, and to retry as
    a broken pool; a crawl with no page to read never looks at it, and asyncio must not log it."""
    failed = fail_first_launch(monkeypatch)
    pool, alone = WorkerPool(2, MemoryStatsCollector(get_crawler())), WorkerPool(2)
    logged: list[dict] = []

    async def go():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: logged.append(context))
        pool.prestart()
        with pytest.raises(BrokenProcessPool):
            await asyncio.wait_for(asyncio.shield(pool._executor.started), 60)
        return await asyncio.wait_for(asyncio.gather(*(pool.run(square, n) for n in range(3))), 60)

    try:
        results = asyncio.run(go())
    finally:
        pool.close()
    assert failed and results == [0, 1, 4]
    assert pool.stats.get_value("workers/pool_restarted") == 1

    failed.clear()

    async def nothing_to_read():
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: logged.append(context))
        alone.prestart()
        started = alone._executor.started
        await wait_until_async(started.done)
        del started
        alone.close()
        alone._executor = None
        gc.collect()

    asyncio.run(nothing_to_read())
    assert failed and logged == []


INTERRUPTED = """
import json, os, signal, threading, time
from pathlib import Path
from crawler import workers
from tests.test_workers import square

def forkserver():
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[1]) == os.getpid():
                if "forkserver" in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    return int(entry.name)
        except (OSError, IndexError):
            continue
    return None

if __name__ == "__main__":
    executor = workers._Executor(1)
    outcome = {}
    def start():
        try:
            executor._start()
            outcome["answer"] = executor.pool.submit(workers._call, square, (7,), {}).result(timeout=60)
        except BaseException as exc:
            outcome["error"] = repr(exc)
    thread = threading.Thread(target=start)
    thread.start()
    deadline, pid = time.monotonic() + 30, None
    while pid is None and time.monotonic() < deadline:
        pid = forkserver()
    os.kill(pid, signal.SIGINT)  # as a Ctrl-C to the crawl's process group reaches it, while it starts
    thread.join(60)
    executor.close(5)
    print(json.dumps(outcome), flush=True)
"""


def test_a_ctrl_c_while_the_workers_start_does_not_break_their_pool(tmp_path):
    """Ctrl-C reaches the whole process group, the forkserver too, and the crawl stops gracefully with
    its pool. The forkserver used to ignore it only after importing the page step (half a second after
    it started): a Ctrl-C then killed it with a traceback, and the pool broke."""
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED)
    result = subprocess.run([sys.executable, str(script)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.splitlines()[-1]) == {"answer": 49}, result.stderr[-2000:]
    assert "KeyboardInterrupt" not in result.stderr


def test_a_pool_that_cannot_be_made_fails_the_pages_not_the_spider_s_start(monkeypatch):
    """No pool at all (a host without a usable /dev/shm): the start ahead lets it be, and each page meets
    the error, is recorded as a failure and fetched again by the next run, as before the start ahead."""
    from concurrent.futures import ProcessPoolExecutor

    def no_pool(self, *args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", no_pool)
    pool = WorkerPool(2, MemoryStatsCollector(get_crawler()))

    async def go():
        pool.prestart()
        with pytest.raises(OSError):
            await pool.run(square, 3)

    asyncio.run(go())
    assert pool._executor is None


GUARDED = """
import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # as the pool spawns the forkserver
os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C while it starts: pending
import crawler._forkserver_guard  # what the forkserver imports first
assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set()), "SIGINT still blocked"
assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
print("alive", flush=True)
"""


def test_the_forkserver_ignores_a_ctrl_c_from_its_first_import_and_unblocks_it():
    """The pool spawns the forkserver with SIGINT blocked, and the block may already be lifted (Python's
    resource tracker, started in the same thread, unblocks it): the forkserver's first import must
    ignore SIGINT (a Ctrl-C waiting then is dropped, not a KeyboardInterrupt in its imports) and
    unblock it (its workers are not left with a blocked signal)."""
    result = subprocess.run([sys.executable, "-c", GUARDED], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "alive", result.stderr[-2000:]


def spin(seconds: float) -> str:
    """A page that takes `seconds` to read, in Python steps (a quadratic walk of a hostile page)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "read"


def test_a_page_read_past_the_time_limit_fails_alone_and_the_worker_goes_on():
    """A helper's hostile review: a page that took minutes to read held the engine, and a Ctrl-C,
    until it was done. Past PAGE_TIME_LIMIT its task fails; the pages after it are read as before."""
    from crawler.workers import PageTimeLimitError

    pool = WorkerPool(1, MemoryStatsCollector(get_crawler()), time_limit=0.5)

    async def go():
        started = time.monotonic()
        slow = await asyncio.gather(pool.run(spin, 30.0), return_exceptions=True)
        took = time.monotonic() - started
        return slow[0], took, await pool.run(spin, 0.0), await pool.run(square, 7)

    try:
        error, took, after, squared = asyncio.run(go())
    finally:
        pool.close()
    assert isinstance(error, PageTimeLimitError) and "PAGE_TIME_LIMIT" in str(error)
    assert took < 15  # not the task's 30 s: the limit stopped it
    assert (after, squared) == ("read", 49)
