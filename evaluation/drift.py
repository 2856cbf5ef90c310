"""How well the loader reads pages in a markup it was never shown (`python -m evaluation.drift`).

Every article of the development gold set is rendered in each drifted markup of `demo.drift`, read by
the loader with the site's module (whose selectors find nothing there), and compared with the gold
values: body token F1, and whether text of the page's furniture (the reader's comment, the teasers'
sapos, menus, footers) got into the body; date, author, section, title and lead exactly. With
`--compare`, trafilatura's body and htmldate's date on the same pages, where they are installed
(`pip install trafilatura`), to see which stage wins.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import HtmlResponse

import demo.drift
from crawler.loaders import load_article
from crawler.sites.baothanhhoa import SITE
from demo.drift import articles

FIELDS = ("title", "lead", "published_at", "author", "section")
_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str | None) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN_RE.findall(text or ""))


def token_f1(found: str | None, expected: str | None) -> float:
    a, b = tokens(found), tokens(expected)
    common = sum((a & b).values())
    if not a and not b:
        return 1.0
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def furniture_in(body: str | None, article: dict, others: list[dict], markups: Any = demo.drift) -> list[str]:
    """The page furniture found in a body: comments, teasers' sapos, footer, menus."""
    body = body or ""
    found = [text for _, text in markups.COMMENTS if text in body]
    found += [o["lead"] for o in others if o["id"] != article["id"] and o["lead"] in body]
    found += [marker for marker in ("Cơ quan chủ quản", "Lê Hoàn", "Trang chủ", "Chia sẻ", "Ý kiến bạn đọc",
                                    "Bình luận", "Tin cùng chuyên mục", "Các tin khác", "Đọc thêm", "Từ khóa")
              if marker in body]  # fmt: skip
    return found


@dataclass
class DriftScore:
    pages: int = 0
    body_f1: list[float] = field(default_factory=list)
    with_furniture: int = 0
    right: Counter[str] = field(default_factory=Counter)
    stages: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        n = self.pages or 1
        return {
            "pages": self.pages,
            "body_token_f1": round(sum(self.body_f1) / n, 4),
            "bodies_with_furniture": self.with_furniture,
            **{f"{name}_right": self.right[name] for name in FIELDS},
            "stages": {f"{f}/{s}": c for (f, s), c in sorted(self.stages.items())},
        }


def expected_of(article: dict) -> dict:
    return {
        "title": article["title"],
        "lead": article["lead"],
        "published_at": article["published"],
        "author": article["author"],
        "section": article["section"],
        "body": article["body"],
    }


def score_loader(markups: Any = demo.drift) -> DriftScore:
    """The loader on every article in every markup of `markups` (a module with STYLES, render, path_of)."""
    score = DriftScore()
    items = articles()
    for style in markups.STYLES:
        for article in items:
            url = "http://127.0.0.1" + markups.path_of(article)
            page = markups.render(article, style, items).encode("utf-8")
            result = load_article(HtmlResponse(url=url, body=page, encoding="utf-8"), url, SITE)
            item, expected = result.item, expected_of(article)
            score.pages += 1
            score.body_f1.append(token_f1(item.get("body"), expected["body"]))
            leaked = furniture_in(item.get("body"), article, items, markups)
            score.with_furniture += bool(leaked)
            for name in FIELDS:
                if item.get(name) == expected[name]:
                    score.right[name] += 1
                else:
                    score.misses.append(f"{style} {article['id']} {name}: {item.get(name)!r} != {expected[name]!r}")
            if leaked:
                score.misses.append(f"{style} {article['id']} body holds {leaked}")
            stages = dict(result.fallbacks)
            for name in ("body", *FIELDS):
                score.stages[(name, stages.get(name, "site"))] += 1
    return score


def score_libraries(markups: Any = demo.drift) -> dict:
    """trafilatura's body and htmldate's date on the same pages, where they are installed."""
    out: dict = {}
    items = articles()
    styles, render = markups.STYLES, markups.render
    try:
        import trafilatura
    except ImportError:
        out["trafilatura"] = "not installed"
    else:
        f1s, leaks = [], 0
        for style in styles:
            for article in items:
                body = trafilatura.extract(render(article, style, items), favor_precision=True) or ""
                body = "\n\n".join(line for line in body.splitlines() if line.strip())
                f1s.append(token_f1(body, article["body"]))
                leaks += bool(furniture_in(body, article, items, markups))
        out["trafilatura"] = {"body_token_f1": round(sum(f1s) / len(f1s), 4), "bodies_with_furniture": leaks}
    try:
        from htmldate import find_date
    except ImportError:
        out["htmldate"] = "not installed"
    else:
        right = 0
        for style in styles:
            for article in items:
                found = find_date(render(article, style, items), extensive_search=True, original_date=True)
                right += found == article["published"][:10]
        out["htmldate"] = {"dates_right (day only)": right, "pages": len(styles) * len(items)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.drift", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong field")
    parser.add_argument("--compare", action="store_true", help="also score trafilatura and htmldate")
    parser.add_argument(
        "--blind", action="store_true", help="the markups written without seeing the loader (evaluation/drift_blind.py)"
    )
    args = parser.parse_args(argv)
    markups = importlib.import_module("evaluation.drift_blind") if args.blind else demo.drift
    score = score_loader(markups)
    print(json.dumps(score.summary(), ensure_ascii=False))
    if args.verbose:
        for miss in score.misses:
            print("  " + miss, file=sys.stderr)
    if args.compare:
        print(json.dumps(score_libraries(markups), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
