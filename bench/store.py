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
"""

from __future__ import annotations

import argparse
import random
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
    parser.add_argument("--batch", type=int, default=DEFAULTS["SQLITE_BATCH_SIZE"],
                        help="articles a transaction (default: SQLITE_BATCH_SIZE's default)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1 or args.batch < 1:
        parser.error("-n, --rounds and --batch must be at least 1")
    items = articles(args.n)
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
