"""Text cleaning shared by the loader, the figure extractor and the tests.

Pages arrive as UTF-8, Windows-1258 (tone marks as separate combining characters) or NFD text,
often with non-breaking and zero-width spaces; everything stored is NFC with plain spaces so that
the same article always hashes, searches and matches the same way.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

# Spaces that look like a space but are not one: folded to U+0020.
_SPACE_LIKE = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Characters with no visible width: dropped.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANSLATE = {ord(c): " " for c in _SPACE_LIKE} | {ord(c): None for c in _INVISIBLE}
# Most texts hold none of them: one scan finds that, eight times faster than translating every character.
_SPECIAL_RE = re.compile("[" + _SPACE_LIKE + _INVISIBLE + "]")
VN_TZ = timezone(timedelta(hours=7))
# How Vietnamese papers write when an article was published: `Thứ Ba, 30/3/2021 - 09:30`,
# `30/03/2021 | 09:30`, `09:30 30/03/2021`, `30-03-2021 09:30`, `30.03.2021`, `09h30 ngày 30/3/2021`,
# `ngày 30 tháng 3 năm 2021`. The date as day/month/year, the time before or after it.
_D = r"(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
_WORDS_D = r"(?:ngày\s+)?(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s*(?:,\s*)?năm\s+(?P<wy>\d{4})"
_T = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*:\s*\d{2})?(?!\d)"
_DATE_RE = re.compile(
    rf"(?<!\d)(?:{_T.replace('P<H>', 'P<H0>').replace('P<M>', 'P<M0>')}\D{{1,12}}?)?(?:{_D}|{_WORDS_D})"
    rf"(?!\d)(?:\D{{1,5}}?{_T})?",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """NFC with space-like characters folded, but line structure kept."""
    return unicodedata.normalize("NFC", text.translate(_TRANSLATE) if _SPECIAL_RE.search(text) else text)


def clean_text(text: str | None) -> str:
    """One line of clean text: NFC, folded spaces, collapsed whitespace, stripped. Collapsed by
    `str.split()`, which splits where a regex's whitespace class matches (both ask Python's
    isspace) at a third of the cost of a regex substitution: the loader cleans every text of a page."""
    if not text:
        return ""
    return " ".join(normalize(text).split())


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def parse_vn_datetime(text: str | None) -> str | None:
    """ "Thứ Hai, 05/04/2021 08:15", "29/03/2021 | 09:30", "09:30 30/03/2021", "30-03-2021" → ISO 8601
    in Vietnam time (+07:00); the first date of the text, with its time when one stands beside it."""
    if not text:
        return None
    m = _DATE_RE.search(clean_text(text))
    if not m:
        return None
    d, mo, y = (int(m["d"]), int(m["m"]), int(m["y"])) if m["d"] else (int(m["wd"]), int(m["wm"]), int(m["wy"]))
    hh, mm = int(m["H"] or m["H0"] or 0), int(m["M"] or m["M0"] or 0)
    if not (1 <= d <= 31 and 1 <= mo <= 12 and hh < 24 and mm < 60):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}T{hh:02d}:{mm:02d}:00+07:00"


def normalize_iso_datetime(text: str | None) -> str | None:
    """Metadata dates as ISO 8601 in Vietnam time; a date without an offset is Vietnam time."""
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(clean_text(text))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ).replace(microsecond=0).isoformat()
