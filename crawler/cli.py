"""`baothanhhoa`: one command for the tools around a crawl database, as sqlite-utils has one.

    baothanhhoa figures [FILE ...]        the figures of plain text (or --documents, --metrics)
    baothanhhoa reextract --db DB         re-read stored articles with the current rules
    baothanhhoa migrate DB                upgrade a database made by an older version (--status)
    baothanhhoa backup DB COPY            copy a database whole, also while a crawl writes it
    baothanhhoa browse [DB]               Datasette over a database, read-only
    baothanhhoa score GOLD ...            score the figure reader (a checkout's evaluation/ only)

The crawl itself is `scrapy crawl baothanhhoa` (crawler/commands/crawl.py). Each subcommand is also
`python -m crawler.<name>` and takes the same options; `baothanhhoa SUBCOMMAND --help` lists them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

# subcommand → (module with a `main(argv) -> int`, one line of help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "figures": ("crawler.figures.__main__", "print the figures (or documents, or metrics) of plain text"),
    "reextract": ("crawler.reextract", "re-read the stored articles with the current rules"),
    "migrate": ("crawler.migrate", "upgrade a database made by an older version"),
    "backup": ("crawler.backup", "copy a database whole and checked, also while a crawl writes it"),
    "browse": ("crawler.browse", "Datasette over a crawl database, read-only"),
    "score": ("evaluation.score", "score the figure reader against gold sets (needs a checkout)"),
}


def usage() -> str:
    width = max(map(len, SUBCOMMANDS))
    lines = ["usage: baothanhhoa SUBCOMMAND [options]", "", "subcommands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, help_) in SUBCOMMANDS.items()]
    lines += ["", "The crawl itself: scrapy crawl baothanhhoa (see the README)."]
    return "\n".join(lines)


def _entry(name: str) -> Callable[[list[str]], int] | None:
    module_name = SUBCOMMANDS[name][0]
    top = module_name.split(".")[0]
    if top != "crawler" and (Path.cwd() / top).is_dir() and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # a tool of the checkout (evaluation/), run from its root
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return module.main


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"baothanhhoa: unknown subcommand {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    entry = _entry(name)
    if entry is None:
        print(f"baothanhhoa {name}: not installed; run it from the root of a checkout of the project", file=sys.stderr)
        return 2
    return entry(rest)


if __name__ == "__main__":
    raise SystemExit(main())
