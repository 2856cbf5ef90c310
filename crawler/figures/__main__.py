"""`python -m crawler.figures [FILE...]`: the party-building figures of plain Vietnamese text, one JSON
object a line (or, with --documents, the cited party documents)."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from crawler.figures import extract_documents, extract_figures
from crawler.figures.metrics import METRICS

# Text of an article is tens of kilobytes; a file far larger than this is not one.
MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_text(source: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A file's (or standard input's, for `-`) UTF-8 text; ValueError says why it is not usable text."""
    if source == "-":
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
    if args.metrics:
        for metric in METRICS.values():
            print(f"{metric.key}\t{metric.label_vi}\t{metric.label_en}\t{metric.description}")
        return 0
    status = 0
    for source in args.files or ["-"]:
        try:
            text = unicodedata.normalize("NFC", read_text(source, args.max_bytes))
        except (OSError, ValueError) as exc:
            print(f"{source}: cannot read: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.documents:
            rows = [d.as_dict() for d in extract_documents(text)]
        else:
            rows = [f.as_dict() | {"sentence": text[f.sentence_start : f.sentence_end]} for f in extract_figures(text)]
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
