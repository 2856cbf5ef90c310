"""Whether two source trees read the same figures from the same texts: a change made for speed must
not change one figure.

    .venv/bin/python -m bench.same HEAD .           # the last commit against the working tree
    .venv/bin/python -m bench.same 1475f9f HEAD     # any two revisions, or folders

The corpus is made once, from this working tree, and read by both: the bodies of the gold sets
(evaluation/gold/), every string of the tests and evaluations that holds a digit, and N generated
articles (bench/sitegen.py). Each tree reads each text with its own `crawler.figures.extract_rows`
and `crawler.places.place_figures` (so a revision must have both), and every figure, document,
bound reached and place is compared. Exits 1 when a text reads differently, and shows the first ones.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.ab import source_tree, tree_env
from bench.sitegen import make_article
from demo.server import PROJECT_ROOT

# Run in each tree, with the tree first on the path: reads the corpus, writes one line a text.
READER = """
import json, sys
from crawler.figures import extract_rows
from crawler.places import place_figures
corpus, out = sys.argv[1], sys.argv[2]
with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
    for line in f:
        text = json.loads(line)
        try:
            figures, documents, limits = extract_rows(text["body"], text["published"])
            places = place_figures(figures, published=text["published"], title=text["title"])
            read = [figures, documents, limits, places]
        except Exception as exc:  # a text one tree cannot read is a difference, not a stop
            read = f"{type(exc).__name__}: {exc}"
        w.write(json.dumps(read, ensure_ascii=False, sort_keys=True, default=str) + "\\n")
"""


def corpus(n: int) -> list[dict]:
    """The texts both trees read, in a fixed order."""
    texts = []
    for path in sorted((PROJECT_ROOT / "evaluation" / "gold").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                published = (record.get("published") or "")[:10] or None
                texts.append({"body": record.get("body") or "", "published": published, "title": record.get("title")})
    for path in sorted([*(PROJECT_ROOT / "tests").glob("*.py"), *(PROJECT_ROOT / "evaluation").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and len(value) > 15 and any(c.isdigit() for c in value):
                texts.append({"body": value, "published": None, "title": None})
    rng = random.Random(7)
    for i in range(n):
        article = make_article(i, rng)
        texts.append({"body": "\n\n".join(article.paragraphs), "published": article.published[:10],
                      "title": article.title})  # fmt: skip
    return texts


def read_in(tree: Path, corpus_path: Path, out: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", READER, str(corpus_path), str(out)], cwd=tree, env=tree_env(tree),
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench.same: reading in {tree} failed:\n{done.stderr[-2000:]}")
    return out.read_text(encoding="utf-8").splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.same", description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="a git revision, a folder, or . (the working tree)")
    parser.add_argument("b", help="the same, for the other reader")
    parser.add_argument("-n", type=int, default=1500, help="generated articles in the corpus (default 1500)")
    parser.add_argument("--show", type=int, default=3, help="differences shown (default 3)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("-n must be 0 or more")
    with tempfile.TemporaryDirectory(prefix="bench-same-") as tmp:
        work = Path(tmp)
        texts = corpus(args.n)
        corpus_path = work / "corpus.jsonl"
        corpus_path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
        a = read_in(source_tree(args.a, work), corpus_path, work / "a.jsonl")
        b = read_in(source_tree(args.b, work), corpus_path, work / "b.jsonl")
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    figures = sum(len(json.loads(line)[0]) for line in a if line.startswith("["))
    print(f"{len(texts)} texts, {figures} figures read by {args.a}: {len(texts) - len(differ)} read the same")
    for i in differ[: args.show]:
        print(f"\ntext {i}: {texts[i]['body'][:200]!r}\n  {args.a}: {a[i][:600]}\n  {args.b}: {b[i][:600]}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
