"""The database schema as named, ordered migration steps (sqlite-utils' `Migrations`).

A step is never edited once released: a database made by any release reaches the current schema by
running the steps it has not seen, in order, inside one write transaction. Views are derived
objects: `crawler.storage.migrate` drops them before the steps and creates the current ones after,
so a step may alter any table a view reads. The first step is the schema of release 0.1, which had
no record of its version; on a database of that release it changes nothing.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("baothanhhoa")
# The steps' names in order: a database that has applied a name not here was made by newer code.
NAMES: list[str] = []


def step(name: str):
    NAMES.append(name)
    return MIGRATIONS(name=name)


def _fold(prefix: str) -> str:
    return (
        f"replace(replace(coalesce({prefix}title, '') || ' ' || coalesce({prefix}lead, '') || ' ' ||"
        f" coalesce({prefix}body, ''), 'đ', 'd'), 'Đ', 'D')"
    )


# The search index of release 0.1, frozen here: a later change to it is a step of its own.
_FTS_0_1 = f"""
create view if not exists articles_search as
    select rowid, title, lead, body, {_fold("")} as folded from articles;
create virtual table if not exists articles_fts using fts5(
    title, lead, body, folded, content='articles_search', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
create trigger if not exists articles_fts_insert after insert on articles begin
    insert into articles_fts(rowid, title, lead, body, folded)
    values (new.rowid, new.title, new.lead, new.body, {_fold("new.")});
end;
create trigger if not exists articles_fts_delete after delete on articles begin
    insert into articles_fts(articles_fts, rowid, title, lead, body, folded)
    values ('delete', old.rowid, old.title, old.lead, old.body, {_fold("old.")});
end;
create trigger if not exists articles_fts_update after update on articles begin
    insert into articles_fts(articles_fts, rowid, title, lead, body, folded)
    values ('delete', old.rowid, old.title, old.lead, old.body, {_fold("old.")});
    insert into articles_fts(rowid, title, lead, body, folded)
    values (new.rowid, new.title, new.lead, new.body, {_fold("new.")});
end;
"""


@step("0001_release_0_1")
def release_0_1(db: Database) -> None:
    """The tables of release 0.1, created where missing (its databases have them all, or, if made by
    an earlier build, lack some `crawl_runs` columns)."""
    article = {
        "id": str, "url": str, "section": str, "title": str, "lead": str, "body": str, "author": str,
        "published_at": str, "tags": str, "image_url": str, "image_caption": str, "content_hash": str,
        "extraction_status": str, "first_seen_at": str, "last_crawled_at": str,
    }  # fmt: skip
    db["articles"].create(article, pk="id", not_null={"id"}, if_not_exists=True)
    version = {"article_id": str, "run_id": int, "replaced_at": str}
    version |= {k: v for k, v in article.items() if k not in ("id", "first_seen_at")}
    db["article_versions"].create(
        {"id": int, **version}, pk="id", foreign_keys=[("article_id", "articles", "id")], if_not_exists=True
    )
    runs = {
        "id": int, "spider": str, "started_at": str, "finished_at": str, "arguments": str, "finish_reason": str,
        "pages": int, "articles_new": int, "articles_changed": int, "articles_unchanged": int,
        "articles_duplicate": int, "articles_incomplete": int, "errors": int, "failures": int, "health": str,
        "health_reasons": str,
    }  # fmt: skip
    db["crawl_runs"].create(runs, pk="id", if_not_exists=True)
    existing = db["crawl_runs"].columns_dict
    for name, kind in runs.items():
        if name not in existing:
            db["crawl_runs"].add_column(name, kind)
    figure = {
        "id": int, "article_id": str, "metric": str, "value": float, "unit": str, "of_total": float, "kind": str,
        "qualifier": str, "year": int, "period": str, "organization": str, "category": str, "sentence": str,
        "start": int, "end": int,
    }  # fmt: skip
    document = {"id": int, "article_id": str, "kind": str, "number": str, "issuer": str, "date": str}
    for name, columns in (("figures", figure), ("documents", document)):
        db[name].create(
            columns, pk="id", not_null={"article_id"}, foreign_keys=[("article_id", "articles", "id")],
            if_not_exists=True,
        )  # fmt: skip
        db[name].create_index(["article_id"], if_not_exists=True)
    for column in ("metric", "organization", "year"):
        db["figures"].create_index([column], if_not_exists=True)
    db["documents"].create_index(["number"], if_not_exists=True)
    db["article_tags"].create(
        {"article_id": str, "tag": str}, pk=("article_id", "tag"), foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )  # fmt: skip
    db["article_tags"].create_index(["tag"], if_not_exists=True)
    db["run_stats"].create(
        {"run_id": int, "key": str, "value": str}, pk=("run_id", "key"),
        foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True,
    )  # fmt: skip
    fts_is_new = not db["articles_fts"].exists()
    db.executescript(_FTS_0_1)  # in a transaction, sqlite-utils runs it statement by statement
    if fts_is_new and db["articles"].count:
        db.execute("insert into articles_fts(articles_fts) values ('rebuild')")
    failure = {
        "id": int, "run_id": int, "url": str, "article_id": str, "kind": str, "status": int, "reason": str,
        "at": str,
    }  # fmt: skip
    db["failures"].create(failure, pk="id", if_not_exists=True)
    for table, column in (("failures", "url"), ("failures", "run_id"), ("articles", "published_at"),
                          ("articles", "section"), ("articles", "extraction_status"),
                          ("article_versions", "article_id")):  # fmt: skip
        db[table].create_index([column], if_not_exists=True)


@step("0002_figure_sentence_offsets")
def figure_sentence_offsets(db: Database) -> None:
    """A figure points to its sentence in the article's body (`sentence_start`, `sentence_end`)
    instead of holding a copy: one long sentence with a thousand numbers was a thousand copies."""
    db["figures"].add_column("sentence_start", int)
    db["figures"].add_column("sentence_end", int)
    rows = db.execute(
        "select f.id, f.sentence, f.start, a.body from figures f join articles a on a.id = f.article_id"
        " where f.sentence is not null"
    ).fetchall()
    for figure_id, sentence, start, body in rows:
        span = _locate(body or "", sentence, start)
        if span:
            db.execute("update figures set sentence_start = ?, sentence_end = ? where id = ?", (*span, figure_id))
    db.execute("alter table figures drop column sentence")


def _locate(body: str, sentence: str, start: int | None) -> tuple[int, int] | None:
    """Where `sentence` stands in `body`: the occurrence that holds the figure's own offset."""
    pos = body.find(sentence, max(0, (start or 0) - len(sentence)))
    if pos < 0 or (start is not None and not pos <= start <= pos + len(sentence)):
        pos = body.find(sentence)
    return (pos, pos + len(sentence)) if pos >= 0 else None


@step("0003_run_process_and_storage_check")
def run_process_and_storage_check(db: Database) -> None:
    """Which process a run is (so a live run is never taken for a killed one), and the closing check
    of what was scraped against what was stored."""
    for name, kind in (("host", str), ("pid", int), ("process_started", str), ("articles_scraped", int),
                       ("articles_not_stored", int), ("exit_status", int)):  # fmt: skip
        db["crawl_runs"].add_column(name, kind)


@step("0004_limits")
def limits(db: Database) -> None:
    """Each time a bound on the work of one page was reached (a sentence cut, figures or links capped)."""
    db["limits"].create(
        {"id": int, "run_id": int, "url": str, "article_id": str, "name": str, "observed": int, "allowed": int,
         "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")],
    )  # fmt: skip
    db["limits"].create_index(["run_id"])


