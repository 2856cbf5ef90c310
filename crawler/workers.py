"""Worker processes for the CPU-heavy, pure steps of the per-page path.

Parsing a page with the loader and reading its figures cost more CPU than the Scrapy engine's
whole handling of a page; in one process they cap the crawl. `WORKER_PROCESSES` worker processes
take them (default "auto": one a core; the engine's process and the workers share the cores, and
the per-page work costs more CPU than the engine's, so every core reading pages is what pays).
The steps are pure functions of bytes and text, so a worker gets bytes and returns plain values;
with `WORKER_PROCESSES = 0` they run in the crawl's process.

The pool starts when the spider starts its crawl (its first requests, while the listings download;
a command that opens a spider but crawls nothing, such as `scrapy shell`, starts no process), or
with the first page where no spider asked before, and its processes end with the crawl:
when the crawl is killed (`kill -9`, the OOM killer, a scheduler's timeout) the forkserver and the
workers notice that the crawl is gone and exit, so nothing is left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import multiprocessing.util
import os
import pickle
import shutil
import signal
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool, _ExceptionWithTraceback
from pathlib import Path
from typing import Any, TypeVar

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.processes import is_alive, process_started

T = TypeVar("T")
CGROUP = Path("/sys/fs/cgroup")
# How often a worker looks whether the crawl is still there (seconds).
ORPHAN_CHECK_INTERVAL = 0.5
# The crawl a worker serves, named in the environment the forkserver and the workers inherit: a
# process that only watched its own parent would miss a crawl killed before it started watching.
CRAWL_PID, CRAWL_STARTED = "BAOTHANHHOA_CRAWL_PID", "BAOTHANHHOA_CRAWL_STARTED"
# The folder of the crawl's forkserver socket (Python's `pymp-*` temporary folder of the crawl): the
# crawl removes it when it exits; after a `kill -9` its forkserver does (`remove_pool_dir`).
POOL_DIR = "BAOTHANHHOA_POOL_DIR"
# How long the pool waits at the crawl's end for a task still running (seconds): the engine has
# stopped, so every page is done, and a task still running is stuck; it is killed with its worker.
CLOSE_TIMEOUT = 30.0
# At most this many tasks go to a worker as one (see `_Executor._send`).
MAX_BATCH = 8


def _watched() -> tuple[int, str | None]:
    """The crawl this process serves: the one named in the environment, else this process's parent. A
    start time is only that crawl's: with the parent watched instead, one inherited from elsewhere
    would take the parent for gone."""
    named = os.environ.get(CRAWL_PID)
    return (int(named), os.environ.get(CRAWL_STARTED) or None) if named else (os.getppid(), None)


def remove_pool_dir() -> None:
    """Remove the folder of the crawl's forkserver socket, once the crawl is gone: a crawl killed with
    SIGKILL never removes it, and a scheduler's timeouts would leave one behind at every run."""
    folder = os.environ.get(POOL_DIR)
    if folder and os.path.basename(folder).startswith("pymp-") and not is_alive(*_watched()):
        shutil.rmtree(folder, ignore_errors=True)


def exit_with_crawl(interval: float = ORPHAN_CHECK_INTERVAL, *, on_exit: Callable[[], None] | None = None) -> None:
    """Exit this process as soon as the crawl that started it is gone (killed, or ended), after
    `on_exit`."""
    pid, started = _watched()

    def watch() -> None:
        while is_alive(pid, started):
            time.sleep(interval)
        if on_exit is not None:
            with contextlib.suppress(Exception):
                on_exit()
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-crawl", daemon=True).start()


class PageTimeLimitError(Exception):
    """A task ran longer than the workers' time limit (PAGE_TIME_LIMIT)."""


_time_limit = 0.0  # seconds a task may run in this worker; 0: no limit


def _over_time(signum: int, frame: Any) -> None:
    raise PageTimeLimitError(f"reading the page took more than {_time_limit:g} s (PAGE_TIME_LIMIT)")


