"""How well organizations are tied to places (`python -m evaluation.places evaluation/places_blind.jsonl`).

Each line of the set is an article: its date, its title, and its organizations in the order it names
them, each with the place it means (a `places` id) or none and why. The resolver reads them as the
crawl does (crawler/places/resolve_figures: earlier places are context for later ones) and is scored:
of the organizations that are a locality, how many get the right place (recall), how many a wrong
one; of those that are none, how many wrongly get one, and whether the reason agrees.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crawler.places import gazetteer, resolve_figures


def score(path: Path) -> tuple[dict, list[str]]:
    g = gazetteer()
    counts = {"organizations": 0, "localities": 0, "right": 0, "wrong": 0, "missed": 0, "none_expected": 0,
              "none_given_a_place": 0, "reason_agrees": 0}  # fmt: skip
    misses: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        article = json.loads(line)
        organizations = article["organizations"]
        resolutions, _ = resolve_figures(
            [{"organization": o["organization"]} for o in organizations],
            published=article["published"],
            title=article.get("title"),
        )
        for o, r in zip(organizations, resolutions, strict=True):
            counts["organizations"] += 1
            name = g.places[r.place_id].full_name if r.place_id else r.reason
            if o["expected"]:
                counts["localities"] += 1
                if r.place_id == o["expected"]:
                    counts["right"] += 1
                    continue
                counts["wrong" if r.place_id else "missed"] += 1
                misses.append(f"{article['id']} {o['organization']!r}: {name} != {g.places[o['expected']].full_name}")
            else:
                counts["none_expected"] += 1
                if r.place_id:
                    counts["none_given_a_place"] += 1
                    misses.append(f"{article['id']} {o['organization']!r}: {name} != none ({o['why']})")
                elif r.reason == o["why"]:
                    counts["reason_agrees"] += 1
                else:
                    misses.append(f"{article['id']} {o['organization']!r}: reason {r.reason!r} != {o['why']!r}")
    localities = counts["localities"] or 1
    counts["recall"] = round(counts["right"] / localities, 4)
    assigned = counts["right"] + counts["wrong"] + counts["none_given_a_place"]
    counts["precision"] = round(counts["right"] / assigned, 4) if assigned else 1.0
    return counts, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.places", description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    for path in args.sets:
        counts, misses = score(path)
        print(json.dumps({"set": str(path), **counts}, ensure_ascii=False))
        if args.verbose:
            for miss in misses:
                print("  " + miss, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
