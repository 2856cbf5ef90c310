"""Nothing lost, nothing overwritten: whole crawls against a database that fails them (a full disk, a
lock held by another writer, a second crawl, a killed process), asserting what ends up in SQLite and
what the run says about itself."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.sitegen import generate
from bench.store import articles
from crawler.storage import (
    ReadOnlyError,
    close_database,
    open_database,
    open_readonly,
    pending_path,
    reader_uri,
    save_articles,
)
from demo.server import PROJECT_ROOT, serve
from tests.support import (
    alive,
    count,
    crawl,
    descendants,
    grow,
    hold_lock_after,
    pool_workers,
    read_only_view,
    rows,
    small_filesystem,
    start_crawl,
    wait_until,
)

N = 120  # six listing pages of twenty
ARGS = {"max_pages": "10"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate(root, N)
    return root


@pytest.fixture
def site(generated):
    with serve(generated) as served:
        yield served


def runs(db):
    return rows(db, "select id, finish_reason, health, health_reasons, exit_status from crawl_runs order by id")


def stats_of(db, run_id):
    return {r["key"]: r["value"] for r in rows(db, "select key, value from run_stats where run_id = ?", (run_id,))}


def test_two_crawls_on_one_database_wait_their_turn_and_store_everything(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.02
    db = tmp_path / "db"
    settings = {"SQLITE_BATCH_SIZE": "5"}
    processes = [start_crawl(base_url, db, settings=settings, **ARGS) for _ in range(2)]
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-3000:]
        assert "locked" not in err
    assert rows(db, "select count(*) n, count(distinct id) d from articles")[0] == {"n": N, "d": N}
    # Neither run took the other, still running, for a killed one.
    assert [(r["finish_reason"], r["health"], r["exit_status"]) for r in runs(db)] == [("finished", "ok", 0)] * 2


def _open_at_the_barrier(path: str, barrier, results) -> None:
    from crawler.storage import StorageError, open_database

    barrier.wait()
    try:
        open_database(path, busy_timeout=10).close()
        results.put("ok")
    except StorageError as exc:
        results.put(str(exc))


@pytest.mark.slow
def test_two_processes_creating_one_database_at_once_both_open_it(tmp_path):
    """Two crawls started together on a new database: both switch it to WAL at once, and SQLite
    answers the loser "locked" without waiting (it was one run in five or six, exit 3)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failures = []
    for attempt in range(30):
        path = str(tmp_path / f"db{attempt}")
        barrier, results = context.Barrier(2), context.Queue()
        openers = [context.Process(target=_open_at_the_barrier, args=(path, barrier, results)) for _ in range(2)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(timeout=60)
        failures += [r for r in (results.get(timeout=10) for _ in openers) if r != "ok"]
    assert failures == []


def test_reextract_beside_a_crawl_waits_for_the_lock(site, tmp_path):
    base_url, state = site
    db = tmp_path / "db"
    assert crawl(base_url, db, **ARGS).returncode == 0
    conn = __import__("sqlite3").connect(db)
    conn.execute("delete from figures")  # so that re-extraction has every article to write
    conn.commit()
    conn.close()
    state.article_delay = 0.02
    crawler = start_crawl(base_url, db, settings={"SQLITE_BATCH_SIZE": "2"}, refetch="true", mode="full", **ARGS)
    wait_until(lambda: len(state.requests) > 40, what="the second crawl")
    result = subprocess.run([sys.executable, "-m", "crawler.reextract", "--db", str(db)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["articles"] == N
    _, err = crawler.communicate(timeout=240)
    assert crawler.returncode == 0, err[-3000:]
    assert count(db, "figures") > N


def test_a_lock_held_past_the_busy_timeout_stops_the_crawl_and_the_next_run_fetches_what_was_lost(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.02
    db = tmp_path / "db"
    release = threading.Event()
    holder = hold_lock_after(db, lambda: count(db) >= 10, release)
    process = start_crawl(base_url, db, settings={"SQLITE_BATCH_SIZE": "10", "SQLITE_BUSY_TIMEOUT": "1"}, **ARGS)
    _, err = process.communicate(timeout=240)
    release.set()
    holder.join(30)
    assert process.returncode == 4, err[-3000:]
    assert "crawl stopped" in err and "locked" in err
    stored = count(db)
    assert 10 <= stored < N
    # The database could not take even the run's end: what was fetched is listed beside it.
    pending = [json.loads(line) for line in pending_path(db).read_text("utf-8").splitlines()]
    assert pending and {p["kind"] for p in pending} == {"store_error"}
    lost = {p["article_id"] for p in pending}
    assert not lost & {r["id"] for r in rows(db, "select id from articles")}

    state.article_delay = 0
    result = crawl(base_url, db, **ARGS)
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows(db, "select count(*) n, count(distinct id) d from articles")[0] == {"n": N, "d": N}
    assert not pending_path(db).exists()
    assert {r["article_id"] for r in rows(db, "select article_id from failures where kind = 'store_error'")} == lost
    first, second = runs(db)
    assert (first["finish_reason"], first["health"]) == ("killed (no end recorded)", "failed")
    assert (second["finish_reason"], second["health"], second["exit_status"]) == ("finished", "ok", 0)
    assert "spider/pagination/catch_up" in stats_of(db, second["id"])


def test_a_full_disk_stops_the_crawl_loudly_and_the_next_run_fetches_every_lost_article(site, tmp_path):
    base_url, _ = site
    # The schema with its gazetteer of places takes about 550 kB: room for it and a part of the articles.
    with small_filesystem(tmp_path / "disk", "1200k") as disk:
        db = disk / "crawl.db"
        result = crawl(base_url, db, settings={"SQLITE_BATCH_SIZE": "10"}, **ARGS)
        assert result.returncode == 4, result.stderr[-3000:]
        assert "crawl stopped" in result.stderr and "full" in result.stderr
        stored = count(db)
        assert stored < N
        grow(disk, "64m")
        again = crawl(base_url, db, **ARGS)
        assert again.returncode == 0, again.stderr[-3000:]
        assert rows(db, "select count(*) n, count(distinct id) d from articles")[0] == {"n": N, "d": N}
        assert runs(db)[-1]["health"] == "ok"
        assert rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]


def _pool_dirs() -> set[Path]:
    """Python's multiprocessing keeps a process's forkserver socket in a folder of its own here."""
    return set(Path(tempfile.gettempdir()).glob("pymp-*"))


def test_kill_9_leaves_no_process_behind(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.3
    before = _pool_dirs()
    process = start_crawl(base_url, tmp_path / "db", **ARGS)
    wait_until(lambda: pool_workers(process.pid), what="the crawl's worker processes")
    children = descendants(process.pid)  # the forkserver, every worker started by now, the browser's
    assert _pool_dirs() - before  # the crawl's forkserver socket, in its folder
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    wait_until(lambda: not any(alive(pid) for pid in children), timeout=20, what="the workers' exit")
    # ... nor the folder of its forkserver's socket, which the crawl removes only when it exits itself
    wait_until(lambda: not (_pool_dirs() - before), timeout=10, what="the pool's folder removed")


def test_remote_control_stays_off_and_the_home_directory_untouched(site, tmp_path):
    base_url, _ = site
    home = tmp_path / "home"
    home.mkdir()
    result = crawl(base_url, tmp_path / "db", env={"HOME": str(home)}, max_pages="1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(home.iterdir()) == []
    assert "RemoteControl" not in result.stderr and "Remote control" not in result.stderr


def test_articles_committed_to_the_log_and_not_yet_copied_survive_a_kill(tmp_path):
    """A process killed between two copies of the log into the database: every article it committed is
    read back, by a reader and by the next writer, from the log it left behind."""
    path = tmp_path / "killed.db"
    script = (
        "import os, sys\n"
        "from bench.store import articles\n"
        "from crawler.storage import open_database, save_articles\n"
        "db = open_database(sys.argv[1])\n"
        "items = articles(40)\n"
        "for i in range(0, 40, 10):\n"
        "    save_articles(db, items[i : i + 10])\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=PROJECT_ROOT, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert Path(f"{path}-wal").stat().st_size > 0  # the commits are still only in the log
    with contextlib.closing(open_readonly(path)) as reader:  # as Datasette reads it
        assert reader.execute("select count(*) from articles").fetchone()[0] == 40
        assert reader.execute("select count(*) from figures").fetchone()[0] > 0
    with contextlib.closing(open_database(path)) as db:  # the next run
        assert db.execute("select count(*) from articles").fetchone()[0] == 40
        assert db.execute("select count(*) from articles_fts where articles_fts match 'dang'").fetchone()[0] > 0
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


# A user who cannot write the database (a researcher browsing what the deploy unit's user crawls) is
# played by the same folder mounted read-only, through which no one can write.


def _articles_in(conn) -> int:
    return conn.execute("select count(*) from articles").fetchone()[0]


def _ten_of_twenty_stored(tmp_path, close) -> tuple[Path, Path, list]:
    source = tmp_path / "data"
    source.mkdir()
    path = source / "crawl.db"
    items = articles(20)
    db = open_database(path)
    save_articles(db, items[:10])
    close(db)
    return source, path, items


# The reader runs in a process of its own: in the writer's process SQLite would share the writer's
# writable index of the log (the same file), and the read-only one would go untested.
_READER = (
    "import pathlib, sys, time\n"
    "from crawler.storage import open_readonly, reader_uri\n"
    "path, go = sys.argv[1], pathlib.Path(sys.argv[2])\n"
    "print(reader_uri(path).rsplit('?', 1)[1], flush=True)\n"
    "conn = open_readonly(path)\n"
    "print(conn.execute('select count(*) from articles').fetchone()[0], flush=True)\n"
    "while not go.exists():\n"
    "    time.sleep(0.01)\n"
    "print(conn.execute('select count(*) from articles').fetchone()[0], flush=True)\n"
)


@contextlib.contextmanager
def _reader(path: Path, go: Path) -> Iterator[Callable[[], str]]:
    """A reader in another process: its URI's mode and its first count, then one more count once
    `go` exists, each a line read with the function it gives."""
    process = subprocess.Popen([sys.executable, "-c", _READER, str(path), str(go)], cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        yield lambda: process.stdout.readline().strip()
        assert process.wait(timeout=60) == 0, process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_a_reader_who_cannot_write_the_folder_sees_what_a_running_crawl_committed(tmp_path):
    """Such a reader used to open the file immutable, which ignores the log: it saw no table at all
    of a new database, and nothing of what the crawl committed since the log was last copied."""
    source = tmp_path / "data"
    source.mkdir()
    items = articles(20)
    db = open_database(source / "crawl.db")
    db.execute("PRAGMA wal_autocheckpoint = 0")  # everything stays in the log
    save_articles(db, items[:10])
    with read_only_view(source, tmp_path / "ro") as ro:
        with _reader(ro / "crawl.db", tmp_path / "go") as line:
            assert line() == "mode=ro"
            assert line() == "10"
            save_articles(db, items[10:])
            started = time.monotonic()
            close_database(db)  # the reader keeps the log open: it stays, and the writer does not wait
            assert time.monotonic() - started < 5
            (tmp_path / "go").touch()
            assert line() == "20"
        assert Path(f"{source / 'crawl.db'}-wal").exists()
        with contextlib.closing(open_readonly(ro / "crawl.db")) as reader:  # a new reader, the writer gone
            assert _articles_in(reader) == 20


def test_a_closed_database_is_left_for_such_a_reader_to_follow_the_next_crawl(tmp_path):
    """The last writer to close leaves a rollback journal, not WAL without its log's files: the reader
    opens it `mode=ro` (an immutable one would not see the next crawl, or read it half-written)."""
    source, path, items = _ten_of_twenty_stored(tmp_path, close_database)
    assert not Path(f"{path}-wal").exists()
    with contextlib.closing(open_readonly(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with read_only_view(source, tmp_path / "ro") as ro, _reader(ro / "crawl.db", tmp_path / "go") as line:
        assert line() == "mode=ro"
        assert line() == "10"
        db = open_database(path)  # the next crawl, while the reader stays open
        save_articles(db, items[10:])
        close_database(db)
        (tmp_path / "go").touch()
        assert line() == "20"


def test_a_reader_tries_again_while_a_writer_switches_the_journal(tmp_path, monkeypatch):
    """Between a writer's switch to WAL and its log's first files, the header says WAL and there is
    nothing to read the log with: `mode=ro` fails for a moment, and the reader must not take the file
    for one left in WAL mode (it would read it immutable while a crawl writes it)."""
    source, _, _ = _ten_of_twenty_stored(tmp_path, close_database)
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorcode = sqlite3.SQLITE_READONLY_DIRECTORY
    failures = iter([readonly] * 3)
    connect = sqlite3.connect

    def flaky(database, *args, **kwargs):
        if "mode=ro" in str(database):
            error = next(failures, None)
            if error is not None:
                raise error
        return connect(database, *args, **kwargs)

    with read_only_view(source, tmp_path / "ro") as ro:
        monkeypatch.setattr("crawler.storage.sqlite3.connect", flaky)
        assert reader_uri(ro / "crawl.db").endswith("?mode=ro")
        assert next(failures, None) is None


def test_a_database_left_in_wal_mode_is_read_whole_or_refused(tmp_path):
    """Left in WAL mode without its log (another tool closed it last), the file alone holds
    everything: it is read immutable. A log without the index SQLite keeps beside it cannot be opened
    by this user: refused, not read as if it were not there."""
    source, path, items = _ten_of_twenty_stored(tmp_path, lambda db: db.close())  # WAL stays in the header
    assert not Path(f"{path}-wal").exists()
    with read_only_view(source, tmp_path / "ro") as ro:
        assert reader_uri(ro / "crawl.db").endswith("?immutable=1")
        with contextlib.closing(open_readonly(ro / "crawl.db")) as reader:
            assert _articles_in(reader) == 10
    db = open_database(path)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    save_articles(db, items[10:])
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(path, copy / "crawl.db")
    shutil.copy(f"{path}-wal", copy / "crawl.db-wal")  # the log, not its index
    db.close()
    with read_only_view(copy, tmp_path / "ro2") as ro:
        with pytest.raises(ReadOnlyError, match="its log"):
            open_readonly(ro / "crawl.db")
        link = tmp_path / "link.db"  # SQLite opens the file a link names, and the log beside that file
        link.symlink_to(ro / "crawl.db")
        with pytest.raises(ReadOnlyError, match="its log"):
            open_readonly(link)


def test_a_write_left_unfinished_is_refused_not_read_immutable(tmp_path):
    """A writer killed in the middle of a write in rollback mode leaves its journal, which a reader
    who can write rolls back first; one who cannot must not read the half-written file."""
    source, path, _ = _ten_of_twenty_stored(tmp_path, close_database)
    script = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA cache_size = 1')\n"  # pages spill to the file before the commit
        "conn.execute('begin')\n"
        "conn.execute('update articles set body = body || ?', ('x' * 3000,))\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert Path(f"{path}-journal").stat().st_size > 0
    with read_only_view(source, tmp_path / "ro") as ro, pytest.raises(ReadOnlyError, match="did not finish"):
        open_readonly(ro / "crawl.db")
    with pytest.raises(ReadOnlyError, match="did not finish"):  # a reader who can write cannot roll it back
        open_readonly(path)
    close_database(open_database(path))  # the next crawl, or `baothanhhoa migrate`, rolls it back
    with contextlib.closing(open_readonly(path)) as reader:
        assert _articles_in(reader) == 10
        assert reader.execute("pragma integrity_check").fetchone()[0] == "ok"
