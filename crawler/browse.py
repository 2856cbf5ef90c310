"""Browse a crawl database in Datasette, on 127.0.0.1, with the project's metadata and chart page.

The metadata (data/metadata.json) is written for any database file: its `__DB__` entry is given
the name Datasette derives from the file name. The database gains the project's views and search
index if an older version of the crawler made it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from crawler.sampleserver import PROJECT_ROOT
from crawler.storage import StorageError, open_database

METADATA = PROJECT_ROOT / "data" / "metadata.json"
TEMPLATES = PROJECT_ROOT / "data" / "templates"


def metadata_for(db_path: str | Path) -> dict:
    """The project's Datasette metadata, keyed by this database's name."""
    metadata = json.loads(METADATA.read_text("utf-8"))
    metadata["databases"] = {Path(db_path).stem: metadata["databases"]["__DB__"]}
    return metadata


def datasette_command(db_path: str | Path, metadata_path: str | Path, *, host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(metadata_path),
            "--template-dir", str(TEMPLATES), "--host", host, "--port", str(port),
            "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.browse", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", default="data/demo.db", help="database to browse (default data/demo.db)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    args = parser.parse_args(argv)
    db_path = Path(args.db)
    if not db_path.is_file():
        print(f"error: {db_path}: no such database (run `make demo` first, or name one)", file=sys.stderr)
        return 1
    try:
        open_database(db_path).close()  # the views and the search index, for a database made by an older version
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(metadata_for(db_path), f, ensure_ascii=False)
    print(f"Datasette on http://{args.host}:{args.port}/ (chart: http://{args.host}:{args.port}/chart)", flush=True)
    os.execv(sys.executable, datasette_command(db_path, f.name, host=args.host, port=args.port))
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
