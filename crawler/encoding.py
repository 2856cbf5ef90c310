"""Decode a page right even when its server labels the charset wrong.

Scrapy decodes with the HTTP header's charset first, as browsers do. The site also serves
Windows-1258 pages and, now and then, a wrong label: UTF-8 bytes called ISO-8859-1, or legacy
bytes called UTF-8. Valid multi-byte UTF-8 is almost never an accident, and bytes that are not
valid UTF-8 are, on this site, the page's own `<meta charset>` or Windows-1258.
"""

from __future__ import annotations

import codecs
import re

from scrapy.http import TextResponse

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.IGNORECASE)
LEGACY_ENCODING = "cp1258"


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def better_encoding(body: bytes, declared: str | None) -> str | None:
    """The encoding to decode `body` with, when `declared` is wrong; None when it is right."""
    declared = _codec(declared)
    utf8 = _is_utf8(body)
    if declared == "utf-8":
        if utf8:
            return None
        meta = _META_CHARSET_RE.search(body[:4096])
        meta_codec = _codec(meta.group(1).decode("ascii")) if meta else None
        return meta_codec if meta_codec and meta_codec != "utf-8" else LEGACY_ENCODING
    if utf8 and not body.isascii():
        return "utf-8"
    return None


def repair_encoding(response: TextResponse) -> tuple[TextResponse, str | None]:
    """The response decoded with the right encoding, and that encoding when it had to change."""
    encoding = better_encoding(response.body, response.encoding)
    if encoding is None:
        return response, None
    return response.replace(encoding=encoding), encoding
