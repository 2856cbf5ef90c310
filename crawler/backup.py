"""Copy a crawl database to a new file, whole and consistent, also while a crawl writes it.

SQLite's online backup copies what the database holds at one moment, its log included, from a
read-only connection (`crawler.storage.open_readonly`, so a user who cannot write the database can
back it up too). The copy is written in a private folder beside its destination (mode 700, a name
no one can plant), checked (`PRAGMA integrity_check`), given the source's permissions, flushed to
disk and only then given its name, which it never takes from an existing file: an existing
destination is refused, and a copy that fails (a full disk, a signal) leaves nothing behind; the
folder of one killed with `kill -9` is removed by the next backup into the same folder. The copy is
one self-contained file (rollback journal, no log beside it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sqlite3
import stat
import sys
import tempfile
from pathlib import Path

from crawler import outcome
from crawler.processes import is_alive
from crawler.storage import StorageError, holds_articles, open_readonly, primary_code, storage_error

_PRIVATE = ".baothanhhoa-backup-"  # + pid + "-" + random: the folder a copy is made in
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class BackupError(StorageError):
    """The copy could not be written; nothing was left at the destination."""


def backup(source: str | Path, destination: str | Path) -> dict:
    """Copy `source` to `destination`, which must not exist; returns what was copied. Raises
    StorageError for a source that cannot be read (or is no crawl database, or is damaged),
    BackupError for a copy that could not be written, and FileExistsError (or ValueError) for a
    destination that exists (or names no file)."""
    source = Path(source)
    if str(destination).endswith(os.sep) or Path(destination).name in ("", ".", ".."):
        raise ValueError(f"{destination}: names a folder; give the copy's file name")
    destination = Path(destination)
    try:
        taken = destination.exists() or destination.is_symlink()
    except OSError as exc:
        raise ValueError(f"{destination}: not a usable file name ({exc.strerror})") from exc
    if taken:
        raise FileExistsError(f"{destination}: exists; a backup never replaces a file, name a new one")
    if not destination.parent.is_dir():
        raise ValueError(f"{destination}: its folder {destination.parent} does not exist (or is not a folder)")
    reader = open_readonly(source, check=False)  # an older database too: back it up before upgrading it
    try:
        if not holds_articles(reader):
            raise StorageError(f"{source}: not a crawl database (no articles table); nothing was copied")
        _remove_leftovers(destination.parent)
        try:
            private = Path(tempfile.mkdtemp(prefix=f"{_PRIVATE}{os.getpid()}-", dir=destination.parent))
        except OSError as exc:
            raise BackupError(f"{storage_error(exc, destination.parent, 'write the copy')}; nothing was kept") from exc
        try:
            copied = _copy(reader, source, private / "copy.db", destination)
        finally:
            shutil.rmtree(private, ignore_errors=True)
    finally:
        reader.close()
    with contextlib.suppress(OSError):  # the copy is whole and named: a folder that cannot sync loses none of it
        _sync_folder(destination.parent)
    return copied


def _copy(reader: sqlite3.Connection, source: Path, partial: Path, destination: Path) -> dict:
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            reader.backup(copy)  # one step: a snapshot of one moment, however busy the writer
            mode = copy.execute("PRAGMA journal_mode = delete").fetchone()[0]
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check(100)")]
            articles = copy.execute("select count(*) from articles").fetchone()[0] if problems == ["ok"] else 0
        if problems != ["ok"]:  # the copy is the source page for page: the source is damaged
            raise StorageError(
                f"{source}: the database does not check out ({len(problems)}{'+' if len(problems) == 100 else ''}"
                f" problems, the first: {problems[0].splitlines()[0]}); nothing was copied;"
                " `PRAGMA integrity_check` on it lists them"
            )
        if mode.lower() != "delete":
            raise BackupError(f"{destination}: the copy kept its log ({mode}); nothing was kept")
        os.chmod(partial, stat.S_IMODE(source.stat().st_mode))  # a private database's copy stays private
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.link(partial, destination)  # fails, and replaces nothing, if the name was taken meanwhile
    except FileExistsError as exc:
        raise FileExistsError(f"{destination}: exists; a backup never replaces a file, name a new one") from exc
    except (sqlite3.Error, OSError) as exc:
        if primary_code(exc) in _DAMAGED:  # the copy holds the source's pages
            raise StorageError(f"{storage_error(exc, source, 'copy the database')}; nothing was copied") from exc
        raise BackupError(f"{storage_error(exc, destination, 'write the copy')}; nothing was kept") from exc
    return {"articles": articles, "bytes": destination.stat().st_size}


def _remove_leftovers(folder: Path) -> None:
    """The private folders of backups killed before they could remove them (`kill -9`)."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{_PRIVATE}*"):
            pid = leftover.name[len(_PRIVATE) :].split("-", 1)[0]
            if pid.isdigit() and not is_alive(int(pid)) and leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """The new name itself is on disk, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="the database to copy")
    parser.add_argument("destination", help="the copy's file name (it must not exist)")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):  # a scheduler's timeout, a closed terminal: clean up too
        signal.signal(signum, _interrupted)
    try:
        copied = backup(args.db, args.destination)
    except (FileExistsError, ValueError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, BackupError):
            return outcome.STORAGE_FAILED
        return outcome.DATABASE_UNUSABLE if isinstance(exc, StorageError) else outcome.BAD_ARGUMENTS
    except KeyboardInterrupt as exc:
        print(f"backup interrupted ({exc or 'SIGINT'}); nothing was kept", file=sys.stderr)
        return 130
    print(f"{args.db} copied to {args.destination}: {copied['articles']} articles, {copied['bytes'] / 1e6:.1f} MB,"
          " integrity ok")  # fmt: skip
    return outcome.OK


if __name__ == "__main__":
    raise SystemExit(main())
