"""SQLite storage with sqlite-utils: the schema, and small functions that write one batch at a time.

Every write goes through `Database.atomic()`, so a batch is stored whole or not at all; the database
runs in WAL mode so Datasette or sqlite-utils can read it while a crawl writes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.items import ARTICLE_FIELDS

HASHED_FIELDS = ("title", "lead", "body", "author", "published_at", "section", "tags", "image_url", "image_caption")

ARTICLE_COLUMNS: dict[str, type] = {
    "id": str,
    "url": str,
    "section": str,
    "title": str,
    "lead": str,
    "body": str,
    "author": str,
    "published_at": str,
    "tags": str,
    "image_url": str,
    "image_caption": str,
    "content_hash": str,
    "extraction_status": str,
    "first_seen_at": str,
    "last_crawled_at": str,
}
VERSION_COLUMNS: dict[str, type] = {
    "article_id": str,
    "run_id": int,
    "replaced_at": str,
    **{k: v for k, v in ARTICLE_COLUMNS.items() if k not in ("id", "first_seen_at")},
}
FIGURE_COLUMNS: dict[str, type] = {
    "id": int,
    "article_id": str,
    "metric": str,
    "value": float,
    "unit": str,
    "of_total": float,
    "kind": str,
    "qualifier": str,
    "year": int,
    "period": str,
    "organization": str,
    "category": str,
    "sentence": str,
    "start": int,
    "end": int,
}
DOCUMENT_COLUMNS: dict[str, type] = {
    "id": int,
    "article_id": str,
    "kind": str,
    "number": str,
    "issuer": str,
    "date": str,
}
FAILURE_COLUMNS: dict[str, type] = {
    "id": int,
    "run_id": int,
    "url": str,
    "article_id": str,
    "kind": str,
    "status": int,
    "reason": str,
    "at": str,
}
RUN_COLUMNS: dict[str, type] = {
    "id": int,
    "spider": str,
    "started_at": str,
    "finished_at": str,
    "arguments": str,
    "finish_reason": str,
    "pages": int,
    "articles_new": int,
    "articles_changed": int,
    "articles_unchanged": int,
    "articles_duplicate": int,
    "articles_incomplete": int,
    "errors": int,
    "failures": int,
    "health": str,
    "health_reasons": str,
}
TAG_SEPARATOR = ", "
# Diacritics aside, Vietnamese search must match `dang` to `đảng`: FTS5's unicode61 tokenizer with
# remove_diacritics 2 strips tone marks but leaves đ (U+0111 has no decomposition), so the index
# also holds a copy of the text with đ folded to d. Queries match either column.
_FOLD = (
    "replace(replace(coalesce({p}title, '') || ' ' || coalesce({p}lead, '') || ' ' || coalesce({p}body, ''),"
    " 'đ', 'd'), 'Đ', 'D')"
)
FTS_SQL = f"""
create view if not exists articles_search as
    select rowid, title, lead, body, {_FOLD.format(p="")} as folded from articles;
create virtual table if not exists articles_fts using fts5(
    title, lead, body, folded, content='articles_search', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
create trigger if not exists articles_fts_insert after insert on articles begin
    insert into articles_fts(rowid, title, lead, body, folded)
    values (new.rowid, new.title, new.lead, new.body, {_FOLD.format(p="new.")});
end;
create trigger if not exists articles_fts_delete after delete on articles begin
    insert into articles_fts(articles_fts, rowid, title, lead, body, folded)
    values ('delete', old.rowid, old.title, old.lead, old.body, {_FOLD.format(p="old.")});
end;
create trigger if not exists articles_fts_update after update on articles begin
    insert into articles_fts(articles_fts, rowid, title, lead, body, folded)
    values ('delete', old.rowid, old.title, old.lead, old.body, {_FOLD.format(p="old.")});
    insert into articles_fts(rowid, title, lead, body, folded)
    values (new.rowid, new.title, new.lead, new.body, {_FOLD.format(p="new.")});
end;
"""
# The questions users ask, as views (Datasette lists them beside the tables).
VIEWS = {
    "figures_with_articles": """
        select f.id, f.metric, f.value, f.unit, f.of_total, f.kind, f.qualifier, f.year, f.period,
               f.organization, f.category, f.sentence, a.id as article_id, a.title as article_title,
               substr(a.published_at, 1, 10) as published, a.url
        from figures f join articles a on a.id = f.article_id""",
    "organization_timeline": """
        select f.organization, f.metric, f.unit,
               coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year,
               f.year is null as year_from_article_date, f.value, f.of_total, f.qualifier, f.kind,
               a.title as article_title, substr(a.published_at, 1, 10) as published, a.id as article_id
        from figures f join articles a on a.id = f.article_id
        where f.organization is not null""",
    "latest_totals": """
        select organization, metric, value, year, published, article_title, article_id from (
            select f.organization, f.metric, f.value,
                   coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) as year,
                   substr(a.published_at, 1, 10) as published, a.title as article_title, a.id as article_id,
                   row_number() over (partition by f.organization, f.metric
                                      order by coalesce(f.year, cast(substr(a.published_at, 1, 4) as integer)) desc,
                                               a.published_at desc) as rank
            from figures f join articles a on a.id = f.article_id
            where f.organization is not null and f.kind = 'actual' and f.unit = 'count' and f.category is null
              and f.metric in ('members_total', 'cells_total', 'organizations_total'))
        where rank = 1""",
    "documents_cited": """
        select d.kind, d.number, d.issuer, max(d.date) as date, count(distinct d.article_id) as articles,
               min(substr(a.published_at, 1, 10)) as first_cited, max(substr(a.published_at, 1, 10)) as last_cited
        from documents d join articles a on a.id = d.article_id
        group by d.kind, d.number, d.issuer order by articles desc, last_cited desc""",
}


class StorageError(Exception):
    """The database cannot be opened or written as this project needs."""


class NotADatabaseError(StorageError):
    """The path holds a file that is not an SQLite database: we never overwrite it."""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def content_hash(article: Mapping[str, Any]) -> str:
    """A digest of what a reader sees, so a rerun can tell a corrected article from an unchanged one."""
    payload = json.dumps({k: article.get(k) for k in HASHED_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def open_database(path: str | Path, *, wal: bool = True) -> Database:
    """Open (creating if needed) a crawl database with its schema in place."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = Database(path if str(path) != ":memory:" else None, memory=str(path) == ":memory:")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 10000")
        if wal and str(path) != ":memory:":
            db.enable_wal()
        ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path}: not a usable SQLite database ({exc})") from exc
    return db