def _init_worker(niceness: int = 0, time_limit: float = 0.0) -> None:
    global _time_limit
    # Ctrl-C reaches the whole process group: the crawl stops gracefully and ends the workers;
    # a worker that died of the same signal would take the items it held with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A page that takes minutes to read held the engine (which waits for it) and a Ctrl-C with it:
    # past the limit the task fails with PageTimeLimitError, raised between two Python steps.
    _time_limit = time_limit
    if time_limit > 0:
        signal.signal(signal.SIGALRM, _over_time)
    if niceness:
        # The engine's one thread is the crawl's serial part: when the workers take a core it needs,
        # every worker waits for pages (see WORKER_NICENESS). Raising it is allowed to anyone.
        with contextlib.suppress(OSError):
            os.nice(niceness)
    exit_with_crawl()


def _started() -> None:
    """The task that starts a pool's workers."""


class TaskError(Exception):
    """A task's own error, as text: its exception could not come back from the worker as it was (it
    does not unpickle, which Python's pool takes for a dead worker), would pass for a broken pool, or
    could not be given to an asyncio future (StopIteration), or is not an Exception (SystemExit)."""


def _call(fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    """Run a task in a worker; an error that could not come back as it is comes back as TaskError."""
    try:
        if _time_limit > 0:
            signal.setitimer(signal.ITIMER_REAL, _time_limit)
        try:
            return fn(*args, **kwargs)
        finally:
            if _time_limit > 0:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except (BrokenProcessPool, StopIteration) as exc:  # the task's own pool; a `next()` run dry
        raise TaskError(f"{type(exc).__qualname__}: {exc}") from None
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise TaskError(f"{type(exc).__qualname__}: {exc}") from None
        raise


def _call_many(calls: list[tuple[Callable, tuple, dict]]) -> list[tuple[bool, Any]]:
    """Run a batch of tasks in a worker: each one's value, or its own error, in their order. An error
    keeps the worker's traceback (as the pool's own, as the cause of the error raised in the crawl)."""
    outcomes: list[tuple[bool, Any]] = []
    for fn, args, kwargs in calls:
        try:
            outcomes.append((True, _call(fn, args, kwargs)))
        except Exception as exc:
            outcomes.append((False, _ExceptionWithTraceback(exc, exc.__traceback__)))
        except BaseException as exc:  # SystemExit and the like: the task's own, not its batch's
            outcomes.append((False, TaskError(f"{type(exc).__qualname__}: {exc}")))
    return outcomes


class _Executor:
    """One process pool of the crawl and the tasks waiting on it.

    When one of its workers dies, Python's pool stops the others with SIGTERM and waits for each to
    end, and the crawl cannot exit before: a worker deaf to SIGTERM and stuck in a task would hold it
    forever, and so would a worker that Python 3.11's pool starts at the very moment another dies
    (it is neither stopped nor given work; the task submitted then is never answered). So all
    workers start with the pool, a retired pool's workers are killed, and the tasks still waiting
    on it fail here, to be tried again."""

    __slots__ = (
        "counted",
        "in_flight",
        "loop",
        "pool",
        "queued",
        "retired",
        "send_pending",
        "size",
        "started",
        "starting",
        "waiting",
    )

    def __init__(
        self, size: int, niceness: int = 0, counted: Callable[[int], None] | None = None, time_limit: float = 0.0
    ) -> None:
        os.environ[CRAWL_PID] = str(os.getpid())
        os.environ[CRAWL_STARTED] = process_started() or ""
        # Made now (the forkserver's socket goes in it) and named for the forkserver, which inherits it.
        os.environ[POOL_DIR] = multiprocessing.util.get_temp_dir()
        context = multiprocessing.get_context("forkserver")
        # The forkserver imports this module first: its own watch makes it exit with the crawl.
        context.set_forkserver_preload(["crawler._forkserver_guard"])
        self.pool = ProcessPoolExecutor(
            size, mp_context=context, initializer=_init_worker, initargs=(niceness, time_limit)
        )
        # Every worker with the first task, before the pool's thread starts (as the pool does for
        # "fork"), not one a task: a worker started while that thread is between two waits is not
        # watched, and its death goes unnoticed until another task comes (after the last page, never).
        self.pool._safe_to_dynamically_spawn_children = False
        self.size = size
        self.counted = counted  # told the size of each batch sent
        self.waiting: set[asyncio.Future] = set()
        self.queued: list[tuple[Callable, tuple, dict, asyncio.Future]] = []
        self.in_flight = 0  # batches sent and not answered
        self.loop: asyncio.AbstractEventLoop | None = None
        self.send_pending = False
        self.retired = False
        self.started: asyncio.Future | None = None
        self.starting = threading.Lock()

    def _start(self) -> None:
        # Run in a thread (see `start`): starting the workers waits until the forkserver has imported
        # the page step (half a second), and in the crawl's thread the downloads would stand still.
        with self.starting:
            # The forkserver is spawned from this thread and inherits its signal mask: SIGINT blocked
            # until it ignores it (crawler/_forkserver_guard.py), as Python starts its resource tracker.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                self.pool.submit(_started)
            except (BrokenProcessPool, RuntimeError):  # broken, or shut down by close() meanwhile
                raise
            except Exception as exc:  # no process could start (no memory, no process left): a pool
                # that is not replaced would fail every later page with it
                raise BrokenProcessPool(f"the worker processes could not start: {exc}") from exc
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def start(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        """Start the workers in a thread, once: the future every task waits for."""
        if self.started is None:
            self.started = loop.run_in_executor(None, self._start)
        return self.started

    async def run(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
        loop = self.loop = asyncio.get_running_loop()
        self.start(loop)
        # Every task waits for the same start (shielded: one task's cancellation is not the others');
        # none is submitted before it, so the pool is only ever called from the crawl's thread after.
        await asyncio.shield(self.started)
        if self.retired:  # broke while this task waited for the start: tried again on its successor
            raise BrokenProcessPool("the worker pool broke while this task waited")
        waiter = loop.create_future()
        self.queued.append((fn, args, kwargs, waiter))
        if not self.send_pending:
            self.send_pending = True
            loop.call_soon(self._send, loop)  # after the other tasks of this turn of the loop
        self.waiting.add(waiter)
        try:
            return await waiter  # cancelled: never sent, if it still waits here (see `_send`)
        finally:
            self.waiting.discard(waiter)

    def _send(self, loop: asyncio.AbstractEventLoop, *, everything: bool = False) -> None:
        """Send waiting tasks to the pool, a few to a batch, as its workers need them.

        Every batch costs the crawl's process the same hand-off (the pool's two threads woken, a pipe
        each way, the answer carried back to the event loop) whatever it holds. While a worker is
        idle, the waiting tasks are shared among the idle ones; while all are busy, one more batch
        waits in the pool (a worker that finishes takes it at once) and the rest wait here, to go as
        full batches. A task cancelled here is never sent (one sent runs: the pool has already given
        its batch to a worker's queue). A slow task delays the tasks after it in its batch, not the
        other workers."""
        self.send_pending = False
        self.queued = [q for q in self.queued if not q[3].done()]
        while self.queued and (everything or self.in_flight <= self.size):
            idle = self.size - self.in_flight
            each = min(MAX_BATCH, math.ceil(len(self.queued) / idle) if idle > 0 else len(self.queued))
            chunk, self.queued = self.queued[:each], self.queued[each:]
            self._submit_batch(loop, chunk)

    def _submit_batch(self, loop: asyncio.AbstractEventLoop, chunk: list) -> None:
        waiters = [waiter for *_, waiter in chunk]
        try:
            done = self.pool.submit(_call_many, [(fn, args, kwargs) for fn, args, kwargs, _ in chunk])
        except Exception as exc:  # a broken pool, or one shut down: every task of the batch fails
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)
            return
        self.in_flight += 1
        done.add_done_callback(lambda f: _settle_from(loop, chunk, f, self._answered))
        if self.counted is not None:
            self.counted(len(chunk))

    def _answered(self, loop: asyncio.AbstractEventLoop, failed_whole: list | None) -> None:
        """A batch is answered (in the crawl's thread): a worker is free for the next one. A batch of
        several that failed as a whole, but not for a dead worker (a value or an argument that does
        not pickle), goes again a task a batch, so that each task gets its own answer."""
        self.in_flight -= 1
        for task in failed_whole or ():
            if not task[3].done():
                self._submit_batch(loop, [task])
        if self.queued and not self.send_pending:
            self._send(loop)

    def _workers(self) -> list[Any]:
        # The pool names its workers only privately (Python 3.14 adds kill_workers()). They are
        # started by the first submit, in a thread of its own (see `run`): listed after it.
        with self.starting:
            return list((getattr(self.pool, "_processes", None) or {}).values())

    def retire(self) -> None:
        """Stop the broken pool without waiting: its workers are killed, its waiting tasks fail."""
        self.retired = True
        workers = self._workers()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.kill()
        for waiter in self.waiting:
            if not waiter.done():
                waiter.set_exception(BrokenProcessPool("the worker pool broke while this task waited"))

    def close(self, timeout: float) -> bool:
        """Stop the pool after its tasks; a task still running after `timeout` seconds (stuck: the
        engine has stopped, every page is done) is killed with its worker. True if one was."""
        if self.queued and self.loop is not None:
            with contextlib.suppress(RuntimeError):  # its loop has closed: nobody waits for them
                self._send(self.loop, everything=True)  # a task still waiting here runs, as in the pool
        workers = self._workers()
        thread = getattr(self.pool, "_executor_manager_thread", None)
        self.pool.shutdown(wait=False)
        if thread is None:
            return False
        thread.join(timeout)
        if not thread.is_alive():
            return False
        for worker in workers:
            worker.kill()
        thread.join(timeout)
        return True


def _settle_from(loop: asyncio.AbstractEventLoop, chunk: list, done: Any, answered: Callable[..., None]) -> None:
    def settle() -> None:
        failed_whole = None
        try:
            if done.cancelled():
                return  # by `retire`, which failed its waiters first
            waiters = [waiter for *_, waiter in chunk]
            error = done.exception()
            if error is not None and len(chunk) > 1 and not isinstance(error, BrokenProcessPool):
                failed_whole = chunk
                return
            outcomes = [(False, error)] * len(waiters) if error is not None else done.result()
            for waiter, (ok, value) in zip(waiters, outcomes, strict=True):
                if waiter.done():
                    continue  # failed by retire, or its task was cancelled
                if ok:
                    waiter.set_result(value)
                else:
                    waiter.set_exception(value)  # never StopIteration, which asyncio refuses: see `_call`
        finally:
            answered(loop, failed_whole)

    with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
        loop.call_soon_threadsafe(settle)


class WorkerPool:
    """The crawl's worker processes (a Scrapy extension, one per crawler): started by the spider's
    start (`prestart`) or the first page, stopped after their last task when the engine stops.
    `WorkerPool.of(crawler)` is how a component finds the pool of its crawl; without workers it runs
    each step in-process."""

    def __init__(
        self,
        size: int,
        stats: Any = None,
        close_timeout: float = CLOSE_TIMEOUT,
        niceness: int = 0,
        time_limit: float = 0.0,
    ) -> None:
        self.size = size
        self.niceness = niceness
        self.time_limit = time_limit
        self.stats = stats
        self.close_timeout = close_timeout
        self._executor: _Executor | None = None
        self._alone_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerPool:
        size = worker_count(crawler.settings.get("WORKER_PROCESSES"))
        if size <= 0:
            raise NotConfigured("WORKER_PROCESSES is 0: the per-page steps run in the crawl's process")
        pool = cls(
            size,
            crawler.stats,
            niceness=worker_niceness(crawler.settings.get("WORKER_NICENESS")),
            time_limit=crawler.settings.getfloat("PAGE_TIME_LIMIT"),
        )
        _POOLS[crawler] = pool
        crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    @classmethod
    def of(cls, crawler: Any) -> WorkerPool:
        """The pool of this crawl, or an in-process one when it has no workers."""
        return _POOLS.get(crawler) or _IN_PROCESS

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker process when the crawl has workers, else here."""
        if self.size <= 0:
            return fn(*args, **kwargs)
        try:
            return await self._submit(fn, args, kwargs)
        except BrokenProcessPool:
            # A worker died (the OOM killer, a crash in a C library, a kill): that executor is
            # unusable for good, and every later page would fail with it. A fresh one takes over and
            # the tasks the dead one held are tried once more.
            pass
        try:
            return await self._submit(fn, args, kwargs)
        except BrokenProcessPool:
            # Broken twice while this task waited: it may be the page that kills its worker, or one
            # of those in flight beside it. Alone in a worker of its own, only that page fails.
            return await self._alone(fn, args, kwargs)

    async def _alone(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
        loop = asyncio.get_running_loop()
        if self._alone_lock is None or self._alone_lock[0] is not loop:
            self._alone_lock = (loop, asyncio.Lock())
        async with self._alone_lock[1]:  # one at a time: memory may be what kills the workers
            if self.stats is not None:
                self.stats.inc_value("workers/tasks_read_alone")
            executor = _Executor(1, self.niceness, time_limit=self.time_limit)
            try:
                return await executor.run(fn, args, kwargs)
            except BrokenProcessPool:
                executor.retire()
                raise
            finally:
                executor.close(self.close_timeout)

    def prestart(self) -> None:
        """Start the workers now, in a thread, while the crawl fetches its first pages: their start
        (the forkserver importing the page step, half a second) is otherwise waited for by the first
        article pages. A start that fails is the first page's to see (and to retry, as a broken pool)."""
        if self.size <= 0:
            return
        try:
            executor = self._current()
        except Exception:  # no pool could be made (no /dev/shm, say): the first page meets it, and fails
            return
        executor.start(asyncio.get_running_loop()).add_done_callback(_seen)

    def _current(self) -> _Executor:
        if self._executor is None:
            self._executor = _Executor(self.size, self.niceness, self._count_batch, self.time_limit)
        return self._executor

    async def _submit(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
        executor = self._current()
        try:
            return await executor.run(fn, args, kwargs)
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def _count_batch(self, tasks: int) -> None:
        if self.stats is not None:
            self.stats.inc_value("workers/batches")
            self.stats.inc_value("workers/tasks", tasks)

    def _replace(self, executor: _Executor) -> None:
        if self._executor is executor:  # the first task to see it broken replaces it
            self._executor = None
            executor.retire()
            if self.stats is not None:
                self.stats.inc_value("workers/pool_restarted")

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None and executor.close(self.close_timeout) and self.stats is not None:
            self.stats.inc_value("workers/killed_at_close")


def _seen(started: asyncio.Future) -> None:
    """A failed start is reported by the pages that wait for it; with none, it is not an error."""
    if not started.cancelled():
        started.exception()


def most_workers() -> int:
    """The most worker processes a run may start: four a core of the machine. Reading figures is
    work for a core, so more gain nothing, and a mistyped 100000 would fork until memory ran out."""
    return 4 * (os.cpu_count() or 1)


def worker_count(value: Any, cgroup: Path = CGROUP) -> int:
    """WORKER_PROCESSES as a number: "auto" is the cores this process may run on, and no more than
    its container's CPU quota allows (a container limited to 2 CPUs on a 64-core host gets 2)."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        quota = cpu_quota(cgroup)
        return max(1, min(cores, math.ceil(quota))) if quota else cores
    try:
        count = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"WORKER_PROCESSES must be a number or 'auto', not {value!r}") from None
    if not 0 <= count <= most_workers():
        raise ValueError(f"WORKER_PROCESSES must be 'auto' or a number from 0 to {most_workers()}, not {value!r}")
    return count


def worker_niceness(value: Any) -> int:
    """WORKER_NICENESS as the increment a worker adds to its niceness (0 to 19, as `nice` takes)."""
    try:
        niceness = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"WORKER_NICENESS must be a whole number from 0 to 19, not {value!r}") from None
    if not 0 <= niceness <= 19 or (isinstance(value, float) and not value.is_integer()):  # 2.5 in settings.py
        raise ValueError(f"WORKER_NICENESS must be a whole number from 0 to 19, not {value!r}")
    return niceness


def cpu_quota(cgroup: Path = CGROUP) -> float | None:
    """The CPUs the cgroup's quota allows (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`), or None."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        allowed = int(quota) / int(period)
    except (ValueError, ZeroDivisionError):
        return None  # "max", or unreadable: no quota
    return allowed if allowed > 0 else None


_POOLS: weakref.WeakKeyDictionary[Any, WorkerPool] = weakref.WeakKeyDictionary()
_IN_PROCESS = WorkerPool(0)
