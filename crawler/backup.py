"""Copy a crawl database to a new file, whole and consistent, also while a crawl writes it.

SQLite's online backup copies what the database holds at one moment, its log included, from a
read-only connection (`crawler.storage.open_readonly`, so a user who cannot write the database can
back it up too). The copy is written beside its destination under a temporary name, checked
(`PRAGMA integrity_check`), flushed to disk and only then given its name, which it never takes from
an existing file: an existing destination is refused, and a copy that fails (a full disk) leaves
nothing behind. The copy is one self-contained file (rollback journal, no log beside it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from crawler import outcome
from crawler.storage import StorageError, open_readonly, storage_error


class BackupError(StorageError):
    """The copy could not be written or did not check out; nothing was left at the destination."""


def backup(source: str | Path, destination: str | Path) -> dict:
    """Copy `source` to `destination`, which must not exist; returns what was copied. Raises
    StorageError for a source that cannot be read, BackupError for a copy that failed, and
    FileExistsError for a destination that exists."""
    source, destination = Path(source), Path(destination)
    if destination.exists() or destination.is_symlink():
        raise FileExistsError(f"{destination}: exists; a backup never replaces a file, name a new one")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    reader = open_readonly(source, check=False)  # an older database too: back it up before upgrading it
    try:
        try:
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                reader.backup(copy)  # one step: a snapshot of one moment, however busy the writer
                copy.execute("PRAGMA journal_mode = delete").fetchall()
                check = copy.execute("PRAGMA integrity_check").fetchone()[0]
                stored = copy.execute("select 1 from sqlite_master where name = 'articles'").fetchone()
                articles = copy.execute("select count(*) from articles").fetchone()[0] if stored else 0
            if check != "ok":
                raise BackupError(f"{destination}: the copy does not check out ({check}); nothing was kept")
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
            os.link(partial, destination)  # fails, and replaces nothing, if the name was taken meanwhile
        except (sqlite3.Error, OSError) as exc:
            if isinstance(exc, FileExistsError):
                raise FileExistsError(f"{destination}: exists; a backup never replaces a file, name a new one") from exc
            error = storage_error(exc, destination, "write the copy")
            raise BackupError(f"{error}; nothing was kept") from exc
        finally:
            for leftover in (partial, Path(f"{partial}-journal")):
                leftover.unlink(missing_ok=True)
    finally:
        reader.close()
    with contextlib.suppress(OSError):  # the copy is whole and named: a folder that cannot sync loses none of it
        _sync_folder(destination.parent)
    return {"articles": articles, "bytes": destination.stat().st_size}


def _sync_folder(folder: Path) -> None:
    """The new name itself is on disk, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="the database to copy")
    parser.add_argument("destination", help="the copy's file name (it must not exist)")
    args = parser.parse_args(argv)
    try:
        copied = backup(args.db, args.destination)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.BAD_ARGUMENTS
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.STORAGE_FAILED
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return outcome.DATABASE_UNUSABLE
    print(f"{args.db} copied to {args.destination}: {copied['articles']} articles, {copied['bytes'] / 1e6:.1f} MB,"
          " integrity ok")  # fmt: skip
    return outcome.OK


if __name__ == "__main__":
    raise SystemExit(main())