def ensure_schema(db: Database) -> None:
    """Create what is missing; never drop or rewrite what is there."""
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"id"}, if_not_exists=True)
    db["article_versions"].create(
        {"id": int, **VERSION_COLUMNS}, pk="id", foreign_keys=[("article_id", "articles", "id")], if_not_exists=True
    )
    db["crawl_runs"].create(RUN_COLUMNS, pk="id", if_not_exists=True)
    for name, columns in (("figures", FIGURE_COLUMNS), ("documents", DOCUMENT_COLUMNS)):
        db[name].create(
            columns,
            pk="id",
            not_null={"article_id"},
            foreign_keys=[("article_id", "articles", "id")],
            if_not_exists=True,
        )
        db[name].create_index(["article_id"], if_not_exists=True)
    for column in ("metric", "organization", "year"):
        db["figures"].create_index([column], if_not_exists=True)
    db["documents"].create_index(["number"], if_not_exists=True)
    db["article_tags"].create(
        {"article_id": str, "tag": str},
        pk=("article_id", "tag"),
        foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )
    db["article_tags"].create_index(["tag"], if_not_exists=True)
    db["run_stats"].create(
        {"run_id": int, "key": str, "value": str},
        pk=("run_id", "key"),
        foreign_keys=[("run_id", "crawl_runs", "id")],
        if_not_exists=True,
    )
    fts_is_new = not db["articles_fts"].exists()
    db.executescript(FTS_SQL)
    if fts_is_new and db["articles"].count:
        db.execute("insert into articles_fts(articles_fts) values ('rebuild')")
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)
    db["failures"].create(FAILURE_COLUMNS, pk="id", if_not_exists=True)
    db["failures"].create_index(["url"], if_not_exists=True)
    db["failures"].create_index(["run_id"], if_not_exists=True)
    _add_missing_columns(db, "crawl_runs", RUN_COLUMNS)


def _add_missing_columns(db: Database, table: str, columns: Mapping[str, type]) -> None:
    """A database made by an older version gains the columns it lacks; nothing is dropped."""
    existing = db[table].columns_dict
    for name, kind in columns.items():
        if name not in existing:
            db[table].add_column(name, kind)
    db["articles"].create_index(["published_at"], if_not_exists=True)
    db["articles"].create_index(["section"], if_not_exists=True)
    db["articles"].create_index(["extraction_status"], if_not_exists=True)
    db["article_versions"].create_index(["article_id"], if_not_exists=True)


def article_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """The `articles` columns of an item, lists as JSON text."""
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
    existing = {r["id"]: r for r in db.query(f"select * from articles where id in ({placeholders})", ids)}
    versions = []
    with db.atomic():
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
                str(item["id"]): (item.get("figures") or [], item.get("documents") or [])
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


def replace_extractions(
    db: Database, article_id: str, figures: Iterable[Mapping[str, Any]], documents: Iterable[Mapping[str, Any]]
) -> None:
    """An article's figures and documents are replaced whole, never appended to (call inside atomic())."""
    replace_extractions_batch(db, {article_id: (list(figures), list(documents))})


