"""Decode a page right even when its server labels the charset wrong.

Scrapy decodes with the HTTP header's charset first, as browsers do. The site also serves
Windows-1258 pages and, now and then, a wrong label: UTF-8 bytes called ISO-8859-1, or legacy
bytes called UTF-8. Valid multi-byte UTF-8 is almost never an accident, and bytes that are not
valid UTF-8 are, on this site, the page's own `<meta charset>` or Windows-1258. A Western label
(ISO-8859-1, Windows-1252) cannot spell Vietnamese: on this site it stands for Windows-1258, its
Vietnamese sibling. A UTF-8 page with a stray byte or two (a paste from an old document) is still
UTF-8: read as Windows-1258 it became mojibake from its first letter to its last, stored as a
page read well; a browser shows it with a replacement character, and so does the crawler.
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


# Labels that cannot spell Vietnamese: on this site they mean its Windows-1258 sibling.
_WESTERN = frozenset(("latin-1", "iso8859-1", "cp1252", "ascii"))


def _mostly_utf8(body: bytes) -> bool:
    """Whether bytes that are not all valid UTF-8 are UTF-8 with a few stray bytes: many valid
    multi-byte characters against the invalid ones. Windows-1258 text has almost none: its
    Vietnamese letters are single high bytes, which UTF-8 cannot read as a sequence."""
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - body.count("\ufffd".encode())
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - invalid - body.count("\ufffd".encode())
    return multibyte >= 5 and invalid * 5 <= multibyte


def better_encoding(body: bytes, declared: str | None) -> str | None:
    """The encoding to decode `body` with, when `declared` is wrong; None when it is right."""
    declared = _codec(declared)
    utf8 = _is_utf8(body)
    if declared == "utf-8":
        if utf8 or _mostly_utf8(body):
            return None
        meta = _META_CHARSET_RE.search(body[:4096])
        meta_codec = _codec(meta.group(1).decode("ascii")) if meta else None
        if meta_codec in _WESTERN:
            return LEGACY_ENCODING
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
