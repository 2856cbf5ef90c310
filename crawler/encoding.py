"""Decode a page right even when its server labels the charset wrong.

Scrapy decodes with the HTTP header's charset first, as browsers do. The site also serves
Windows-1258 pages and, now and then, a wrong label: UTF-8 bytes called ISO-8859-1, or legacy
bytes called UTF-8. Valid multi-byte UTF-8 is almost never an accident, and bytes that are not
valid UTF-8 are, on this site, the page's own `<meta charset>` or Windows-1258. A Western label
(ISO-8859-1, Windows-1252) cannot spell Vietnamese: on this site it stands for Windows-1258, its
Vietnamese sibling. A UTF-8 page with bytes that are not UTF-8 in it (a stray byte, a paragraph
pasted from an old Windows-1258 document) is UTF-8 with those bytes read as Windows-1258
(`utf-8-cp1258`, registered below): read wholly as Windows-1258 it became mojibake from its first
letter to its last, stored as a page read well; with replacement characters a pasted paragraph
was lost.
"""

from __future__ import annotations

import codecs
import re

from scrapy.http import TextResponse

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.IGNORECASE)
LEGACY_ENCODING = "cp1258"
MIXED_ENCODING = "utf-8-cp1258"  # UTF-8, each byte that is not read as Windows-1258


def _as_legacy(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode(LEGACY_ENCODING, errors="replace"), error.end


class _MixedDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
        return codecs.utf_8_decode(data, "cp1258-fallback", final)


def _mixed(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") != MIXED_ENCODING.replace("-", "_"):
        return None
    return codecs.CodecInfo(
        name=MIXED_ENCODING,
        encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(bytes(data), "cp1258-fallback", True),
        incrementaldecoder=_MixedDecoder,
    )


# Registered when this module is imported: by the spider, and by the page step in each worker
# (crawler/page.py), which decodes a page with the encoding the spider chose.
codecs.register_error("cp1258-fallback", _as_legacy)
codecs.register(_mixed)


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


def _holds_utf8(body: bytes) -> bool:
    """Whether bytes that are not all valid UTF-8 hold UTF-8 text too: valid multi-byte letters, a
    few at least and not one to twenty bad bytes. Windows-1258 text has almost none: its Vietnamese
    letters are single high bytes, which UTF-8 cannot read as a sequence but by chance."""
    text = body.decode("utf-8", errors="replace")  # counted with C-speed calls: a hostile page is megabytes
    own = body.count("\ufffd".encode())  # replacement characters the page itself holds
    invalid = text.count("\ufffd") - own
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - invalid - own
    return multibyte >= 5 and multibyte * 20 >= invalid


def better_encoding(body: bytes, declared: str | None) -> str | None:
    """The encoding to decode `body` with, when `declared` is wrong; None when it is right."""
    declared = _codec(declared)
    utf8 = _is_utf8(body)
    if declared == "utf-8":
        if utf8:
            return None
        if _holds_utf8(body):
            return MIXED_ENCODING
        meta = _META_CHARSET_RE.search(body[:4096])
        meta_codec = _codec(meta.group(1).decode("ascii")) if meta else None
        if meta_codec in _WESTERN:
            return LEGACY_ENCODING
        return meta_codec if meta_codec and meta_codec != "utf-8" else LEGACY_ENCODING
    if utf8 and not body.isascii():
        return "utf-8"
    if declared in _WESTERN and not body.isascii():
        # Labelled Western, in the header or the page: Windows-1258 on this site, or UTF-8 with a
        # paste of it (valid UTF-8 alone took the branch above).
        return MIXED_ENCODING if _holds_utf8(body) else LEGACY_ENCODING
    return None


def repair_encoding(response: TextResponse) -> tuple[TextResponse, str | None]:
    """The response decoded with the right encoding, and that encoding when it had to change."""
    encoding = better_encoding(response.body, response.encoding)
    if encoding is None:
        return response, None
    return response.replace(encoding=encoding), encoding
