"""Segmentation: the match form of a text, its paragraphs, sentences and clauses.

The text is matched in a "match form" of the same length (lower case, tone marks placed the modern
way: `hoà`→`hòa`, `uỷ`→`ủy`, `tỉ lệ`→`tỷ lệ`), so every offset points into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from crawler.figures.lexicon import phrase_re, rx
from crawler.figures.vocabulary import TYPOS

_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
# Read as `(?<!q)(?:oà|oá|...|uỵ)(?!\w)`, in the form the regex engine skips through (lexicon.word_start).
_OLD_TONE_RE = re.compile(
    "|".join(
        f"{vowel}(?<!q{vowel})[{''.join(old[1] for old in _OLD_TONES if old[0] == vowel)}](?!\\w)" for vowel in "ou"
    )
)
_TI_LE_RE = re.compile(r"t(?<!\wt)ỉ(?= lệ(?!\w))")
_TYPOS = dict(TYPOS)
assert all(len(typo) == len(fix) for typo, fix in TYPOS)
_TYPO_RE = phrase_re(_TYPOS)
# Typographic quotes and dashes read as plain ones; the same length, so offsets hold.
_PLAIN_PAIRS = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-"), ("‐", "-"), ("\u00a0", " "))


def match_form(text: str) -> str:
    """Lower case with modern tone placement and plain quotes and dashes, the same length as `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (İ) lower to two: keep those as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    lowered = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], lowered)
    if "tỉ lệ" in lowered:  # a search for a string is many times faster than a pattern's
        lowered = _TI_LE_RE.sub("tỷ", lowered)
    if any(typo in lowered for typo in _TYPOS):
        lowered = _TYPO_RE.sub(lambda m: _TYPOS[m.group(0)], lowered)
    for typographic, plain in _PLAIN_PAIRS:  # str.replace is many times faster than translate here
        if typographic in lowered:
            lowered = lowered.replace(typographic, plain)
    return lowered


_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
_SENTENCE_END_RE = re.compile(r"[.!?…][.!?…]*[\"”’)]*\s+")  # `[.!?…]+`, a class first: the engine skips to it
_ABBREVIATIONS = {"tp", "tp.", "t.p", "tx", "t.x", "ths", "ts", "pgs", "gs", "bs", "st", "q", "p", "h", "tt", "đ/c"}


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in _PARAGRAPH_BREAK_RE.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def sentences(
    text: str, start: int, end: int, max_chars: int | None = None, cut: list[int] | None = None
) -> Iterator[tuple[int, int]]:
    """Sentence spans of a paragraph: split after . ! ? … before an upper-case letter or a digit.

    A sentence longer than `max_chars` is cut into pieces of at most that length, after the last `;`
    of each piece, else its last `,`, else its last space (in its second half): the work on a
    sentence grows faster than its length, and a page with no sentence break at all must not cost
    minutes. The length of each sentence cut goes to `cut`."""
    for a, b in _sentences(text, start, end):
        if max_chars is None or b - a <= max_chars:
            yield a, b
            continue
        if cut is not None:
            cut.append(b - a)
        while b - a > max_chars:
            window = text[a : a + max_chars]
            cut_at = a + max_chars
            for mark in ("; ", ", ", " "):  # a clause's end first, then a word's
                pos = window.rfind(mark)
                if pos > max_chars // 2:
                    cut_at = a + pos + len(mark)
                    break
            yield a, cut_at
            a = cut_at
        if a < b:
            yield a, b


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    s = start
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        cut = m.end()
        if cut >= end:
            break
        nxt = text[cut]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "“\"'("):
            continue
        # The word before the stop (abbreviations are short: ten characters back are enough).
        word_before = text[max(s, m.start() - 10) : m.start()].split()[-1:] or [""]
        if word_before[0].lower().rstrip(".") in _ABBREVIATIONS or word_before[0].lower() in _ABBREVIATIONS:
            continue
        yield s, m.start() + 1
        s = cut
    if s < end:
        yield s, end


@dataclass
class Clause:
    """A stretch of a sentence between clause marks. `opener` is the mark before it (`start`, `;`,
    `:`, `(`, `)`, `-`); `depth` is how many parentheses it sits in."""

    start: int
    end: int
    opener: str
    depth: int


# A dash set off by spaces starts a clause (`... 34 đảng viên - trong đó ...`); a hyphen in `2015-2020` does not.
# Read as `[;:()\[\]]|(?<=\s)-(?=\s)`; a pattern that starts with one class of characters lets the
# regex engine skip to them (the dash's lookbehind, in front, would make it try every position).
_CLAUSE_MARK_RE = re.compile(r"[;:()\[\]-](?:(?<!-)|(?<=\s-)(?=\s))")


def clauses(m: str, start: int, end: int) -> list[Clause]:
    """The clauses of a sentence (in its match form), split at `;`, `:`, a spaced dash and parentheses."""
    out: list[Clause] = []
    depth, opener, pos = 0, "start", start
    for mark in _CLAUSE_MARK_RE.finditer(m, start, end):
        ch = mark.group(0)
        if (
            ch == ":"
            and mark.start() > start
            and m[mark.start() - 1].isdigit()
            and m[mark.end() : mark.end() + 1].isdigit()
        ):
            continue  # a time, 09:30
        if ch == "-" and rx(r"[\d%]\s*$").search(m[start : mark.start()]) and rx(r"\s*\d").match(m[mark.end() : end]):
            continue  # a range, 90 - 100
        out.append(Clause(pos, mark.start(), opener, depth))
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        opener, pos = {"[": "(", "]": ")"}.get(ch, ch), mark.end()
    out.append(Clause(pos, end, opener, depth))
    return [c for c in out if c.end > c.start]
