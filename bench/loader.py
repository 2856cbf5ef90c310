"""Time the loader on pages of several sizes, with `Page.select`'s class index and with XPath alone:

    .venv/bin/python -m bench.loader            # medians of 5 rounds, the two ways in turns

The pages: the benchmark's generated article pages (bench/sitegen.py); the sample site's article
pages (demo/site/); one sample page with 250 related-story teasers added before `</body>` (about
1,600 elements and 60 KB, the size of a live news page with its menus and teasers: the reconstructed
pages are smaller than the live ones); that page with its layout's classes renamed, as a redesign
would, so that the generic stages read it; and the renamed page with 250 teasers of one link each,
the case that made the generic stages quadratic before commit 997f53b. XPath alone is how
`Page.select` worked before the class index: a test of every element's class attribute per selector.
To time an older commit's loader with these pages (eef4f21: the class index, the quadratic generic
stages), run this file in an export of it:

    rm -rf /tmp/old && mkdir /tmp/old && git archive eef4f21 | tar -x -C /tmp/old
    cp bench/loader.py /tmp/old/bench/ && cd /tmp/old && PYTHONPATH=. /work/main/.venv/bin/python -m bench.loader

For an instruction count of the loader (the difference of the two "Collected" totals, divided by
200, is the instructions a page; generating the site and loading the first page cancel out), as
the workers load a page (`crawler.page.load_page`), after one run of `--count 0` that writes any
stale `.pyc` file (else the first count pays for compiling an edited module):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python -m bench.loader --count 200
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python -m bench.loader --count 0
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from scrapy.http import HtmlResponse

from bench.sitegen import generate
from crawler import loaders
from crawler.loaders import load_article
from crawler.page import load_page
from crawler.sites.baothanhhoa import SITE
from demo.server import SAMPLE_SITE

TEASER = (
    '<div class="story"><a class="story__thumb" href="/tin-{i}.htm"><img src="/anh-{i}.jpg"></a>'
    '<h3 class="story__title"><a href="/tin-{i}.htm">Tin liên quan {i}</a></h3>'
    '<p class="story__sapo">Tóm tắt của tin liên quan số {i}.</p></div>'
)
ONE_LINK_TEASER = '<div class="tin"><a href="/tin-lien-quan-{id}.htm">Tin liên quan {i}</a><p>Tóm tắt {i}.</p></div>'


def xpath_only(page: loaders.Page, css: str) -> list:
    if not css:
        return []
    try:
        return loaders._xpath(css)(page.root)
    except etree.XPathError:
        return []


def page_sets(work: Path, teasers: int, articles: int = 300) -> dict[str, list[tuple[str, bytes]]]:
    generate(work / "site", articles)
    samples = sorted(p for p in SAMPLE_SITE.glob("*.htm") if SITE.article_id(f"https://baothanhhoa.vn/{p.name}"))
    sample = samples[0].read_bytes()

    def with_teasers(teaser: str) -> bytes:
        added = "".join(teaser.format(i=i, id=700000 + i) for i in range(teasers))
        return sample.replace(b"</body>", f'<div class="related">{added}</div></body>'.encode())

    def redesigned(page: bytes) -> bytes:  # the layout's classes renamed: no layout of the site matches
        return page.replace(b"article__", b"post__")

    return {
        "generated pages (bench)": [
            (p.name, p.read_bytes())
            for p in sorted((work / "site").glob("*.htm"))
            if SITE.article_id(f"https://x/{p.name}")
        ],
        "sample site pages": [(p.name, p.read_bytes()) for p in samples],
        f"sample page + {teasers} teasers": [(samples[0].name, with_teasers(TEASER))],
        "  the same, layout unknown": [(samples[0].name, redesigned(with_teasers(TEASER)))],
        f"  {teasers} one-link teasers, unknown": [(samples[0].name, redesigned(with_teasers(ONE_LINK_TEASER)))],
    }


def ms_per_page(pages: list[tuple[str, bytes]], select: Callable, repeat: int) -> float:
    loaders.Page.select = select
    start = time.perf_counter()
    for _ in range(repeat):
        for name, body in pages:
            url = f"https://baothanhhoa.vn/{name}"
            load_article(HtmlResponse(url=url, body=body), url, SITE)
    return (time.perf_counter() - start) * 1000 / (repeat * len(pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loader", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of both ways, in turns (default 5)")
    parser.add_argument("--teasers", type=int, default=250, help="teasers added to the large page (default 250)")
    parser.add_argument("--articles", type=int, default=300, help="generated article pages (default 300)")
    parser.add_argument("--count", type=int, metavar="N",
                        help="load the first N+1 generated pages once and exit (for callgrind)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.teasers < 0 or args.articles < 1:
        parser.error("--rounds and --articles must be at least 1, --teasers at least 0")
    if args.count is not None:
        if not 0 <= args.count < args.articles:
            parser.error("--count must be at least 0 and less than --articles")
        with tempfile.TemporaryDirectory(prefix="bench-loader-") as tmp:
            generate(Path(tmp) / "site", args.articles)
            pages = sorted(p for p in (Path(tmp) / "site").glob("*.htm") if SITE.article_id(f"https://x/{p.name}"))
            for page in pages[: args.count + 1]:  # the first warms the caches, in both runs
                url = f"https://baothanhhoa.vn/{page.name}"
                load_page(SITE.name, page.read_bytes(), url, None)  # as the workers load a page
        return 0
    indexed = loaders.Page.select
    with tempfile.TemporaryDirectory(prefix="bench-loader-") as tmp:
        sets = page_sets(Path(tmp), args.teasers, args.articles)
    print(f"{'pages':34}{'n':>5}{'elements':>10}{'KB':>6}{'index ms':>10}{'XPath ms':>10}{'ratio':>7}")
    try:
        for label, pages in sets.items():
            warm = max(ms_per_page(pages, indexed, 1), ms_per_page(pages, xpath_only, 1))  # caches of both
            repeat = max(1, min(300 // len(pages), int(500 / (warm * len(pages)))))  # about half a second a way
            runs: dict[str, list[float]] = {"index": [], "xpath": []}
            for _ in range(args.rounds):
                runs["index"].append(ms_per_page(pages, indexed, repeat))
                runs["xpath"].append(ms_per_page(pages, xpath_only, repeat))
            index, xpath = (statistics.median(runs[k]) for k in ("index", "xpath"))
            roots = [HtmlResponse(url="https://x/", body=body).selector.root for _, body in pages]
            elements = sum(sum(1 for _ in r.iter(etree.Element)) for r in roots) / len(roots)
            kb = sum(len(body) for _, body in pages) / len(pages) / 1024
            print(
                f"{label:34}{len(pages):>5}{elements:>10.0f}{kb:>6.1f}{index:>10.2f}{xpath:>10.2f}{index / xpath:>7.2f}"
            )
    finally:
        loaders.Page.select = indexed
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
