"""`baothanhhoa backup DB COPY`: a whole, checked copy, also while a crawl writes the database; never
over an existing file, and nothing left behind by a copy that fails."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.store import articles
from crawler.storage import close_database, open_database, save_articles
from demo.server import PROJECT_ROOT
from tests.support import small_filesystem

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


def test_what_is_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = backup(junk, tmp_path / "copy.db")
    assert result.returncode == 3 and "error:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "copy.db").exists()
    assert backup(tmp_path / "missing.db", tmp_path / "copy.db").returncode == 3