@step("0005_figures_spec_v2")
def figures_spec_v2(db: Database) -> None:
    """Figure spec version 2: the upper end of a range (`value_max`); numbers stored with NUMERIC
    affinity, so a count is an integer (5322, never 5322.0); and `metric` naming a row of `metrics`,
    the registry's keys with their labels (Datasette shows the label in place of the key)."""
    db.execute(
        "create table if not exists metrics (key text primary key, entity text, label_vi text, label_en text,"
        " description text, is_total integer)"
    )
    from crawler.storage import sync_metrics  # the rows are derived from the code's registry

    sync_metrics(db)
    db.execute(
        """create table figures_v2 (
            id integer primary key, article_id text not null references articles(id),
            metric text references metrics(key), value numeric, value_max numeric, unit text, of_total numeric,
            kind text, qualifier text, year integer, period text, organization text, category text,
            start integer, [end] integer, sentence_start integer, sentence_end integer)"""
    )
    db.execute(
        """insert into figures_v2 (id, article_id, metric, value, unit, of_total, kind, qualifier, year, period,
                                   organization, category, start, [end], sentence_start, sentence_end)
           select id, article_id, metric, value, unit, of_total, kind, qualifier, year, period, organization,
                  category, start, [end], sentence_start, sentence_end from figures"""
    )
    db.execute("drop table figures")
    db.execute("alter table figures_v2 rename to figures")
    for column in ("article_id", "metric", "organization", "year"):
        db.execute(f"create index if not exists idx_figures_{column} on figures ({column})")


