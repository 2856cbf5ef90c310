"""Helpers the tests share (the one module they import from): gold sets and sample pages, reading a
database, starting crawls, holding locks, small filesystems, and the processes a crawl leaves behind."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from demo.crawl import crawl_command
from demo.server import PROJECT_ROOT, SAMPLE_SITE

TESTS = Path(__file__).resolve().parent
GOLD = PROJECT_ROOT / "evaluation" / "gold"
GOLD_DEV = GOLD / "dev.jsonl"

# No delay, no rendering, quick retries: a crawl of a local site that the test controls.
QUICK = {"RENDER_ENABLED": "false", "RETRY_TIMES": "1", "DOWNLOAD_TIMEOUT": "5"}


def load_gold(path: Path = GOLD_DEV) -> dict[str, dict]:
    return {
        str(d["id"]): d for d in (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    }


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does in practice: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def page_for(article_id: str) -> Path:
    return next(p for p in SAMPLE_SITE.rglob("*.htm") if p.stem.endswith(article_id))


# Page furniture that never belongs in a stored article.
FURNITURE = (
    "Tin liên quan",
    "Đọc nhiều",
    "{name}",
    "{body}",
    "bình luận",
    "Chia sẻ thông tin",
    "Tắt [X]",
    "Ý kiến của bạn",
    "Địa phương",
    "Thời tiết",
    "(Baothanhhoa.vn)",
)


def run_crawl(
    base_url: str, db: Path, *, timeout: int = 120, settings: dict[str, str] | None = None, **spider_args: str
) -> subprocess.CompletedProcess:
    """A whole `scrapy crawl` in a subprocess, as a user runs it."""
    cmd = crawl_command(base_url, db, spider_args=spider_args, settings={"LOG_LEVEL": "INFO", **(settings or {})})
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def last_run(db):
    return rows(db, "select * from crawl_runs order by id desc limit 1")[0]


def start_paced_crawl(base_url, db, **settings):
    """A crawl of both sections that stores one article a transaction, one request at a time."""
    cmd = crawl_command(base_url, db, spider_args={"sections": "xay-dung-dang,chinh-tri"},
                        settings={"CONCURRENT_REQUESTS": "1", "SQLITE_BATCH_SIZE": "1", **settings})  # fmt: skip
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_articles(db, count, timeout=60.0):
    """Read the database while the crawl writes it, as Datasette would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                n = conn.execute("select count(*) from articles").fetchone()[0]
                conn.close()
                if n >= count:
                    return n
            except sqlite3.OperationalError:
                pass  # the schema is not there yet
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} articles after {timeout}s")


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


def pool_workers(crawl_pid: int) -> list[int]:
    """The processes the worker pool's forkserver forked for the crawl, alive."""
    below = descendants(crawl_pid)
    servers = {pid for pid in below if parent_of(pid) == crawl_pid and b"multiprocessing.forkserver" in cmdline(pid)}
    return sorted(pid for pid in below if parent_of(pid) in servers and alive(pid))


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


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
