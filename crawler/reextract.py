"""Re-run figure and document extraction over every stored article, fetching nothing.

Rules improve; users should not have to re-crawl. Each article whose figures or documents differ
from what is stored has them replaced (one transaction per batch); the report says what changed.
It can run beside a crawl: articles are read a page at a time and each batch waits for the write
lock like any writer. `--dry-run` only reads (also on a read-only filesystem) and changes nothing.
The reading of figures, the costly part, runs in worker processes on every core (`--workers`); this
process reads the database, compares and writes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from crawler import outcome
from crawler.figures import Bounds, extract_rows
from crawler.places import place_figures
from crawler.storage import (
    FIGURE_COLUMNS,
    StorageError,
    close_database,
    open_database,
    open_readonly,
    replace_extractions_batch,
    storage_error,
)

_FIGURE_KEY = tuple(k for k in FIGURE_COLUMNS if k not in ("id", "article_id"))
_DOCUMENT_KEY = ("kind", "number", "issuer", "date")


class WriteFailedError(StorageError):
    """A batch could not be written: the articles before it are done, the rest are as they were."""


def _figure_key(row: dict) -> tuple:
    return tuple(float(row[k]) if k in ("value", "of_total") and row[k] is not None else row[k] for k in _FIGURE_KEY)


def _rows(conn: sqlite3.Connection, sql: str, params: tuple) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _stored(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[list, list, set]]:
    """The stored figures, documents and places of a page of articles: three queries, not three an
    article (this process compares while the workers read, and must keep up with them)."""
    stored: dict[str, tuple[list, list, set]] = {i: ([], [], set()) for i in ids}
    marks = ",".join("?" * len(ids))
    for row in _rows(conn, f"select * from figures where article_id in ({marks}) order by id", tuple(ids)):
        stored[row["article_id"]][0].append(row)
    for row in _rows(conn, f"select * from documents where article_id in ({marks}) order by id", tuple(ids)):
        stored[row["article_id"]][1].append(row)
    for article_id, place in conn.execute(
        f"select article_id, place_id from article_places where article_id in ({marks})", tuple(ids)
    ):
        stored[article_id][2].add(place)
    return stored


def _text(value: object) -> str | None:
    """A stored value as text: SQLite keeps whatever another tool wrote (a BLOB, a number) in a text
    column, and one such row used to stop the whole re-reading with a worker's traceback."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _compare(stored: tuple[list, list, set], figures: list, documents: list, about: list, report: dict) -> bool:
    """Count what re-reading one article changes; True when its figures, documents or places differ."""
    old_figures, old_docs, old_places = stored
    report["articles"] += 1
    report["figures_before"] += len(old_figures)
    report["figures_after"] += len(figures)
    report["documents_before"] += len(old_docs)
    report["documents_after"] += len(documents)
    old_f = Counter(_figure_key(f) for f in old_figures)
    new_f = Counter(_figure_key(f) for f in figures)
    old_d = Counter(tuple(d[k] for k in _DOCUMENT_KEY) for d in old_docs)
    new_d = Counter(tuple(d[k] for k in _DOCUMENT_KEY) for d in documents)
    if old_f == new_f and old_d == new_d and old_places == set(about):
        return False
    report["articles_changed"] += 1
    for key, n in (new_f - old_f).items():
        report["added"][key[0]] += n
    for key, n in (old_f - new_f).items():
        report["removed"][key[0]] += n
    return True


def _extract(args: tuple[str, str | None, str | None, Bounds]) -> tuple[list, list, list]:
    """One article's figures, documents and places: what a worker process computes."""
    body, published, title, bounds = args
    figures, documents, _ = extract_rows(body, published, bounds)
    return figures, documents, place_figures(figures, published=published, title=title)


@contextmanager
def _mapper(workers: int) -> Iterator:
    """`map` over worker processes (forked: they inherit the rules already imported), or in-process."""
    if workers <= 1:
        yield map
        return
    from crawler.workers import CRAWL_PID, exit_with_crawl

    os.environ.pop(CRAWL_PID, None)  # the workers watch this process, their parent
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=exit_with_crawl) as pool:  # fmt: skip
        yield lambda fn, items: pool.map(fn, items, chunksize=max(1, len(items) // (workers * 4)))


def reextract(
    db_path: str | Path,
    *,
    dry_run: bool = False,
    batch_size: int = 400,
    bounds: Bounds | None = None,
    workers: int = 1,
) -> dict:
    """Re-extract every article of the database, its figures read by `workers` processes; returns
    counts of what changed."""
    path = Path(db_path)
    if dry_run:
        conn, db = open_readonly(path), None
    else:
        if not path.is_file():
            raise StorageError(f"{path}: no such database")
        db = open_database(path)
        conn = db.conn
    report = {"articles": 0, "articles_changed": 0, "figures_before": 0, "figures_after": 0,
              "documents_before": 0, "documents_after": 0, "added": Counter(), "removed": Counter()}  # fmt: skip
    bounds = bounds or Bounds()

    def page_after(mapper: Callable, last_id: str) -> tuple[list[dict], Iterator]:
        # A page of articles read whole, so no read is left open while this process writes; its
        # figures are read by the workers from here on (a worker pool's map sends them all at once).
        articles = _rows(
            conn,
            "select id, body, published_at, title from articles where id > ? order by id limit ?",
            (last_id, batch_size),
        )
        return articles, mapper(
            _extract, [(_text(a["body"]) or "", _text(a["published_at"]), _text(a["title"]), bounds) for a in articles]
        )

    try:
        with _mapper(workers) as mapper:
            articles, extracted = page_after(mapper, "")
            while articles:
                # The next page goes to the workers before this one is compared and written: they
                # read while this process works, rather than wait for it.
                following = page_after(mapper, articles[-1]["id"])
                pending: dict[str, tuple[list, list, list]] = {}
                stored = _stored(conn, [a["id"] for a in articles])
                for article, (figures, documents, about) in zip(articles, extracted, strict=True):
                    if _compare(stored[article["id"]], figures, documents, about, report):
                        pending[article["id"]] = (figures, documents, about)
                if pending and db is not None:
                    try:
                        replace_extractions_batch(db, pending)
                    except StorageError as exc:
                        raise WriteFailedError(
                            f"{exc}; the articles before id {articles[0]['id']} were brought to the current rules,"
                            " run it again to finish"
                        ) from exc
                articles, extracted = following
    except sqlite3.Error as exc:
        raise storage_error(exc, path, "re-extract the articles") from exc
    finally:
        close_database(db) if db is not None else conn.close()
    report["added"] = dict(report["added"])
    report["removed"] = dict(report["removed"])
    report["dry_run"] = dry_run
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.reextract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="data/baothanhhoa.db", help="database to update (default data/baothanhhoa.db)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes that read the figures (default: one a core)")  # fmt: skip
    args = parser.parse_args(argv)
    from crawler.workers import most_workers

    if not 1 <= args.workers <= most_workers():
        print(f"error: --workers must be from 1 to {most_workers()} (four a core)", file=sys.stderr)
        return outcome.BAD_ARGUMENTS
    try:
        report = reextract(args.db, dry_run=args.dry_run, workers=args.workers)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.STORAGE_FAILED if isinstance(exc, WriteFailedError) else outcome.DATABASE_UNUSABLE
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