def replace_extractions_batch(db: Database, extractions: Mapping[str, tuple[list, list]]) -> None:
    """Replace the figures and documents of many articles at once (call inside atomic()).

    Rows go in with one prepared statement per table: figures are the bulk of every write, and
    sqlite-utils' per-value checks cost more than the insert itself."""
    if not extractions:
        return
    ids = list(extractions)
    placeholders = ",".join("?" * len(ids))
    for table, columns, index in (("figures", FIGURE_COLUMNS, 0), ("documents", DOCUMENT_COLUMNS, 1)):
        db.execute(f"delete from {table} where article_id in ({placeholders})", ids)
        names = [c for c in columns if c != "id"]
        rows = [
            tuple(article_id if c == "article_id" else row.get(c) for c in names)
            for article_id, pair in extractions.items()
            for row in pair[index]
        ]
        if rows:
            quoted = ", ".join(f"[{c}]" for c in names)
            db.conn.executemany(f"insert into {table} ({quoted}) values ({','.join('?' * len(names))})", rows)


def start_run(db: Database, *, spider: str, arguments: Mapping[str, Any], now: str | None = None) -> int:
    with db.atomic():
        table = db["crawl_runs"].insert(
            {
                "spider": spider,
                "started_at": now or utc_now(),
                "arguments": "; ".join(f"{k}={_argument_text(v)}" for k, v in sorted(dict(arguments).items())),
            }
        )
    return int(table.last_pk)


def save_failures(
    db: Database, failures: Iterable[Mapping[str, Any]], *, run_id: int | None = None, now: str | None = None
) -> int:
    """Record pages that could not be had, in one transaction."""
    now = now or utc_now()
    rows = [{k: f.get(k) for k in FAILURE_COLUMNS if k not in ("id", "run_id", "at")} | {"run_id": run_id, "at": now}
            for f in failures]  # fmt: skip
    if rows:
        with db.atomic():
            db["failures"].insert_all(rows)
    return len(rows)


def close_stale_runs(db: Database, *, now: str | None = None) -> int:
    """Runs that never recorded their end were killed: say so instead of leaving them open."""
    stale = [r["id"] for r in db.query("select id from crawl_runs where finished_at is null")]
    if stale:
        with db.atomic():
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


def save_run_stats(db: Database, run_id: int, stats: Mapping[str, Any]) -> None:
    """The run's Scrapy stats as rows (key, value): readable in Datasette, queryable across runs."""
    rows = [{"run_id": run_id, "key": k, "value": str(v)} for k, v in sorted(stats.items())]
    with db.atomic():
        db["run_stats"].upsert_all(rows, pk=("run_id", "key"))


def finish_run(db: Database, run_id: int, *, now: str | None = None, **values: Any) -> None:
    unknown = set(values) - set(RUN_COLUMNS)
    if unknown:
        raise StorageError(f"crawl_runs has no column(s) {sorted(unknown)}")
    with db.atomic():
        db["crawl_runs"].update(run_id, {"finished_at": now or utc_now(), **values})


# Articles whose stored text is incomplete: a later run fetches them again.
INCOMPLETE_STATUSES = ("needs_rendering", "missing_body", "missing_title", "missing_title_body", "truncated")
# Failures worth another try in a later run (a `gone` article or a refused redirect is not).
RETRYABLE_FAILURES = ("http_error", "timeout", "network", "too_large", "not_html", "parse_error", "ignored")


def read_only(path: str | Path) -> sqlite3.Connection | None:
    """A read-only connection to an existing database, or None: a crawl's look at what it has."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        conn.execute("select 1 from articles limit 1")
    except sqlite3.DatabaseError:
        return None
    return conn


def known_articles(conn: sqlite3.Connection) -> dict[str, str]:
    """id → title of the articles stored whole: an incremental run need not fetch them."""
    placeholders = ",".join("?" * len(INCOMPLETE_STATUSES))
    query = f"select id, title from articles where extraction_status not in ({placeholders})"
    return {str(i): t or "" for i, t in conn.execute(query, INCOMPLETE_STATUSES)}


def missed_urls(conn: sqlite3.Connection, *, limit: int = 100) -> list[str]:
    """URLs of articles an earlier run missed: stored incomplete, or failed for a passing reason."""
    placeholders = ",".join("?" * len(INCOMPLETE_STATUSES))
    urls = [u for (u,) in conn.execute(
        f"select url from articles where extraction_status in ({placeholders}) order by last_crawled_at limit ?",
        (*INCOMPLETE_STATUSES, limit),
    )]  # fmt: skip
    has_failures = conn.execute("select 1 from sqlite_master where name = 'failures'").fetchone()
    if has_failures and len(urls) < limit:
        kinds = ",".join("?" * len(RETRYABLE_FAILURES))
        urls += [u for (u,) in conn.execute(
            f"""select url from failures where kind in ({kinds}) and article_id is not null
                and article_id not in (select id from articles) group by article_id order by max(id) desc limit ?""",
            (*RETRYABLE_FAILURES, limit - len(urls)),
        )]  # fmt: skip
    return urls
