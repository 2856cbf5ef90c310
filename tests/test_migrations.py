"""The schema by named migration steps: an old database upgrades in place with every row kept, a
newer one is refused, readers change nothing, a failed step changes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from crawler import migrations, storage
from crawler.storage import (
    ARTICLE_COLUMNS,
    DOCUMENT_COLUMNS,
    FAILURE_COLUMNS,
    FIGURE_COLUMNS,
    LIMIT_COLUMNS,
    PLACE_COLUMNS,
    RUN_COLUMNS,
    VERSION_COLUMNS,
    VIEWS,
    SchemaOutdatedError,
    SchemaTooNewError,
    migrate,
    open_database,
    open_readonly,
)

FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0.db"
TABLES = ("articles", "article_versions", "article_tags", "crawl_runs", "documents", "failures", "figures", "run_stats")


def dump(path: Path, table: str, *, without: tuple[str, ...] = ()) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute(f"select * from [{table}]")]
        return [{k: v for k, v in r.items() if k not in without} for r in rows]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return path


def test_a_database_of_the_previous_release_upgrades_in_place_with_every_row_kept(old_db):
    before = {t: dump(old_db, t) for t in TABLES}
    sentences = {f["id"]: f["sentence"] for f in before["figures"]}
    assert migrate(old_db) == migrations.NAMES
    for table in TABLES:
        expected = [{k: v for k, v in row.items() if k != "sentence"} for row in before[table]]
        kept = [{k: row[k] for k in old} for row, old in zip(dump(old_db, table), expected, strict=True)]
        assert kept == expected, table
    # The sentence a figure was read from is now a span of its article's body: the same text.
    shown = {r["id"]: r["sentence"] for r in dump(old_db, "figures_with_articles")}
    assert shown == sentences and len(shown) == 35
    assert migrate(old_db) == []  # a second upgrade has nothing to do


def test_the_upgraded_database_searches_and_crawls_like_a_new_one(old_db):
    migrate(old_db)
    db = open_database(old_db)
    try:
        hits = [r["rowid"] for r in db.query("select rowid from articles_fts where articles_fts match 'dang vien'")]
        assert len(hits) >= 5  # diacritic-free search over the kept index
        assert set(VIEWS) <= set(db.view_names())
        assert db.execute("pragma user_version").fetchone()[0] == len(migrations.NAMES)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def test_a_new_database_has_the_columns_the_code_writes(tmp_path):
    db = open_database(tmp_path / "new.db")
    try:
        expected = {
            "articles": ARTICLE_COLUMNS, "article_versions": {"id": int, **VERSION_COLUMNS}, "figures": FIGURE_COLUMNS,
            "documents": DOCUMENT_COLUMNS, "failures": FAILURE_COLUMNS, "limits": LIMIT_COLUMNS,
            "crawl_runs": RUN_COLUMNS, "places": PLACE_COLUMNS,
        }  # fmt: skip
        for table, columns in expected.items():
            assert db[table].columns_dict == columns, table
    finally:
        db.close()


def test_a_database_made_by_newer_code_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "newer.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at) values ('baothanhhoa', '0999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError, match=r"newer version.*0999_future"):
        open_database(path)
    with pytest.raises(SchemaTooNewError):
        open_readonly(path)
    assert digest(path) == before


def test_reading_an_old_database_changes_nothing(old_db):
    before = digest(old_db)
    with pytest.raises(SchemaOutdatedError, match=r"python -m crawler.migrate"):
        open_readonly(old_db)
    conn = open_readonly(old_db, check=False)
    assert conn.execute("select count(*) from articles").fetchone() == (8,)
    conn.close()
    assert digest(old_db) == before
    assert not Path(f"{old_db}-wal").exists()


def test_a_step_that_fails_leaves_the_database_as_it_was(old_db, monkeypatch):
    failing = Migrations("baothanhhoa")
    for step in migrations.MIGRATIONS._migrations:
        failing(name=step.name)(step.fn)

    @failing(name="0999_breaks")
    def breaks(db):
        db["articles"].add_column("half_done", str)
        raise RuntimeError("a step that fails half-way")

    monkeypatch.setattr(storage, "MIGRATIONS", failing)
    monkeypatch.setattr(storage, "NAMES", [*migrations.NAMES, "0999_breaks"])
    before = {t: dump(old_db, t) for t in TABLES}
    with pytest.raises(RuntimeError, match="half-way"):
        migrate(old_db)
    assert {t: dump(old_db, t) for t in TABLES} == before
    conn = sqlite3.connect(old_db)
    assert not conn.execute("select 1 from sqlite_master where name = '_sqlite_migrations'").fetchone()
    conn.close()


@pytest.mark.slow
def test_the_migrate_command_reports_and_upgrades(old_db):
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, "-m", "crawler.migrate", *args], capture_output=True, text=True)

    status = run("--status", str(old_db))
    assert status.returncode == 0 and f"0 of {len(migrations.NAMES)} steps applied" in status.stdout
    assert run(str(old_db)).stdout.strip().endswith(", ".join(migrations.NAMES))
    assert "already current" in run(str(old_db)).stdout
    missing = run(str(old_db.parent / "none.db"))
    assert missing.returncode == 3 and missing.stderr.count("\n") == 1 and "no such database" in missing.stderr


def _segments(db) -> int:
    """Rows of the search index's storage: each write to the index adds a segment."""
    return db.execute("select count(*) from articles_fts_data").fetchone()[0]


