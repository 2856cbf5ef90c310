"""Read the figures of N generated articles in this process, for an instruction count of the reader:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python -m bench.reader -n 100
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python -m bench.reader -n 0

The difference of the two "Collected" totals, divided by 100, is the instructions an article
(start-up, making the articles and reading the first one, which warms the caches, cancel out).
Run `python -m bench.reader -n 0` once first after an edit: the first run writes the edited
modules' `.pyc` files, millions of instructions that would count as the articles'.
Wall-clock timings on a shared machine vary by ±15%; instruction counts by well under 1%, so they
tell a small change of the reader.
"""

from __future__ import annotations

import argparse
import random

from bench.sitegen import make_article
from crawler.figures import extract_rows
from crawler.places import place_figures

MAX = 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reader", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100, help=f"articles read after the first (0-{MAX}, default 100)")
    args = parser.parse_args(argv)
    if not 0 <= args.n <= MAX:
        parser.error(f"-n must be between 0 and {MAX}")
    rng = random.Random(1)
    articles = [make_article(i, rng) for i in range(MAX + 1)]  # the same work in every run
    for article in articles[: args.n + 1]:  # the first one warms the caches, in both runs
        published = article.published[:10]
        figures, _, _ = extract_rows("\n\n".join(article.paragraphs), published)
        place_figures(figures, published=published, title=article.title)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
