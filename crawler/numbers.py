"""Vietnamese numbers as newspapers write them: `5.322` (dot groups thousands), `95,5` (comma is the
decimal mark), `19/19`, `1,2 nghìn`, and the number words `một` … `mười`, `hai mươi lăm`."""

from __future__ import annotations

import re

UNITS = {
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
# Number words that may stand alone; `tư` and `mốt`/`lăm` only occur inside compounds.
_ALONE = "một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín"
_TAIL = "mốt|một|hai|ba|bốn|tư|lăm|năm|sáu|bảy|bẩy|tám|chín"
NUMBER_WORD_RE = re.compile(
    rf"(?=[mhbnstcl])(?<!\w)(?:(?:{_ALONE}) mươi(?: (?:{_TAIL}))?|mười(?: (?:{_TAIL}))?|{_ALONE})(?!\w)"
)  # matched against lower-case text
# Digits as written: grouped thousands with an optional decimal part, or a plain/decimal number.
DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
THOUSAND_RE = re.compile(r"\s*(?:nghìn|ngàn)(?!\w)", re.IGNORECASE)


_GROUPED_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_PLAIN_RE = re.compile(r"\d+(?:[.,]\d+)?")


def parse_number(text: str) -> float | None:
    """`5.322` → 5322, `95,5` → 95.5, `10.5` → 10.5, `1.250,5` → 1250.5; None when not a number."""
    text = text.strip()
    if not text:
        return None
    if _GROUPED_RE.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if _PLAIN_RE.fullmatch(text):
        return float(text.replace(",", "."))
    return parse_number_words(text)


def parse_number_words(text: str) -> float | None:
    """`năm` → 5, `mười hai` → 12, `hai mươi lăm` → 25, `mười` → 10."""
    words = text.lower().split()
    if not words:
        return None
    if words[0] == "mười":
        if len(words) == 1:
            return 10.0
        if len(words) == 2 and words[1] in UNITS:
            return 10.0 + UNITS[words[1]]
        return None
    if len(words) >= 2 and words[1] == "mươi" and words[0] in UNITS:
        tens = UNITS[words[0]] * 10
        if len(words) == 2:
            return float(tens)
        if len(words) == 3 and words[2] in UNITS:
            return float(tens + UNITS[words[2]])
        return None
    if len(words) == 1 and words[0] in UNITS and words[0] not in ("mốt", "lăm", "tư"):
        return float(UNITS[words[0]])
    return None


def as_number(value: float) -> int | float:
    """5322.0 → 5322, 95.5 → 95.5: integers stay integers in JSON."""
    return int(value) if float(value).is_integer() else value
