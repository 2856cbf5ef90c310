"""What each part of the per-page path costs the whole crawler: the same generated site crawled with
the full crawler and with one part switched off, in turns (all, then each variant, round after round):

    .venv/bin/python -m bench.parts -n 5000 --rounds 3

A stage timed alone (`make bench`'s per-article milliseconds) says what it costs in its process; this
says what the crawl gains without it, the hand-off, the pickling and the sharing of two cores included.
The variants are the crawler's own switches, so each crawl is a real one; the figures that are not
read are simply not stored. Medians of the rounds, and each variant against the full crawler.
"""

from __future__ import annotations

import argparse
import json
import statistics

from bench.__main__ import STORE_PIPELINE as STORE
from bench.__main__ import setting_pairs
from bench.ab import MEASURES, crawl_in_turns, paired_ratio, ratio, work_folder
from crawler.settings import ITEM_PIPELINES
from demo.server import PROJECT_ROOT

_WITHOUT_STORE = {name: order for name, order in ITEM_PIPELINES.items() if name != STORE}
VARIANTS: dict[str, dict[str, str]] = {  # a name, and the settings that switch its part off
    "full crawler": {},
    # Without the store, the health check counts no article found: it is told to expect none.
    "no SQLite": {"ITEM_PIPELINES": json.dumps(_WITHOUT_STORE), "HEALTH_MIN_ARTICLES": "0"},
    "no item pipelines": {"ITEM_PIPELINES": "{}", "HEALTH_MIN_ARTICLES": "0"},
    "no figures": {"FIGURES_ENABLED": "false"},
    "Python's own GC": {"GC_THRESHOLD": "0"},  # the collector as Python sets it (crawler/collector.py)
}


def variant(text: str) -> tuple[str, dict[str, str]]:
    """`label:NAME=VALUE,NAME=VALUE` → (label, settings)."""
    label, sep, pairs = text.partition(":")
    try:
        settings = setting_pairs(pairs.split(","))
    except ValueError:
        settings = {}
    if not sep or not label or not settings:
        raise argparse.ArgumentTypeError(f"not LABEL:NAME=VALUE[,NAME=VALUE]: {text!r}")
    return label, settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parts", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles in the generated site (default 5000)")
    parser.add_argument("--rounds", type=int, default=3, help="crawls of each variant, in turns (default 3)")
    parser.add_argument("--workers", default="auto", help="WORKER_PROCESSES (default auto)")
    parser.add_argument("--variant", type=variant, action="append", metavar="LABEL:NAME=VALUE[,NAME=VALUE]",
                        help="the full crawler against these settings instead of the standard variants (repeatable), "
                             "e.g. --variant gc-20k:GC_THRESHOLD=20000")  # fmt: skip
    args = parser.parse_args(argv)
    if args.n < 1 or args.rounds < 1:
        parser.error("-n and --rounds must be at least 1")
    labels = [label for label, _ in args.variant or ()]
    if "full crawler" in labels or len(set(labels)) != len(labels):
        parser.error("each --variant needs a label of its own, other than 'full crawler'")
    variants = {"full crawler": {}, **dict(args.variant)} if args.variant else VARIANTS
    contenders = {name: (PROJECT_ROOT, settings) for name, settings in variants.items()}  # the full crawler first
    with work_folder("bench-parts-") as work:
        runs = crawl_in_turns(contenders, work, n=args.n, rounds=args.rounds, workers=args.workers)
    medians = {name: {m: statistics.median(r[m] for r in rows) for m in MEASURES} for name, rows in runs.items()}
    full = medians["full crawler"]
    print(f"medians of {args.rounds} rounds, N={args.n}; in brackets, against the full crawler: the medians' ratio,"
          " then the median of the rounds' own ratios")  # fmt: skip
    for name, row in medians.items():
        print(f"{name:<24}" + "".join(
            f"{row[m]:>9.2f} ({ratio(row[m], full[m]):4.2f}, {paired_ratio(runs['full crawler'], runs[name], m):4.2f})"
            for m in MEASURES))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
