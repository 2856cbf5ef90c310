"""Upgrade a crawl database to this version's schema, in place (or say where it stands).

Crawls and `crawler.reextract` upgrade the database they open by themselves; this command is for a
database that is only browsed, or to upgrade before a scheduled run. The steps run in one write
transaction: an upgrade that fails leaves the database as it was.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from crawler import outcome
from crawler.migrations import NAMES
from crawler.storage import StorageError, applied_migrations, check_version, migrate, open_readonly, storage_error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="the database to upgrade")
    parser.add_argument("--status", action="store_true", help="print the applied and pending steps, change nothing")
    args = parser.parse_args(argv)
    try:
        if args.status:
            conn = open_readonly(args.db, check=False)
            try:
                applied = applied_migrations(conn) or []
                pending = check_version(conn, args.db, reading=False)
            except sqlite3.Error as exc:  # a migrations table that is not ours
                raise storage_error(exc, args.db, "read the schema's steps") from exc
            finally:
                conn.close()
            print(f"{args.db}: {len(applied)} of {len(NAMES)} steps applied; pending: {', '.join(pending) or 'none'}")
            return 0
        applied = migrate(args.db)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.DATABASE_UNUSABLE
    print(f"{args.db}: " + (f"applied {', '.join(applied)}" if applied else "already current"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
