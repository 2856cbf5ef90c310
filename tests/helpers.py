"""Helpers to make the byte variants the live site serves: Windows-1258 and NFD text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from crawler.sampleserver import SAMPLE_SITE

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does in practice: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def page_for(article_id: str) -> Path:
    return next(p for p in SAMPLE_SITE.rglob("*.htm") if p.stem.endswith(article_id))
