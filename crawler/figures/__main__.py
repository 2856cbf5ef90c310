"""`python -m crawler.figures [FILE...]`: the party-building figures of plain Vietnamese text, one JSON
object a line (or, with --documents, the cited party documents)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata

from crawler import outcome
from crawler.figures import extract_documents, extract_figures
from crawler.figures.metrics import METRICS

# Text of an article is tens of kilobytes; a file far larger than this is not one.
MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_MAX_BYTES = 2**31 - 2  # what one read can ask for


def read_text(source: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A file's (or standard input's, for `-`) UTF-8 text; ValueError says why it is not usable text."""
    if source == "-":
        if sys.stdin is None:
            raise ValueError("standard input is closed")
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        with open(source, "rb") as f:
            data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes} bytes (raise --max-bytes for a bigger text)")
    if b"\0" in data:
        raise ValueError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.figures",
        description="Print the party-building figures of plain Vietnamese text, one JSON object a line.",
    )
    parser.add_argument("files", nargs="*", help="text files (UTF-8); standard input when none is given")
    parser.add_argument("--documents", action="store_true", help="print cited party documents instead")
    parser.add_argument("--metrics", action="store_true", help="list the metrics (key, labels, description)")
    parser.add_argument("--max-bytes", type=int, default=MAX_INPUT_BYTES, help="refuse larger inputs (default 20 MiB)")
    args = parser.parse_args(argv)
    if not 1 <= args.max_bytes <= MAX_MAX_BYTES:
        parser.error(f"--max-bytes must be from 1 to {MAX_MAX_BYTES}")
    if args.metrics and (args.files or args.documents):
        parser.error("--metrics lists the metrics: it takes no file and no --documents")
    try:
        return _print(args)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a full disk under a redirected output
        print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return outcome.STORAGE_FAILED


def _print(args: argparse.Namespace) -> int:
    if args.metrics:
        for metric in METRICS.values():
            print(f"{metric.key}\t{metric.label_vi}\t{metric.label_en}\t{metric.description}")
        sys.stdout.flush()
        return 0
    status = 0
    for source in args.files or ["-"]:
        try:
            text = unicodedata.normalize("NFC", read_text(source, args.max_bytes))
        except (OSError, ValueError) as exc:
            print(f"error: {source}: cannot read: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            status = outcome.BAD_ARGUMENTS  # the others are still read
            continue
        if args.documents:
            rows = [d.as_dict() for d in extract_documents(text)]
        else:
            rows = [f.as_dict() | {"sentence": text[f.sentence_start : f.sentence_end]} for f in extract_figures(text)]
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    sys.stdout.flush()  # a write that fails is met here, not at the interpreter's exit
    return status


if __name__ == "__main__":
    raise SystemExit(main())
