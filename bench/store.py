"""What storing an article costs, and which part of it (`python -m bench.store -n 1000`).

Stores N generated articles (bench/sitegen.py's text, with the figures, documents and places the
reader finds in it, as a crawl stores them) with `save_articles`, in batches of SQLITE_BATCH_SIZE's
default, into a fresh database for each variant, the variants in turns, round after round:

- as is: the schema the crawler writes;
- without the search index: the triggers that keep `articles_fts` dropped (it takes each article's
  title, lead and body twice, as written and folded);
- without the figures' query indexes: those on metric, organization, year and place dropped (the one
  on article_id stays: replacing an article's figures looks them up by it);
- without either.

It reports the milliseconds of CPU (this process's) and of wall-clock time per article, the medians
of the rounds: what a per-row part of the schema costs the crawl's process, which runs the store.

    .venv/bin/python -m bench.store --grow 20000       # one database growing to 20,000 articles

`--grow N` stores N articles (the -n generated ones again and again, each time under new ids) into
one database a variant, as a long crawl does, and reports the CPU an article in each fifth of the
run, the bytes the process wrote (the kernel's count of its writes to storage: the log, the copies
of the log into the database, the database) and the database's size. The variants: as is (SQLite
copies its log into the database every 1,000 pages); with the log copied every 10,000 pages; without
the search index; without the figures' query indexes. The bytes written are what to read: the CPU
varies by ±15% on this shared machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.sitegen import make_article
from crawler.defaults import DEFAULTS
from crawler.figures import extract_rows
from crawler.items import content_hash
from crawler.places import place_figures
from crawler.storage import open_database, save_articles

SEARCH_TRIGGERS = ("articles_fts_insert", "articles_fts_update", "articles_fts_delete")
FIGURE_QUERY_INDEXES = ("idx_figures_metric", "idx_figures_organization", "idx_figures_year", "idx_figures_place_id")


def articles(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """N generated articles as the store receives them from a crawl: fields, hash, figures."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        item: dict[str, Any] = {**make_article(i, rng).fields(), "extraction_status": "ok"}
        item["content_hash"] = content_hash(item)
        item["figures"], item["documents"], _ = extract_rows(item["body"], item["published_at"])
        item["places"] = place_figures(item["figures"], published=item["published_at"], title=item["title"])
        out.append(item)
    return out


def _drop(db: Any, kind: str, names: tuple[str, ...]) -> None:
    for name in names:
        db.execute(f"drop {kind} if exists {name}")


VARIANTS: dict[str, Callable[[Any], None]] = {
    "as is": lambda db: None,
    "without the search index": lambda db: _drop(db, "trigger", SEARCH_TRIGGERS),
    "without the figures' query indexes": lambda db: _drop(db, "index", FIGURE_QUERY_INDEXES),
    "without either": lambda db: (_drop(db, "trigger", SEARCH_TRIGGERS), _drop(db, "index", FIGURE_QUERY_INDEXES)),
}


GROWTH_VARIANTS: dict[str, Callable[[Any], None]] = {
    "as is": lambda db: None,
    "the log copied every 10,000 pages": lambda db: db.execute("PRAGMA wal_autocheckpoint = 10000"),
    "without the search index": VARIANTS["without the search index"],
    "without the figures' query indexes": VARIANTS["without the figures' query indexes"],
}


def grow(path: Path, items: list[dict[str, Any]], n: int, variant: str, batch: int) -> dict[str, Any]:
    """Store n articles into one database, `items` again and again under new ids: the CPU ms an
    article in each fifth, the MB written by this process, the database's MB."""
    db = open_database(path)
    fifths: list[float] = []
    written = resource.getrusage(resource.RUSAGE_SELF).ru_oublock
    try:
        GROWTH_VARIANTS[variant](db)
        cpu, counted = time.process_time(), 0
        for start in range(0, n, batch):
            done = min(n, start + batch)
            rows = []
            for i in range(start, done):
                item = dict(items[i % len(items)])
                item["id"], item["url"] = str(900_000 + i), f"https://baothanhhoa.vn/bench-{900_000 + i}.htm"
                rows.append(item)
            save_articles(db, rows)
            if done * 5 // n > len(fifths):  # another fifth of the run is done
                now = time.process_time()
                fifths.append((now - cpu) * 1000 / (done - counted))
                cpu, counted = now, done
    finally:
        db.close()  # the log's last copy into the database is part of the writes
    written = resource.getrusage(resource.RUSAGE_SELF).ru_oublock - written
    return {"fifths": fifths, "written_mb": written * 512 / 2**20, "size_mb": os.path.getsize(path) / 2**20}


def store(path: Path, items: list[dict[str, Any]], variant: str, batch: int) -> tuple[float, float]:
    """CPU and wall-clock milliseconds an article to store `items` into a fresh database at `path`."""
    db = open_database(path)
    try:
        VARIANTS[variant](db)
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(0, len(items), batch):
            save_articles(db, [dict(item) for item in items[i : i + batch]])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        db.close()
    return cpu * 1000 / len(items), wall * 1000 / len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="articles stored by each variant (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all the variants, in turns (default 3)")
    parser.add_argument(
        "--grow",
        type=int,
        metavar="N",
        help="store N articles into one growing database a variant (the -n generated ones, repeated)",
    )
    parser.add_argument("--batch", type=int, default=DEFAULTS["SQLITE_BATCH_SIZE"],
                        help="articles a transaction (default: SQLITE_BATCH_SIZE's default)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1 or args.batch < 1:
        parser.error("-n, --rounds and --batch must be at least 1")
    if args.grow is not None and args.grow < 5 * args.batch:
        parser.error("--grow must be at least five batches (5 × --batch): its CPU is reported by fifths")
    items = articles(args.n)
    if args.grow:
        print(
            f"{args.grow} articles into one database a variant ({args.n} generated ones, repeated), batches of "
            f"{args.batch}; CPU ms an article in each fifth of the run:"
        )
        with tempfile.TemporaryDirectory(prefix="bench-store-") as work:
            for k, name in enumerate(GROWTH_VARIANTS):
                r = grow(Path(work) / f"grow-{k}.db", items, args.grow, name, args.batch)
                fifths = " ".join(f"{v:6.3f}" for v in r["fifths"])
                print(f"{name:36} {fifths}   written {r['written_mb']:7.0f} MB, database {r['size_mb']:4.0f} MB")
        return 0
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="bench-store-") as work:
        for r in range(args.rounds):
            for k, name in enumerate(VARIANTS):
                runs[name].append(store(Path(work) / f"{r}-{k}.db", items, name, args.batch))
    figures = sum(len(item["figures"]) for item in items) / len(items)
    print(f"{args.n} articles ({figures:.1f} figures an article), batches of {args.batch}; medians of "
          f"{args.rounds} rounds, ms an article:")  # fmt: skip
    print(f"{'':38}{'CPU':>8}{'wall':>8}")
    for name, values in runs.items():
        cpu, wall = (statistics.median(v) for v in zip(*values, strict=True))
        print(f"{name:38}{cpu:>8.3f}{wall:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
