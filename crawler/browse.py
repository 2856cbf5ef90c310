"""Browse a crawl database in Datasette, on 127.0.0.1, with the project's metadata and chart page.

The metadata (crawler/datasette/metadata.json, installed with the package) is written for any
database file: its `__DB__` entry is given the name Datasette derives from the file name (in a
temporary file, removed when Datasette stops).
Browsing writes nothing: a database made by an older version is refused with the command that
upgrades it. A user who cannot write the database sees it as it is read by SQLite's `mode=ro`, a
running crawl's commits included (see `crawler.storage.reader_uri`).
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler import outcome
from crawler.storage import StorageError, open_readonly, reader_uri

DATASETTE = Path(__file__).resolve().parent / "datasette"
METADATA = DATASETTE / "metadata.json"
TEMPLATES = DATASETTE / "templates"


def metadata_for(db_path: str | Path) -> dict:
    """The project's Datasette metadata, keyed by this database's name."""
    metadata = json.loads(METADATA.read_text("utf-8"))
    metadata["databases"] = {Path(db_path).stem: metadata["databases"]["__DB__"]}
    return metadata


def datasette_command(
    db_path: str | Path, metadata_path: str | Path, *, host: str, port: int, immutable: bool = False
) -> list[str]:
    database = ["--immutable", str(db_path)] if immutable else [str(db_path)]
    return [sys.executable, "-m", "datasette", "serve", *database, "--metadata", str(metadata_path),
            "--template-dir", str(TEMPLATES), "--host", host, "--port", str(port),
            "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000"]  # fmt: skip


def listen_problem(host: str, port: int) -> str | None:
    """Why Datasette could not listen on host:port, or None. Tried before Datasette starts: for a
    port in use it logged the error and exited 3, the crawler's status for an unusable database.
    Bound as uvicorn binds (SO_REUSEADDR), so a port another server has just left is free here too."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        return f"--host {host}: this machine cannot resolve it ({exc})"
    family, kind, proto, _, address = addresses[0]  # uvicorn listens on the first one
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use (another browse? pick one with --port)"
            if exc.errno == errno.EACCES:
                return f"port {port} on {host} needs privileges this user lacks (use a port above 1023)"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"--host {host}: not an address of this machine"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.browse", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", default="data/demo.db", help="database to browse (default data/demo.db)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    args = parser.parse_args(argv)
    if not args.host.strip():  # Datasette would listen on every address
        parser.error("--host must name an address (127.0.0.1 by default; an empty one listens on all of them)")
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be from 1 to 65535, not {args.port}")
    db_path = Path(args.db)
    if not db_path.is_file():
        print(f"error: {db_path}: no such database (run `make demo` first, or name one)", file=sys.stderr)
        return outcome.DATABASE_UNUSABLE
    try:
        open_readonly(db_path).close()  # browsing changes nothing: an older database must be upgraded first
        # Datasette opens a database `mode=ro` (it sees a running crawl's log too), or immutable
        # where only that can open it: a database left in WAL mode with no log, in a folder this
        # user cannot write.
        immutable = reader_uri(db_path).endswith("immutable=1")
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.DATABASE_UNUSABLE
    if (problem := listen_problem(args.host, args.port)) is not None:
        print(f"error: {problem}", file=sys.stderr)
        return outcome.BAD_ARGUMENTS
    if immutable:
        print(
            f"note: {db_path} is opened as a file that never changes (this user cannot write its folder,"
            " and it was left in WAL mode): restart browse after the next crawl to see it",
            file=sys.stderr,
        )
    print(f"Datasette on http://{args.host}:{args.port}/ (chart: http://{args.host}:{args.port}/chart)", flush=True)
    with tempfile.TemporaryDirectory(prefix="baothanhhoa-browse-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), encoding="utf-8")
        command = datasette_command(db_path, metadata, host=args.host, port=args.port, immutable=immutable)
        child = subprocess.Popen(command)
        # A SIGTERM (systemd, a terminal closed) ends Datasette too, and the metadata is removed.
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:  # Ctrl-C reaches Datasette too: let it finish
            return child.wait()


if __name__ == "__main__":
    raise SystemExit(main())
