"""Score the figure and document extractor against a gold file (shared/spec/figures.md, "Scoring").

A found figure matches an expected one when metric, unit and value are equal, each expected figure
matching at most one found one; among matched pairs, year, of_total, value_max, qualifier, kind,
category and organization (the place name inside it, after NFC, case folding and modern tone
placement) are attribute accuracy (spec version 2).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.figures import extract_documents, extract_figures, match_form

ATTRIBUTES = ("year", "of_total", "value_max", "qualifier", "kind", "category", "organization")
# What stands before a place's own name: an organ, a party body or committee, a level word.
_ORG_PREFIX_RE = re.compile(
    r"^(?:(?:ban thường vụ|ủy ban kiểm tra|ubkt|ban tổ chức)\s+)?"
    r"(?:(?:đảng bộ|chi bộ|đảng ủy|huyện ủy|thành ủy|thị ủy|tỉnh ủy|quận ủy)\s*)?"
    r"(?:(?:huyện|xã|phường|thị trấn|thành phố|tp\.?|thị xã|tx\.?|tỉnh|quận|khu phố|thôn|bản|tổ dân phố|làng|xóm"
    r"|khối)(?:\s+|$))?"
)


def place_name(org: str | None) -> str | None:
    """`Đảng bộ huyện Thường Xuân`, `Huyện ủy Thường Xuân`, `huyện Thường Xuân` → `thường xuân`;
    a name with nothing after its level words (`Đảng bộ tỉnh`, `toàn tỉnh`) stays whole; None stays None."""
    if not org:
        return None
    folded = " ".join(match_form(unicodedata.normalize("NFC", org)).casefold().split())
    return _ORG_PREFIX_RE.sub("", folded).strip() or folded


def _attr(figure: dict, name: str):
    value = figure.get(name)
    if name == "value_max" and value is not None:
        return float(value)
    if name == "organization":
        return place_name(value)
    if name == "of_total" and value is not None:
        return float(value)
    if name == "category" and value:
        return unicodedata.normalize("NFC", value).casefold()
    return value


def _key(figure: dict) -> tuple:
    return figure["metric"], figure["unit"], float(figure["value"])


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    attributes_right: int = 0
    attributes_total: int = 0
    docs_expected: int = 0
    docs_found: int = 0
    docs_matched: int = 0
    # Texts with no figure at all (money, households, votes, classes ...): any figure found there is wrong.
    no_figure_texts: int = 0
    figures_in_no_figure_texts: int = 0
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    attribute_errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def attribute_accuracy(self) -> float:
        return self.attributes_right / self.attributes_total if self.attributes_total else 1.0

    @property
    def documents_f1(self) -> float:
        p = self.docs_matched / self.docs_found if self.docs_found else 1.0
        r = self.docs_matched / self.docs_expected if self.docs_expected else 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict:
        return {
            "expected": self.expected,
            "found": self.found,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "attribute_accuracy": round(self.attribute_accuracy, 4),
            "documents_expected": self.docs_expected,
            "documents_found": self.docs_found,
            "documents_matched": self.docs_matched,
            "documents_f1": round(self.documents_f1, 4),
            "no_figure_texts": self.no_figure_texts,
            "figures_in_no_figure_texts": self.figures_in_no_figure_texts,
        }


def score_article(score: Score, article_id: str, expected: list[dict], found: list[dict]) -> None:
    if not expected:
        score.no_figure_texts += 1
        score.figures_in_no_figure_texts += len(found)
    score.expected += len(expected)
    score.found += len(found)
    unmatched = list(range(len(found)))
    for exp in expected:
        candidates = [i for i in unmatched if _key(found[i]) == _key(exp)]
        if not candidates:
            score.misses.append({"article": article_id, **exp})
            continue
        # Among equal keys, pair with the found figure that agrees on the most attributes.
        best = max(candidates, key=lambda i: sum(_attr(found[i], a) == _attr(exp, a) for a in ATTRIBUTES))
        unmatched.remove(best)
        score.matched += 1
        for name in ATTRIBUTES:
            score.attributes_total += 1
            if _attr(found[best], name) == _attr(exp, name):
                score.attributes_right += 1
            else:
                score.attribute_errors.append(
                    {"article": article_id, "metric": exp["metric"], "value": exp["value"], "attribute": name,
                     "expected": exp.get(name), "found": found[best].get(name)}
                )  # fmt: skip
    score.extras.extend({"article": article_id, **found[i]} for i in unmatched)


def score_documents(score: Score, expected: list[dict], found: list[dict]) -> None:
    key = lambda d: (d["kind"], d["number"].upper(), d.get("date"))  # noqa: E731
    exp = [key(d) for d in expected]
    got = [key(d) for d in found]
    score.docs_expected += len(exp)
    score.docs_found += len(got)
    for k in exp:
        if k in got:
            got.remove(k)
            score.docs_matched += 1


def score_file(path: str | Path) -> Score:
    score = Score()
    for article in read_gold(path):
        found = [f.as_dict() for f in extract_figures(article["body"], article.get("published"))]
        score_article(score, str(article["id"]), article.get("figures", []), found)
        docs = [d.as_dict() for d in extract_documents(article["body"])]
        score_documents(score, article.get("documents", []), docs)
    return score


class GoldError(ValueError):
    """A gold file that is not one article a line in the spec's columns."""