@step("0006_places")
def places(db: Database) -> None:
    """Places (crawler/places/): Thanh Hóa's administrative units before and after the 2025 reform,
    the links from old units to new ones, each place's lineage, the place of each figure's
    organization (with the reason when there is none), and the places each article is about. The
    figures already stored get their places here, from their organization and their article's date."""
    # One statement at a time: executescript would commit the upgrade's transaction half way.
    for statement in (
        "create table places (id text primary key, level text, kind text, name text, full_name text,"
        " parent_id text references places(id), valid_from text, valid_until text, latitude real,"
        " longitude real, source text)",
        "create table place_links (old_id text references places(id), new_id text references places(id),"
        " whole integer, primary key (old_id, new_id))",
        "create table place_lineage (place_id text references places(id), related_id text references places(id),"
        " relation text)",
        "create index idx_place_lineage_place_id on place_lineage (place_id)",
        "create table place_sources (checksum text, source text)",
        "create table article_places (article_id text references articles(id),"
        " place_id text references places(id), primary key (article_id, place_id))",
        "alter table figures add column place_id text references places(id)",
        "alter table figures add column place_reason text",
        "create index idx_figures_place_id on figures (place_id)",
    ):
        db.execute(statement)
    from crawler import places as gazetteer
    from crawler.storage import sync_places  # the rows are derived from the gazetteer's data

    sync_places(db)
    articles = db.execute("select id, published_at, title from articles").fetchall()
    for article_id, published, title in articles:
        rows = db.execute(
            "select id, organization from figures where article_id = ? order by start", (article_id,)
        ).fetchall()
        figures = [{"id": fid, "organization": organization} for fid, organization in rows]
        about = gazetteer.place_figures(figures, published=published, title=title)
        db.conn.executemany(
            "update figures set place_id = ?, place_reason = ? where id = ?",
            [(f["place_id"], f["place_reason"], f["id"]) for f in figures],
        )
        db.conn.executemany(
            "insert or ignore into article_places (article_id, place_id) values (?, ?)",
            [(article_id, place) for place in about],
        )


@step("0007_search_index_only_for_changed_text")
def search_index_only_for_changed_text(db: Database) -> None:
    """An article stored again with the same title, lead and body (a rerun, a refetch) no longer takes
    its text out of the search index and puts it back: that was most of the cost of storing it."""
    db.execute("drop trigger if exists articles_fts_update")
    db.execute(
        f"""create trigger articles_fts_update after update on articles
        when old.title is not new.title or old.lead is not new.lead or old.body is not new.body
            or old.rowid is not new.rowid begin
            insert into articles_fts(articles_fts, rowid, title, lead, body, folded)
            values ('delete', old.rowid, old.title, old.lead, old.body, {_fold("old.")});
            insert into articles_fts(rowid, title, lead, body, folded)
            values (new.rowid, new.title, new.lead, new.body, {_fold("new.")});
        end"""
    )
