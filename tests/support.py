"""Helpers the tests share: reading a database, starting crawls, holding locks, small filesystems,
and the processes a crawl leaves behind."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.demo import crawl_command
from crawler.sampleserver import PROJECT_ROOT

# No delay, no rendering, quick retries: a crawl of a local site that the test controls.
QUICK = {"RENDER_ENABLED": "false", "RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "5"}


def rows(db_path: str | Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def count(db_path: str | Path, table: str = "articles") -> int:
    """Rows of a table, read while a crawl may be writing it; 0 before the table exists."""
    try:
        return rows(db_path, f"select count(*) n from [{table}]")[0]["n"]
    except sqlite3.OperationalError:
        return 0


def wait_until(predicate: Callable[[], object], *, timeout: float = 60.0, what: str = "the condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def start_crawl(
    base_url: str, db: Path, *, settings: dict[str, str] | None = None, env: dict[str, str] | None = None,
    **spider_args: str,
) -> subprocess.Popen:  # fmt: skip
    """A whole `scrapy crawl` in the background, as a scheduler starts it."""
    settings = {"LOG_LEVEL": "INFO", **QUICK, **(settings or {})}
    cmd = crawl_command(base_url, db, spider_args=spider_args, settings=settings)
    return subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def crawl(base_url: str, db: Path, *, timeout: float = 180, **kwargs) -> subprocess.CompletedProcess:
    process = start_crawl(base_url, db, **kwargs)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """Hold the database's write lock (as a long transaction of another writer would)."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def hold_lock_after(db: Path, ready: Callable[[], bool], release: threading.Event) -> threading.Thread:
    """In a thread: once `ready()`, take the write lock and keep it until `release` is set."""
    taken = threading.Event()

    def run() -> None:
        wait_until(ready, what="the crawl's first stored articles")
        with write_lock(db):
            taken.set()
            release.wait(120)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.taken = taken  # type: ignore[attr-defined]
    return thread


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc: children, grandchildren, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its status has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"this test needs to mount a filesystem (as root): {result.stderr.strip()}")


@contextlib.contextmanager
def small_filesystem(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `path`: a disk that fills up."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def grow(path: Path, size: str) -> None:
    """Free space on a `small_filesystem`."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


@contextlib.contextmanager
def read_only_view(source: Path, path: Path) -> Iterator[Path]:
    """`source` seen read-only at `path` (a read-only filesystem, as root or not)."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(path))
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