def _found(db, word: str) -> list[str]:
    query = "select id from articles where rowid in (select rowid from articles_fts where articles_fts match ?)"
    return [r["id"] for r in db.query(query, [word])]


@pytest.mark.parametrize("made_by", ["new", "release 0.1"])
def test_an_article_stored_again_unchanged_leaves_the_search_index_alone(made_by, tmp_path):
    path = tmp_path / "a.db"
    if made_by != "new":
        shutil.copy(FIXTURE, path)
        migrate(path)
    db = open_database(path)
    try:
        article = {"id": "991", "url": "https://baothanhhoa.vn/a-991.htm", "title": "Chi bộ thôn Đông",
                   "lead": "Sinh hoạt chi bộ", "body": "Chi bộ Zeta có 31 đảng viên kiểm điểm.",
                   "published_at": "2024-05-02"}  # fmt: skip
        storage.save_articles(db, [article], now="2026-12-01T00:00:00Z")
        index = _segments(db)
        storage.save_articles(db, [article], now="2026-12-02T00:00:00Z")  # a rerun: only its crawl time changes
        assert _segments(db) == index
        assert db["articles"].get("991")["last_crawled_at"] == "2026-12-02T00:00:00Z"
        assert _found(db, "zeta") == ["991"]
        storage.save_articles(db, [{**article, "body": "Chi bộ Omega có 32 đảng viên."}])
        assert _segments(db) > index  # a changed text is taken out of the index and put back
        assert _found(db, "zeta") == [] and _found(db, "omega") == ["991"]
        db.execute("update articles set rowid = 100000 where id = '991'")  # the index follows the row
        assert db.execute("select rowid from articles_fts where articles_fts match 'omega'").fetchall() == [(100000,)]
        db.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")  # raises if not
    finally:
        db.close()


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    """SQLITE_DB or --db naming the wrong file: the crawler used to add its forty tables to it."""
    from crawler.migrate import main as migrate_main
    from crawler.reextract import main as reextract_main

    path = tmp_path / "accounts.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table customers (name)")
        conn.execute("insert into customers values ('a customer')")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(storage.NotCrawlDatabaseError, match=r"not a crawl database \(it holds customers"):
        storage.open_database(path)
    assert migrate_main([str(path)]) == 3
    assert reextract_main(["--db", str(path)]) == 3
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not Path(f"{path}-wal").exists()


def test_a_migrations_table_that_is_not_ours_is_one_line_and_status_3(tmp_path, capsys):
    from crawler.migrate import main as migrate_main

    path = tmp_path / "odd.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table articles (id)")
        conn.execute("create table _sqlite_migrations (something_else)")
    conn.close()
    assert migrate_main(["--status", str(path)]) == 3
    assert capsys.readouterr().err.startswith("error: ")


def test_migrate_refreshes_a_current_database_and_rolls_back_an_unfinished_write(tmp_path):
    """A review of a faster `migrate` that answered for a current database from a read-only look:
    it no longer re-registered the metrics, and refused the journal of a killed write that its own
    message says it rolls back. `migrate` opens the database for writing, always."""
    import signal
    import subprocess
    import sys

    from crawler.migrate import main as migrate_main

    path = tmp_path / "current.db"
    storage.close_database(storage.open_database(path))
    with sqlite3.connect(path) as conn:
        conn.execute("delete from metrics where rowid in (select rowid from metrics limit 3)")
        total = conn.execute("select count(*) from metrics").fetchone()[0]
    conn.close()
    assert migrate_main([str(path)]) == 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("select count(*) from metrics").fetchone()[0] == total + 3
        conn.execute("create table filler (b)")
        conn.executemany("insert into filler values (randomblob(5000))", [()] * 50)
        conn.commit()
    script = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA cache_size = 1')\n"
        "conn.execute('begin')\n"
        "conn.execute('update filler set b = randomblob(5000)')\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert Path(f"{path}-journal").stat().st_size > 0
    assert migrate_main([str(path)]) == 0
    with contextlib.closing(storage.open_readonly(path)) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
