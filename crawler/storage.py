"""SQLite storage with sqlite-utils: the schema, and small functions that write one batch at a time.

Every write is one `BEGIN IMMEDIATE` transaction (`write_transaction`): a batch is stored whole or
not at all, and a second writer (a manual run during a scheduled one, `crawler.reextract`) waits for
the lock up to the busy timeout instead of failing at once, which a deferred transaction that reads
before it writes would do. A write that fails raises a `StorageError` that names its cause (locked,
disk full, read-only, not a database, newer schema); callers never swallow it. The schema is reached
by named migration steps (crawler/migrations.py); readers open the database read-only and change
nothing. The database runs in WAL mode, so Datasette or sqlite-utils can read it while a crawl writes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import operator
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler import places
from crawler.figures.metrics import METRICS
from crawler.items import ARTICLE_FIELDS, content_hash
from crawler.migrations import MIGRATIONS, NAMES
from crawler.processes import is_alive, process_started

logger = logging.getLogger(__name__)

# How long a writer waits for another one's transaction before it gives up (seconds).
DEFAULT_BUSY_TIMEOUT = 60.0

# The columns each table has once every migration step has run (tests/test_migrations.py checks it).
ARTICLE_COLUMNS: dict[str, type] = {
    "id": str, "url": str, "section": str, "title": str, "lead": str, "body": str, "author": str,
    "published_at": str, "tags": str, "image_url": str, "image_caption": str, "content_hash": str,
    "extraction_status": str, "first_seen_at": str, "last_crawled_at": str,
}  # fmt: skip
VERSION_COLUMNS: dict[str, type] = {
    "article_id": str,
    "run_id": int,
    "replaced_at": str,
    **{k: v for k, v in ARTICLE_COLUMNS.items() if k not in ("id", "first_seen_at")},
}
FIGURE_COLUMNS: dict[str, type] = {
    "id": int, "article_id": str, "metric": str, "value": float, "value_max": float, "unit": str, "of_total": float,
    "kind": str, "qualifier": str, "year": int, "period": str, "organization": str, "category": str, "start": int,
    "end": int, "sentence_start": int, "sentence_end": int, "place_id": str, "place_reason": str,
}  # fmt: skip
PLACE_COLUMNS: dict[str, type] = {
    "id": str, "level": str, "kind": str, "name": str, "full_name": str, "parent_id": str, "valid_from": str,
    "valid_until": str, "latitude": float, "longitude": float, "source": str,
}  # fmt: skip
METRIC_COLUMNS: dict[str, type] = {
    "key": str, "entity": str, "label_vi": str, "label_en": str, "description": str, "is_total": int,
}  # fmt: skip
DOCUMENT_COLUMNS: dict[str, type] = {
    "id": int, "article_id": str, "kind": str, "number": str, "issuer": str, "date": str,
}  # fmt: skip
FAILURE_COLUMNS: dict[str, type] = {
    "id": int, "run_id": int, "url": str, "article_id": str, "kind": str, "status": int, "reason": str, "at": str,
}  # fmt: skip
LIMIT_COLUMNS: dict[str, type] = {
    "id": int, "run_id": int, "url": str, "article_id": str, "name": str, "observed": int, "allowed": int, "at": str,
}  # fmt: skip
RUN_COLUMNS: dict[str, type] = {
    "id": int, "spider": str, "started_at": str, "finished_at": str, "arguments": str, "finish_reason": str,
    "pages": int, "articles_new": int, "articles_changed": int, "articles_unchanged": int, "articles_duplicate": int,
    "articles_incomplete": int, "errors": int, "failures": int, "health": str, "health_reasons": str, "host": str,
    "pid": int, "process_started": str, "articles_scraped": int, "articles_not_stored": int, "exit_status": int,
}  # fmt: skip
TAG_SEPARATOR = ", "
# The questions users ask, as views (Datasette lists them beside the tables). They are derived
# objects: `migrate` creates them anew after the steps, and whenever their text here changed.
VIEWS = {
    "figures_with_articles": """
        select f.id, f.metric, m.label_vi as metric_label, f.value, f.value_max, f.unit, f.of_total, f.kind,
               f.qualifier, f.year, f.period, f.organization, f.category,
               substr(a.body, f.sentence_start + 1, f.sentence_end - f.sentence_start) as sentence,
               a.id as article_id, a.title as article_title, substr(a.published_at, 1, 10) as published, a.url
        from figures f join articles a on a.id = f.article_id left join metrics m on m.key = f.metric""",
    # Whole figures only: a breakdown (a category) is a part, never drawn or summed as a total.
    "organization_timeline": """
        select f.organization, f.metric, m.label_vi as metric_label, f.unit,
               coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year,
               f.year is null as year_from_article_date, f.value, f.value_max, f.of_total, f.qualifier, f.kind,
               a.title as article_title, substr(a.published_at, 1, 10) as published, a.id as article_id
        from figures f join articles a on a.id = f.article_id left join metrics m on m.key = f.metric
        where f.organization is not null and f.category is null""",
    "figure_breakdowns": """
        select f.organization, f.metric, m.label_vi as metric_label, f.category, f.unit,
               coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year, f.value, f.value_max,
               f.kind, a.title as article_title, substr(a.published_at, 1, 10) as published, a.id as article_id
        from figures f join articles a on a.id = f.article_id left join metrics m on m.key = f.metric
        where f.category is not null""",
    "latest_totals": """
        select organization, metric, metric_label, value, year, published, article_title, article_id from (
            select f.organization, f.metric, m.label_vi as metric_label, f.value,
                   coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year,
                   substr(a.published_at, 1, 10) as published, a.title as article_title, a.id as article_id,
                   row_number() over (partition by f.organization, f.metric
                                      order by coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) desc,
                                               a.published_at desc) as rank
            from figures f join articles a on a.id = f.article_id join metrics m on m.key = f.metric
            where f.organization is not null and f.kind = 'actual' and f.unit = 'count' and f.category is null
              and m.is_total)
        where rank = 1""",
    # Figures by the place their organization names (crawler/places/).
    "place_figures": """
        select p.id as place_id, p.full_name as place, p.level, p.kind as place_kind, f.metric,
               m.label_vi as metric_label, f.value, f.value_max, f.unit, f.of_total, f.kind, f.qualifier,
               coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year, f.category, f.organization,
               substr(a.published_at, 1, 10) as published, a.title as article_title, a.id as article_id
        from figures f join places p on p.id = f.place_id join articles a on a.id = f.article_id
        left join metrics m on m.key = f.metric""",
    # A place's figures with those of what came before it (a new commune's old communes and their
    # districts), after it and its parts: one query follows a locality across the 2025 reform.
    "place_history": """
        select l.place_id, q.full_name as place, l.relation, pf.place as figure_place, pf.place_id as figure_place_id,
               pf.metric, pf.metric_label, pf.value, pf.value_max, pf.unit, pf.kind, pf.year, pf.category,
               pf.organization, pf.published, pf.article_title, pf.article_id
        from place_lineage l join places q on q.id = l.place_id join place_figures pf on pf.place_id = l.related_id""",
    # The places with figures, where they are (for the map) and their latest whole count of members.
    "place_map": """
        select p.id as place_id, p.full_name as place, p.level, p.kind, p.valid_from, p.valid_until,
               p.latitude, p.longitude, n.figures, t.value as members, t.year as members_year,
               json_object('title', p.full_name,
                           'description', coalesce('Số đảng viên: ' || t.value || ' (' || t.year || '); ', '')
                                          || n.figures || ' số liệu / figures',
                           'link', 'place_history?place_id=' || p.id) as popup
        from places p
        join (select place_id, count(*) as figures from figures where place_id is not null group by place_id) n
          on n.place_id = p.id
        left join (select place_id, value, year, row_number() over (
                       partition by place_id order by year desc, published desc) as rank
                   from place_figures where metric = 'members_total' and unit = 'count' and category is null
                     and kind = 'actual') t on t.place_id = p.id and t.rank = 1
        where p.latitude is not null""",
    "documents_cited": """
        select d.kind, d.number, d.issuer, max(d.date) as date, count(distinct d.article_id) as articles,
               min(substr(a.published_at, 1, 10)) as first_cited, max(substr(a.published_at, 1, 10)) as last_cited
        from documents d join articles a on a.id = d.article_id
        group by d.kind, d.number, d.issuer order by articles desc, last_cited desc""",
}


# --- errors -----------------------------------------------------------------------------------------


class StorageError(Exception):
    """The database cannot be opened or written as this project needs; the message says why."""


class NotADatabaseError(StorageError):
    """The path holds a file that is not an SQLite database (or a damaged one): we never overwrite it."""


class DatabaseLockedError(StorageError):
    """Another writer held the database for longer than the busy timeout."""


class DiskFullError(StorageError):
    """The disk (or the database's size limit) is full."""


class ReadOnlyError(StorageError):
    """The database, or the directory it lives in, cannot be written."""


class NotCrawlDatabaseError(StorageError):
    """An SQLite database of another program: the crawler adds nothing to it."""


class SchemaTooNewError(StorageError):
    """The database was made by a newer version of this crawler: older code must not write to it."""


class SchemaOutdatedError(StorageError):
    """A reader met a database made by an older version: it must be upgraded by a writer first."""


_SQLITE_ERRORS = {  # primary result codes (https://www.sqlite.org/rescode.html)
    5: (DatabaseLockedError, "the database is locked by another writer (or a reader holding a long read)"),
    6: (DatabaseLockedError, "a table is locked"),
    8: (ReadOnlyError, "the database cannot be written (read-only file or directory)"),
    10: (StorageError, "disk I/O error"),
    11: (NotADatabaseError, "the database file is damaged"),
    13: (DiskFullError, "the disk is full"),
    14: (ReadOnlyError, "the database file cannot be opened or created (missing or read-only directory)"),
    26: (NotADatabaseError, "the file is not an SQLite database"),
}


def primary_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of an error (`SQLITE_READONLY` for `SQLITE_READONLY_RECOVERY`)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def holds_articles(conn: sqlite3.Connection) -> bool:
    """Whether a database has the crawler's `articles` table (a crawl database from release 0.1 on)."""
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = 'articles'").fetchone() is not None


def storage_error(exc: BaseException, path: str | Path, doing: str) -> StorageError:
    """The specific StorageError for an sqlite3 or OS error met while `doing` something with `path`."""
    if isinstance(exc, StorageError):
        return exc
    cls, cause = _SQLITE_ERRORS.get(primary_code(exc) or -1, (StorageError, None))
    if cause is None and isinstance(exc, OSError):
        cls, cause = ReadOnlyError if isinstance(exc, PermissionError) else StorageError, exc.strerror or str(exc)
    error = cls(f"{path}: cannot {doing}: {cause or exc} ({exc})" if cause else f"{path}: cannot {doing}: {exc}")
    error.__cause__ = exc
    return error


def _path_of(db: Database) -> str:
    for _, name, filename in db.conn.execute("pragma database_list"):
        if name == "main":
            return filename or ":memory:"
    return "?"


@contextlib.contextmanager
def write_transaction(db: Database, doing: str = "write") -> Iterator[Database]:
    """One write transaction that takes the write lock first (`BEGIN IMMEDIATE`), so a second writer
    waits its turn (the busy timeout applies) and reads inside see the latest committed state.
    Any sqlite3 error leaves the database as it was and is raised as a StorageError."""
    if db.conn.in_transaction:  # nested: a savepoint inside the caller's transaction
        with db.atomic():
            yield db
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise storage_error(exc, _path_of(db), doing) from exc
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            db.rollback()
        if isinstance(exc, sqlite3.Error):
            raise storage_error(exc, _path_of(db), doing) from exc
        raise


# --- opening and migrating --------------------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def open_database(
    path: str | Path, *, wal: bool = True, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, migrate: bool = True
) -> Database:
    """Open (creating if needed) a crawl database for writing, upgraded to the current schema.

    Raises a specific StorageError: a file that is not SQLite, a read-only place, a full disk, a
    lock held longer than `busy_timeout`, or a database made by newer code."""
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory:
        if path.exists() and not path.is_file():
            raise StorageError(f"{path}: not a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path.parent, "create the database's directory") from exc
    try:
        conn = sqlite3.connect(":memory:" if memory else str(path), timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise storage_error(exc, path, "open the database") from exc
    db = Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.execute("select count(*) from sqlite_master").fetchall()  # a file that is not SQLite fails here
        _refuse_a_foreign_database(db.conn, path)
        if wal and not memory:
            _use_wal(db.conn, busy_timeout)
        if migrate:
            _migrate(db)
    except BaseException as exc:
        db.close()
        if isinstance(exc, sqlite3.Error):
            raise storage_error(exc, path, "open the database") from exc
        raise
    return db


def close_database(db: Database) -> None:
    """Close a database opened for writing, leaving it with a rollback journal when this was its last
    connection: a reader who cannot write the folder (a user browsing the deploy unit's database)
    can then open it `mode=ro`. In WAL mode such a reader needs the log's two files to exist, and the
    last writer to close deletes them; the only way left would be `immutable`, which ignores a crawl
    that writes later. Another connection still open keeps WAL (and the files) as they are: the
    switch is not waited for, and a failed one loses nothing (the log still holds every commit)."""
    try:
        if not db.conn.in_transaction and db.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            db.conn.execute("PRAGMA busy_timeout = 0")
            db.conn.execute("PRAGMA journal_mode = delete").fetchall()
    except sqlite3.Error as exc:
        logger.debug("%s: kept its log (%s)", _path_of(db), exc)
    finally:
        db.close()


def _refuse_a_foreign_database(conn: sqlite3.Connection, path: Path) -> None:
    """SQLITE_DB (or --db) naming another program's database: the crawler would add its forty tables
    to it. A crawl database has `articles` (from release 0.1 on); a new one has no table at all."""
    tables = [name for (name,) in conn.execute(
        "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite\\_%' escape '\\'"
        " order by name"
    )]  # fmt: skip
    if tables and "articles" not in tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise NotCrawlDatabaseError(
            f"{path}: not a crawl database (it holds {shown}, and no articles); name a new file or a crawl database"
        )


def _use_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch a database to WAL. Two processes that open a new database at once both try, and SQLite
    answers the one that loses "database is locked" at once, not after its busy timeout (it would
    deadlock waiting): that one waits and tries again, within the busy timeout."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = wal").fetchall()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def applied_migrations(conn: sqlite3.Connection) -> list[str] | None:
    """Names of the migration steps a database has applied; None for one made before versions
    (release 0.1) or an empty one."""
    if not conn.execute("select 1 from sqlite_master where name = ?", (MIGRATIONS.migrations_table,)).fetchone():
        return None
    return [
        name
        for (name,) in conn.execute(
            f"select name from [{MIGRATIONS.migrations_table}] where migration_set = ? order by rowid",
            (MIGRATIONS.name,),
        )
    ]


def check_version(conn: sqlite3.Connection, path: str | Path, *, reading: bool) -> list[str]:
    """The steps still to apply; raises when the database is newer than this code, or, for a
    reader, older (a reader never upgrades)."""
    applied = applied_migrations(conn) or []
    unknown = [name for name in applied if name not in NAMES]
    if unknown:
        raise SchemaTooNewError(
            f"{path}: made by a newer version of this crawler (schema steps {', '.join(unknown)} are unknown"
            " here); update the code, or use a copy of the database made by this version"
        )
    pending = [name for name in NAMES if name not in applied]
    if reading and pending and holds_articles(conn):
        raise SchemaOutdatedError(
            f"{path}: made by an older version of this crawler (schema step(s) {', '.join(pending)} not applied);"
            f" upgrade it in place with `python -m crawler.migrate {path}` (or any crawl or reextract run)"
        )
    return pending


def _migrate(db: Database) -> list[str]:
    """Apply the pending steps and bring the derived objects (views, the metrics registry) up to date,
    in one write transaction."""
    path = _path_of(db)
    with write_transaction(db, "upgrade the database"):
        pending = check_version(db.conn, path, reading=False)
        stale_views = [name for name, sql in VIEWS.items() if _view_sql(db, name) != _create_view_sql(name, sql)]
        if not pending and not stale_views and _metrics_current(db) and _places_current(db):
            return []
        for name in VIEWS:
            db.execute(f"drop view if exists [{name}]")
        MIGRATIONS.apply(db)
        if not _metrics_current(db):  # a step may have just filled them
            sync_metrics(db)
        if not _places_current(db):
            sync_places(db)
        for name, sql in VIEWS.items():
            db.execute(_create_view_sql(name, sql))
        db.execute(f"PRAGMA user_version = {len(NAMES)}")
    return pending


def _metric_rows() -> list[tuple]:
    return [(m.key, m.entity, m.label_vi, m.label_en, m.description, int(m.is_total)) for m in METRICS.values()]


def _metrics_current(db: Database) -> bool:
    if not db["metrics"].exists():
        return False
    stored = set(db.execute("select key, entity, label_vi, label_en, description, is_total from metrics").fetchall())
    return set(_metric_rows()) <= stored


def sync_metrics(db: Database) -> None:
    """The `metrics` table holds the registry (crawler/figures/metrics.py): keys with their labels."""
    db.conn.executemany(
        "insert into metrics (key, entity, label_vi, label_en, description, is_total) values (?, ?, ?, ?, ?, ?)"
        " on conflict(key) do update set entity = excluded.entity, label_vi = excluded.label_vi,"
        " label_en = excluded.label_en, description = excluded.description, is_total = excluded.is_total",
        _metric_rows(),
    )


def _places_current(db: Database) -> bool:
    if not db["place_sources"].exists():
        return False
    return db.execute("select checksum from place_sources").fetchone() == (places.checksum(),)


def sync_places(db: Database) -> None:
    """The `places`, `place_links` and `place_lineage` tables hold the gazetteer (crawler/places/):
    rows are added or updated, never removed (figures point to them)."""
    g = places.gazetteer()
    names = list(PLACE_COLUMNS)
    db.conn.executemany(
        f"insert into places ({', '.join(names)}) values ({', '.join('?' * len(names))})"
        " on conflict(id) do update set " + ", ".join(f"{n} = excluded.{n}" for n in names if n != "id"),
        [tuple(getattr(p, n) for n in names) for p in g.places.values()],
    )
    db.conn.executemany(
        "insert into place_links (old_id, new_id, whole) values (?, ?, ?)"
        " on conflict(old_id, new_id) do update set whole = excluded.whole",
        [(old, new, int(whole)) for old, new, whole in g.links],
    )
    db.execute("delete from place_lineage")
    db.conn.executemany(
        "insert into place_lineage (place_id, related_id, relation) values (?, ?, ?)", places.lineage(g)
    )
    db.execute("delete from place_sources")
    db.execute("insert into place_sources (checksum, source) values (?, ?)", (places.checksum(), "vietnamadminunits"))


def migrate(path: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> list[str]:
    """Upgrade a database in place; returns the steps applied (none when it was current)."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"{path}: no such database")
    db = open_database(path, busy_timeout=busy_timeout, migrate=False)
    try:
        return _migrate(db)
    finally:
        close_database(db)


def _create_view_sql(name: str, sql: str) -> str:
    return f"CREATE VIEW [{name}] AS {sql}"


def _view_sql(db: Database, name: str) -> str | None:
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", (name,)).fetchone()
    return row[0] if row else None


# A user who cannot write the folder meets these for a moment while a writer switches the journal or
# rebuilds the log's index (SQLITE_READONLY_RECOVERY, _CANTINIT, _DIRECTORY, ...): tried again.
_READER_RETRIES = 20
_READER_RETRY_PAUSE = 0.05
_PERMISSION_CODES = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)


def _open_reader(path: Path) -> tuple[sqlite3.Connection, str]:
    """An open read-only connection and its URI (see `reader_uri`)."""
    path = path.resolve()  # SQLite opens the file itself, and its log beside it, not beside a link
    base = path.as_uri()
    writable = os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)
    for attempt in range(_READER_RETRIES):
        conn = None
        try:
            conn = sqlite3.connect(f"{base}?mode=ro", uri=True, timeout=DEFAULT_BUSY_TIMEOUT)
            conn.execute("select count(*) from sqlite_master").fetchone()
            return conn, f"{base}?mode=ro"
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            error = exc
            if writable or primary_code(exc) not in _PERMISSION_CODES:
                # not a matter of permissions (a lock held past the busy timeout was waited for already),
                # unless a write left its journal to roll back
                _refuse_unfinished_write(path, exc, writable=writable)
                raise storage_error(exc, path, "read the database") from exc
            if attempt + 1 < _READER_RETRIES:
                time.sleep(_READER_RETRY_PAUSE)
    _refuse_unfinished_write(path, error, writable=False)
    try:
        log_left = Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        log_left = False
    if log_left:
        raise ReadOnlyError(
            f"{path}: cannot read the database: its log ({path.name}-wal) holds changes this user cannot open"
            f" ({error}); read it as the user who writes it, or once its crawl has ended"
        ) from error
    uri = f"{base}?immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=DEFAULT_BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise storage_error(exc, path, "read the database") from exc
    return conn, uri


def _refuse_unfinished_write(path: Path, error: sqlite3.Error, *, writable: bool) -> None:
    """A write in rollback mode that did not finish (its process killed) leaves its journal, which only
    a connection that may write rolls back: no reader may read the half-written file."""
    try:
        left = Path(f"{path}-journal").stat().st_size > 0
    except OSError:
        return
    if left:
        who = "any crawl, or `baothanhhoa migrate`, rolls it back" if writable else "its owner must open it first"
        raise ReadOnlyError(
            f"{path}: cannot read the database: a write that did not finish left its journal"
            f" ({path.name}-journal), and a reader cannot roll it back ({error}); {who}"
        ) from error


def reader_uri(path: str | Path) -> str:
    """The URI a reader opens: `mode=ro`, which sees what a crawl has committed to its log too, also
    for a user who cannot write the folder (SQLite then reads the log's files read-only; a database
    at rest has none, see `close_database`); `immutable=1` only when `mode=ro` cannot open it, again
    and again for a second, and there is neither log nor journal, so the file alone holds
    everything (a read-only filesystem, or a database left in WAL mode by another tool). Raises
    ReadOnlyError when there is a log or a journal this user cannot read: an immutable reader would
    silently ignore it."""
    conn, uri = _open_reader(Path(path))
    conn.close()
    return uri


def open_readonly(path: str | Path, *, check: bool = True) -> sqlite3.Connection:
    """A connection that can only read: for tools that look (browse, dry runs, the spider's start).

    Works for a user who cannot write the file, and on a read-only filesystem (see `reader_uri`).
    Raises StorageError when there is no usable database, or (with `check`) when its schema is not
    this code's."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"{path}: no such database")
    conn, _ = _open_reader(path)  # it has read the schema once: a file that is not SQLite failed there
    try:
        if check:
            check_version(conn, path, reading=True)
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, path, "read the database") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def read_only(path: str | Path) -> sqlite3.Connection | None:
    """A read-only connection to an existing crawl database, or None when there is none yet."""
    path = Path(path)
    if not path.is_file():
        return None
    conn = open_readonly(path, check=False)
    if not holds_articles(conn):
        conn.close()
        return None
    return conn


# --- articles ---------------------------------------------------------------------------------------


def article_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """The `articles` columns of an item, lists as text."""
    row = {k: item.get(k) for k in ARTICLE_FIELDS}
    tags = row.get("tags") or []
    row["tags"] = tags if isinstance(tags, str) else TAG_SEPARATOR.join(tags)
    row["content_hash"] = item.get("content_hash") or content_hash(item)
    row["extraction_status"] = item.get("extraction_status") or "ok"
    return row


@dataclass
class SaveResult:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return len(self.new) + len(self.changed) + len(self.unchanged)


def save_articles(
    db: Database, items: Iterable[Mapping[str, Any]], *, run_id: int | None = None, now: str | None = None
) -> SaveResult:
    """Upsert a batch of articles in one transaction, keeping the previous version of changed ones."""
    now = now or utc_now()
    items_list = list(items)
    rows = [article_row(item) for item in items_list]
    result = SaveResult()
    if not rows:
        return result
    ids = [r["id"] for r in rows]
    placeholders = ",".join("?" * len(ids))
    versions = []
    with write_transaction(db, f"store {len(rows)} articles"):
        existing = {r["id"]: r for r in db.query(f"select * from articles where id in ({placeholders})", ids)}
        for row in rows:
            old = existing.get(row["id"])
            if old is None:
                row["first_seen_at"] = now
                result.new.append(row["id"])
            else:
                row["first_seen_at"] = old["first_seen_at"] or now
                if old["content_hash"] == row["content_hash"]:
                    result.unchanged.append(row["id"])
                else:
                    result.changed.append(row["id"])
                    version = {k: old[k] for k in VERSION_COLUMNS if k in old}
                    versions.append({**version, "article_id": old["id"], "run_id": run_id, "replaced_at": now})
            row["last_crawled_at"] = now
            existing[row["id"]] = row
        db["articles"].upsert_all(rows, pk="id", alter=False)
        if versions:
            db["article_versions"].insert_all(versions)
        _replace_tags(db, items_list)
        replace_extractions_batch(
            db,
            {
                str(item["id"]): (item.get("figures") or [], item.get("documents") or [], item.get("places") or [])
                for item in items_list
                if "figures" in item or "documents" in item
            },
        )
    return result


def _replace_tags(db: Database, items: list[Mapping[str, Any]]) -> None:
    ids = [str(item["id"]) for item in items]
    db.execute(f"delete from article_tags where article_id in ({','.join('?' * len(ids))})", ids)
    rows = {(str(item["id"]), tag) for item in items for tag in _tag_list(item.get("tags"))}
    if rows:
        db.conn.executemany("insert into article_tags (article_id, tag) values (?, ?)", sorted(rows))


def _tag_list(tags: Any) -> list[str]:
    if not tags:
        return []
    if isinstance(tags, str):
        return [t.strip() for t in tags.split(",") if t.strip()]
    return list(tags)


def _values_of(names: list[str]) -> Callable[[Mapping[str, Any]], tuple]:
    """A row's values in the columns' order, a column the row lacks as null. Figures are the bulk
    of every write: the fast path takes a whole row at once."""
    get, one = operator.itemgetter(*names), len(names) == 1

    def values(row: Mapping[str, Any]) -> tuple:
        try:
            found = get(row)
        except KeyError:
            return tuple(row.get(name) for name in names)
        return (found,) if one else found

    return values


def replace_extractions_batch(db: Database, extractions: Mapping[str, tuple[list, list, list]]) -> None:
    """Replace the figures, documents and places of many articles at once, never appending to them.

    Inside the caller's transaction, or in one of its own. Rows go in with one prepared statement
    per table: figures are the bulk of every write, and sqlite-utils' per-value checks cost more
    than the insert itself."""
    if not extractions:
        return
    ids = list(extractions)
    placeholders = ",".join("?" * len(ids))
    with write_transaction(db, f"store the figures of {len(ids)} articles"):
        for table, columns, index in (("figures", FIGURE_COLUMNS, 0), ("documents", DOCUMENT_COLUMNS, 1)):
            db.execute(f"delete from {table} where article_id in ({placeholders})", ids)
            names = [c for c in columns if c not in ("id", "article_id")]
            values = _values_of(names)
            rows = [(article_id, *values(row)) for article_id, pair in extractions.items() for row in pair[index]]
            names.insert(0, "article_id")
            if rows:
                quoted = ", ".join(f"[{c}]" for c in names)
                db.conn.executemany(f"insert into {table} ({quoted}) values ({','.join('?' * len(names))})", rows)
        db.execute(f"delete from article_places where article_id in ({placeholders})", ids)
        db.conn.executemany(
            "insert or ignore into article_places (article_id, place_id) values (?, ?)",
            [(article_id, place) for article_id, extraction in extractions.items() for place in extraction[2]],
        )


# --- runs -------------------------------------------------------------------------------------------


def _run_is_alive(host: str | None, pid: int | None, started: str | None) -> bool:
    """Is the process that started a run still running? A run of another host, or one recorded
    without a pid (release 0.1), cannot be told: another host's is taken as alive, the pid-less as dead."""
    if pid is None:
        return False
    if host and host != socket.gethostname():
        return True
    return is_alive(pid, started)


def start_run(db: Database, *, spider: str, arguments: Mapping[str, Any], now: str | None = None) -> int:
    with write_transaction(db, "record the run's start"):
        table = db["crawl_runs"].insert(
            {
                "spider": spider,
                "started_at": now or utc_now(),
                "arguments": "; ".join(f"{k}={_argument_text(v)}" for k, v in sorted(dict(arguments).items())),
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "process_started": process_started(),
            }
        )
    return int(table.last_pk)


def close_stale_runs(db: Database, *, now: str | None = None) -> int:
    """Runs that never recorded their end and whose process is gone were killed: say so. A run whose
    process still runs (a scheduled run beside a manual one) is left alone."""
    with write_transaction(db, "close the runs of killed processes"):
        stale = [
            r["id"]
            for r in db.query("select id, host, pid, process_started from crawl_runs where finished_at is null")
            if r["id"] and not _run_is_alive(r["host"], r["pid"], r["process_started"])
        ]
        for run_id in stale:
            db["crawl_runs"].update(
                run_id,
                {
                    "finish_reason": "killed (no end recorded)",
                    "health": "failed",
                    "health_reasons": "the run ended without recording its end",
                },
            )
    return len(stale)


def _argument_text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def save_failures(
    db: Database, failures: Iterable[Mapping[str, Any]], *, run_id: int | None = None, now: str | None = None
) -> int:
    """Record pages that could not be had (or stored), in one transaction."""
    return _save_run_rows(db, "failures", FAILURE_COLUMNS, failures, run_id=run_id, now=now)


def save_limits(
    db: Database, limits: Iterable[Mapping[str, Any]], *, run_id: int | None = None, now: str | None = None
) -> int:
    """Record the bounds on one page's work that were reached (what was cut, and where)."""
    return _save_run_rows(db, "limits", LIMIT_COLUMNS, limits, run_id=run_id, now=now)


def _save_run_rows(
    db: Database, table: str, columns: Mapping[str, type], entries: Iterable[Mapping[str, Any]], *,
    run_id: int | None, now: str | None,
) -> int:  # fmt: skip
    now = now or utc_now()
    rows = [{k: e.get(k) for k in columns if k not in ("id", "run_id", "at")} | {"run_id": run_id, "at": now}
            for e in entries]  # fmt: skip
    if rows:
        with write_transaction(db, f"record {len(rows)} rows of {table}"):
            db[table].insert_all(rows)
    return len(rows)


def save_run_stats(db: Database, run_id: int, stats: Mapping[str, Any]) -> None:
    """The run's Scrapy stats as rows (key, value): readable in Datasette, queryable across runs."""
    rows = [{"run_id": run_id, "key": k, "value": str(v)} for k, v in sorted(stats.items())]
    with write_transaction(db, "record the run's stats"):
        db["run_stats"].upsert_all(rows, pk=("run_id", "key"))


def finish_run(db: Database, run_id: int, *, now: str | None = None, **values: Any) -> None:
    unknown = set(values) - set(RUN_COLUMNS)
    if unknown:
        raise StorageError(f"crawl_runs has no column(s) {sorted(unknown)}")
    with write_transaction(db, "record the run's end"):
        db["crawl_runs"].update(run_id, {"finished_at": now or utc_now(), **values})


# --- what the next run must fetch -------------------------------------------------------------------

# Articles whose stored text is incomplete: a later run fetches them again.
INCOMPLETE_STATUSES = ("needs_rendering", "missing_body", "missing_title", "missing_title_body", "truncated")
# Failures worth another try in a later run (a `gone` article or a refused redirect is not).
# `store_error`: the article was fetched but its batch could not be written.
RETRYABLE_FAILURES = (
    "http_error", "timeout", "network", "too_large", "not_html", "parse_error", "ignored", "store_error",
)  # fmt: skip


def pending_path(db_path: str | Path) -> Path:
    """Where a run lists the articles it could not store when even the `failures` table could not be
    written (a full disk): the next run that opens the database takes them in."""
    return Path(f"{db_path}.pending")


def remember_pending(db_path: str | Path, entries: Iterable[Mapping[str, Any]]) -> bool:
    """Append articles to the pending list; False when even that cannot be written."""
    lines = "".join(json.dumps(dict(e), ensure_ascii=False) + "\n" for e in entries)
    try:
        with open(pending_path(db_path), "a", encoding="utf-8") as f:
            f.write(lines)
            f.flush()
            os.fsync(f.fileno())
    except OSError:
        return False
    return True


def absorb_pending(db: Database, db_path: str | Path, *, run_id: int | None = None) -> int:
    """Move the pending list into `failures` (kind `store_error`), where the next runs find it."""
    path = pending_path(db_path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise storage_error(exc, path, "read the pending list") from exc
    entries = []
    for line in lines:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and entry.get("url"):
                entries.append({"kind": "store_error", **entry})
    save_failures(db, entries, run_id=run_id)
    path.unlink()
    return len(entries)


def known_articles(conn: sqlite3.Connection) -> dict[str, str]:
    """id → title of the articles stored whole: an incremental run need not fetch them."""
    placeholders = ",".join("?" * len(INCOMPLETE_STATUSES))
    query = f"select id, title from articles where extraction_status not in ({placeholders})"
    return {str(i): t or "" for i, t in conn.execute(query, INCOMPLETE_STATUSES)}


def missed_urls(conn: sqlite3.Connection, *, limit: int = 100) -> list[str]:
    """URLs of articles an earlier run missed: stored incomplete, failed for a passing reason, or
    fetched but not stored (and not stored by a later run either)."""
    placeholders = ",".join("?" * len(INCOMPLETE_STATUSES))
    urls = [u for (u,) in conn.execute(
        f"select url from articles where extraction_status in ({placeholders}) order by last_crawled_at limit ?",
        (*INCOMPLETE_STATUSES, limit),
    )]  # fmt: skip
    if len(urls) < limit:
        kinds = ",".join("?" * len(RETRYABLE_FAILURES))
        urls += [u for (u,) in conn.execute(
            f"""select f.url from failures f left join articles a on a.id = f.article_id
                where f.kind in ({kinds}) and f.article_id is not null
                  and (a.id is null or (f.kind = 'store_error' and a.last_crawled_at < f.at))
                group by f.article_id order by max(f.id) desc limit ?""",
            (*RETRYABLE_FAILURES, limit - len(urls)),
        )]  # fmt: skip
    return list(dict.fromkeys(urls))


def previous_run_unclean(conn: sqlite3.Connection, *, before: int | None = None) -> str | None:
    """Why the last run before this one may have left fetched articles unstored (killed, or a storage
    error), or None when it ended cleanly: then this run must not trust its own incremental stop."""
    query = "select id, finished_at, finish_reason, articles_not_stored from crawl_runs"
    query += " where id < ? order by id desc limit 1" if before else " order by id desc limit 1"
    row = conn.execute(query, (before,) if before else ()).fetchone()
    if row is None:
        return None
    run_id, finished_at, reason, not_stored = row
    if finished_at is None or (reason or "").startswith("killed"):
        return f"run {run_id} ended without recording its end"
    if (reason or "").startswith("storage_error") or (not_stored or 0) > 0:
        return f"run {run_id} could not store {not_stored or 'some'} articles"
    return None
