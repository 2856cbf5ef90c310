"""`baothanhhoa backup DB COPY`: a whole, checked copy, also while a crawl writes the database; never
over an existing file, and nothing left behind by a copy that fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.store import articles
from crawler.storage import close_database, open_database, save_articles
from demo.server import PROJECT_ROOT
from tests.support import read_only_view, small_filesystem, wait_until

FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0.db"


def backup(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "backup", *map(str, args)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def count(path: Path, sql: str = "select count(*) from articles") -> int:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchone()[0]


def test_a_copy_taken_while_a_crawl_writes_holds_what_it_committed_in_one_file(tmp_path):
    path, copy = tmp_path / "crawl.db", tmp_path / "copies" / "monday.db"
    copy.parent.mkdir()
    db = open_database(path)
    db.execute("PRAGMA wal_autocheckpoint = 0")  # the commits stay in the log
    save_articles(db, articles(30))
    result = backup(path, copy)  # the writer still holds the database open
    close_database(db)
    assert result.returncode == 0, result.stderr
    assert "30 articles" in result.stdout and "integrity ok" in result.stdout
    assert count(copy) == 30 and count(copy, "select count(*) from figures") > 0
    assert count(copy, "PRAGMA journal_mode") == "delete"
    assert sorted(p.name for p in copy.parent.iterdir()) == ["monday.db"]  # one file, nothing else left


def test_an_existing_file_is_never_replaced(tmp_path):
    path, copy = tmp_path / "crawl.db", tmp_path / "copy.db"
    db = open_database(path)
    save_articles(db, articles(3))
    close_database(db)
    copy.write_bytes(b"an earlier backup")
    result = backup(path, copy)
    assert result.returncode == 2 and "never replaces" in result.stderr
    assert copy.read_bytes() == b"an earlier backup"
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "nowhere.db")  # a dangling link is a name taken too
    assert backup(path, link).returncode == 2 and not (tmp_path / "nowhere.db").exists()


def test_a_copy_that_does_not_fit_leaves_nothing(tmp_path):
    path = tmp_path / "crawl.db"
    db = open_database(path)
    save_articles(db, articles(200))
    close_database(db)
    assert path.stat().st_size > 1_000_000
    with small_filesystem(tmp_path / "disk", "512k") as disk:
        result = backup(path, disk / "copy.db")
        assert result.returncode == 4, result.stderr
        assert "nothing was kept" in result.stderr and "Traceback" not in result.stderr
        assert list(disk.iterdir()) == []
    assert count(path) == 200


def test_a_database_of_an_older_version_can_be_copied_before_it_is_upgraded(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURE, old)
    result = backup(old, tmp_path / "before-upgrade.db")
    assert result.returncode == 0, result.stderr
    assert count(tmp_path / "before-upgrade.db") == count(old)


def _one_line_error(result: subprocess.CompletedProcess, status: int) -> None:
    assert result.returncode == status, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def _stored(tmp_path: Path, n: int = 3, name: str = "crawl.db") -> Path:
    path = tmp_path / name
    db = open_database(path)
    save_articles(db, articles(n))
    close_database(db)
    return path


def test_what_is_not_a_crawl_database_is_refused(tmp_path):
    junk, empty, other = tmp_path / "junk.db", tmp_path / "empty.db", tmp_path / "other.db"
    junk.write_bytes(b"not a database at all" * 100)
    empty.touch()  # SQLite reads an empty file as an empty database: a mistyped path must not "succeed"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("create table notes (text)")
    for source in (junk, empty, other, tmp_path / "missing.db", tmp_path):
        _one_line_error(backup(source, tmp_path / "copy.db"), 3)
    assert not (tmp_path / "copy.db").exists()


def test_a_damaged_database_is_refused_in_one_line(tmp_path):
    path = _stored(tmp_path, 200)
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2)
        f.write(b"\xff" * 3000)
    result = backup(path, tmp_path / "copy.db")
    _one_line_error(result, 3)
    assert str(path) in result.stderr and ("damaged" in result.stderr or "does not check out" in result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.db"]


def test_destinations_that_name_no_new_file_are_refused_in_one_line(tmp_path):
    path = _stored(tmp_path)
    for destination in (f"{tmp_path / 'folder'}/", str(tmp_path / ("x" * 300)), str(tmp_path),
                        path / "copy.db", tmp_path / "missing" / "copy.db"):  # fmt: skip
        _one_line_error(backup(path, destination), 2)
    with read_only_view(tmp_path, tmp_path.parent / f"{tmp_path.name}-ro") as ro:
        _one_line_error(backup(path, ro / "copy.db"), 4)
    long = tmp_path / ("y" * 250)  # a long name the filesystem takes: so does the backup
    assert backup(path, long).returncode == 0 and count(long) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.db", long.name]


def test_the_copy_keeps_the_sources_permissions(tmp_path):
    path = _stored(tmp_path)
    path.chmod(0o600)
    assert backup(path, tmp_path / "copy.db").returncode == 0
    assert (tmp_path / "copy.db").stat().st_mode & 0o777 == 0o600


def test_what_a_killed_backup_left_is_removed_by_the_next_one(tmp_path):
    path = _stored(tmp_path)
    copies = tmp_path / "copies"
    copies.mkdir()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive = (
        copies / f".baothanhhoa-backup-{ended.stdout.strip()}-k1ll3d",
        copies / f".baothanhhoa-backup-{os.getpid()}-busy",
    )
    for leftover in (dead, alive):
        leftover.mkdir()
        (leftover / "copy.db").write_bytes(b"half a copy")
    assert backup(path, copies / "copy.db").returncode == 0
    assert sorted(p.name for p in copies.iterdir()) == [alive.name, "copy.db"]  # a running backup's stays


def test_a_backup_stopped_by_a_signal_leaves_nothing(tmp_path):
    """A scheduler's timeout (SIGTERM) in the middle of the copy: the private folder goes with it."""
    path = _stored(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("create table padding (b)")  # a large database: the copy takes a while
        conn.executemany("insert into padding values (randomblob(1000000))", [()] * 150)
    copies = tmp_path / "copies"
    copies.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "backup", str(path), str(copies / "copy.db")],
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wait_until(lambda: any(copies.iterdir()) or process.poll() is not None, timeout=60, what="the copy's start")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted (SIGTERM); nothing was kept" in stderr and "Traceback" not in stderr
    assert list(copies.iterdir()) == []
