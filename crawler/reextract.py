"""Re-run figure and document extraction over every stored article, fetching nothing.

Rules improve; users should not have to re-crawl. Each article whose figures or documents differ
from what is stored has them replaced (one transaction per batch); the report says what changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from crawler.figures import extract_rows
from crawler.storage import FIGURE_COLUMNS, StorageError, open_database, replace_extractions

_FIGURE_KEY = tuple(k for k in FIGURE_COLUMNS if k not in ("id", "article_id"))
_DOCUMENT_KEY = ("kind", "number", "issuer", "date")


def _figure_key(row: dict) -> tuple:
    return tuple(float(row[k]) if k in ("value", "of_total") and row[k] is not None else row[k] for k in _FIGURE_KEY)


def reextract(db_path: str | Path, *, dry_run: bool = False, batch_size: int = 200) -> dict:
    """Re-extract every article of the database; returns counts of what changed."""
    path = Path(db_path)
    if not path.is_file():
        raise StorageError(f"{path}: no such database")
    db = open_database(path)
    report = {"articles": 0, "articles_changed": 0, "figures_before": 0, "figures_after": 0,
              "documents_before": 0, "documents_after": 0, "added": Counter(), "removed": Counter()}  # fmt: skip
    pending: list[tuple[str, list[dict], list[dict]]] = []

    def flush() -> None:
        if pending and not dry_run:
            with db.atomic():
                for article_id, figures, documents in pending:
                    replace_extractions(db, article_id, figures, documents)
        pending.clear()

    try:
        for article in db.query("select id, body, published_at from articles order by id"):
            report["articles"] += 1
            figures, documents = extract_rows(article["body"] or "", article["published_at"])
            old_figures = list(db.query("select * from figures where article_id = ?", [article["id"]]))
            old_docs = list(db.query("select * from documents where article_id = ?", [article["id"]]))
            report["figures_before"] += len(old_figures)
            report["figures_after"] += len(figures)
            report["documents_before"] += len(old_docs)
            report["documents_after"] += len(documents)
            old_f = Counter(_figure_key(f) for f in old_figures)
            new_f = Counter(_figure_key(f) for f in figures)
            old_d = Counter(tuple(d[k] for k in _DOCUMENT_KEY) for d in old_docs)
            new_d = Counter(tuple(d[k] for k in _DOCUMENT_KEY) for d in documents)
            if old_f == new_f and old_d == new_d:
                continue
            report["articles_changed"] += 1
            for key in new_f - old_f:
                report["added"][key[0]] += (new_f - old_f)[key]
            for key in old_f - new_f:
                report["removed"][key[0]] += (old_f - new_f)[key]
            pending.append((article["id"], figures, documents))
            if len(pending) >= batch_size:
                flush()
        flush()
    finally:
        db.close()
    report["added"] = dict(report["added"])
    report["removed"] = dict(report["removed"])
    report["dry_run"] = dry_run
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.reextract", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="data/baothanhhoa.db", help="database to update (default data/baothanhhoa.db)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    args = parser.parse_args(argv)
    try:
        report = reextract(args.db, dry_run=args.dry_run)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