def read_gold(path: str | Path) -> Iterable[dict]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                article = json.loads(line)
            except ValueError as exc:
                raise GoldError(f"{path}:{n}: not JSON: {exc}") from None
            if problem := _gold_problem(article):
                raise GoldError(f"{path}:{n}: {problem}")
            yield article


def _gold_problem(article: object) -> str | None:
    if not isinstance(article, dict):
        return "not a JSON object (one article a line)"
    if "id" not in article or not isinstance(article.get("body"), str):
        return "an article needs an id and a body (text)"
    if not isinstance(article.get("published", ""), str | None):
        return "its published date must be text"
    for name, keys in (("figures", {"metric": str, "unit": str, "value": int | float}),
                       ("documents", {"kind": str, "number": str})):  # fmt: skip
        rows = article.get(name, [])
        if not isinstance(rows, list):
            return f"its {name} must be a list"
        for i, row in enumerate(rows, 1):
            if not isinstance(row, dict) or any(not isinstance(row.get(key), kind) for key, kind in keys.items()):
                return f"its {name[:-1]} {i} needs " + ", ".join(
                    f"{k} ({t.__name__ if isinstance(t, type) else 'a number'})" for k, t in keys.items()
                )
    return None


def time_extraction(paths: Iterable[str | Path], repeat: int = 200) -> dict:
    """Microseconds per paragraph of figure plus document extraction over the gold files' bodies."""
    paragraphs = [
        p for path in paths for article in read_gold(path) for p in article["body"].split("\n\n") if p.strip()
    ]
    for p in paragraphs:  # warm the regex caches
        extract_figures(p)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            for p in paragraphs:
                extract_figures(p)
                extract_documents(p)
        timings.append((time.perf_counter() - start) / (repeat * len(paragraphs)))
    chars = sum(len(p) for p in paragraphs) / len(paragraphs)
    return {"paragraphs": len(paragraphs), "mean_chars": round(chars), "repeat": repeat,
            "us_per_paragraph_best": round(min(timings) * 1e6, 1),
            "us_per_paragraph_median": round(sorted(timings)[2] * 1e6, 1)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.score", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", help="gold JSONL files (one article a line, spec columns)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, extra figures and attribute errors")
    parser.add_argument("--timing", action="store_true", help="also time extraction per paragraph of these files")
    args = parser.parse_args(argv)
    for path in args.gold:
        try:
            score = score_file(path)
        except (OSError, UnicodeDecodeError, GoldError) as exc:  # a missing file, not UTF-8, not gold
            print(f"error: {path}: cannot score: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return 2
        print(json.dumps({"gold": str(path), **score.summary()}, ensure_ascii=False))
        if args.verbose:
            for label, rows in (("MISS", score.misses), ("EXTRA", score.extras), ("ATTR", score.attribute_errors)):
                for row in rows:
                    row = {k: v for k, v in row.items() if k not in ("sentence", "start", "end")}
                    print(label, json.dumps(row, ensure_ascii=False))
    if args.timing:
        print(json.dumps({"timing": time_extraction(args.gold)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
