"""Vietnamese numbers as newspapers write them: `5.322` (dot groups thousands), `95,5` (comma is the
decimal mark), `19/19`, `1,2 nghìn`, `3 - 3,5%`, and the number words `một` … `mười`, `hai mươi lăm`;
and the numbers in a sentence that are no count at all (dates, document numbers, periods, ages,
badge years, anniversaries, numbers inside names)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.figures.lexicon import finditer_at, word_start, word_start_branches

UNITS = {
    "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9,
}  # fmt: skip
# Number words that may stand alone; `tư` and `mốt`/`lăm` only occur inside compounds.
_ALONE = "một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín"
_TAIL = "mốt|một|hai|ba|bốn|tư|lăm|năm|sáu|bảy|bẩy|tám|chín"
# Read as `(?<!\w)(?:(?:{_ALONE}) mươi(?: (?:{_TAIL}))?|mười(?: (?:{_TAIL}))?|{_ALONE})(?!\w)`, its branches
# spelled out one word each, in that order, so that the regex engine can skip to their first letters.
NUMBER_WORD_RE = re.compile(
    word_start_branches(
        [(word, rf" mươi(?: (?:{_TAIL}))?") for word in _ALONE.split("|")]
        + [("mười", rf"(?: (?:{_TAIL}))?")]
        + [(word, "") for word in _ALONE.split("|")]
    )
    + r"(?!\w)"
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
    """5322.0 → 5322, 95.5 → 95.5: counts stay integers."""
    return int(value) if float(value).is_integer() else value


# --- numbers of a sentence ---------------------------------------------------------------------------

_Y = r"(?:19|20)\d{2}"


# Spans that hold digits but no count (matched in the match form), each with the words one of which
# a sentence must hold for it to apply (None: always tried): most sentences hold few of them.
# DIGIT_SEP stands for "a digit, - / or ., a digit", which every date holds: found by a pattern.
DIGIT_SEP = "0/0"
_DIGIT_SEP_RE = re.compile(r"\d\s*[-/.]\s*\d")
MASK_RES: tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...] = (
    (re.compile(r"\d\d?\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"), (DIGIT_SEP,)),  # 30/6/2021, 7.11.1917
    (re.compile(r"\d\d*\s*[-/]\s*[a-zđ]+(?:\s*/\s*[a-zđ0-9-]+)?"), ('-', '/')),  # 22-NQ/TW, 35-HD/BTCTW
    (re.compile(rf"{_Y}\s*[-–]\s*{_Y}"), ('-', '–')),  # 2015 - 2020
    (re.compile(word_start(["ngày", "sáng", "chiều", "tối"]) + r"\s+\d{1,2}\s*[-/.]\s*\d{1,2}(?!\s*(?:[-/.]|\d))"), ('ngày', 'sáng', 'chiều', 'tối')),
    (re.compile(word_start(["đợt", "dịp", "nhân dịp", "trước", "sau", "từ", "đến"]) + r"\s+\d{1,2}\s*[/.]\s*\d{1,2}(?!\s*[-/.]\s*\d)(?!\d)"), (DIGIT_SEP,)),
    (re.compile(word_start(["tháng", "quý"]) + rf"\s+(?:\d{{1,2}}|[ivx]+)(?:\s*(?:[-/.]|năm)\s*{_Y})?"), ('tháng', 'quý')),  # tháng 9/2022, quý I/2013
    (re.compile(word_start(["năm"]) + rf"\s+{_Y}"), ('năm',)),
    # `mỗi năm`, `hằng năm`: a year, not the number five.
    (re.compile(word_start(["mỗi", "hằng", "hàng", "từng", "cả", "nhiều", "những", "các", "cuối", "đầu", "giữa", "trong", "qua"]) + r"\s+năm(?!\w)"), ('năm',)),
    (re.compile(r"\d\d*(?:\s*(?:,|và|-|đến)\s*\d+)*\s+năm\s+tuổi\s+đảng"), ('tuổi',)),  # 30 năm tuổi Đảng, 45, 40 và 30 năm tuổi Đảng
    (re.compile(word_start(["huy hiệu"]) + r"\s+\d+(?:\s*(?:,|và|-|đến)\s*\d+)*(?:\s+năm)?"), ('huy hiệu',)),  # Huy hiệu 30 năm
    (re.compile(r"\d\d*\s+(?:năm|tháng|ngày|tuần|quý|giờ|phút|tuổi|năm liền|năm liên tục)(?!\s+(?:tuổi\s+)?đảng)"
               rf"(?!\s+{_Y})(?!\w)"), ('năm', 'tháng', 'ngày', 'tuần', 'quý', 'giờ', 'phút', 'tuổi')),
    (re.compile(word_start(["kỷ niệm", "sau", "hơn", "gần", "trong", "qua", "được"]) + r"\s+\d+\s+năm"), ('năm',)),
    (re.compile(r"(?<!\w)(?:từ\s+)?\d{1,2}\s*(?:-|đến)\s*\d{1,2}\s+tuổi"), ('tuổi',)),  # 18 đến 30 tuổi
    (re.compile(word_start(["độ tuổi", "tuổi"]) + r"\s+(?:từ\s+)?\d+(?:\s*(?:-|đến)\s*\d+)?"), ('tuổi',)),
    (re.compile(word_start(["khu phố", "tổ dân phố", "tổ", "thôn", "xóm", "lớp", "đội", "phường", "quận", "khóm", "ấp", "khu", "đợt",
                   "lần thứ", "thứ", "kỳ họp thứ", "cụm", "trạm", "chi bộ", "đường", "km", "quốc lộ", "tỉnh lộ"]) + r"\s+\d+(?!\s*(?:/|[.,]\d|%))"), None),
    (re.compile(r"\d\d?:\d{2}"), (':',)),  # 09:30
)  # fmt: skip
# Which of the masks' words a sentence holds is told by a substring test a word (cheaper than a
# pattern a mask, and than one pattern of all words, whose matches may overlap and hide one another).
_NEEDLES = tuple(sorted({needle for _, needles in MASK_RES for needle in needles or ()} - {DIGIT_SEP}))
_GATED_MASKS = tuple((regex, frozenset(needles) if needles else None) for regex, needles in MASK_RES)


def mask_spans(m: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of m[start:end] that hold digits but no count: the masks that may apply, applied."""
    sub = m[start:end]
    found = {needle for needle in _NEEDLES if needle in sub}
    if _DIGIT_SEP_RE.search(m, start, end):
        found.add(DIGIT_SEP)
    return [
        (mm.start(), mm.end())
        for regex, needles in _GATED_MASKS
        if needles is None or not needles.isdisjoint(found)
        for mm in regex.finditer(m, start, end)
    ]


NUMBER_RE = re.compile(
    rf"(?=\d)(?<![\w.,/-])(?:(?P<ratio>(?P<num>\d+(?:\.\d{{3}})*)\s*/\s*(?P<den>\d+(?:\.\d{{3}})*))|(?P<digits>{DIGITS}))(?![\w/])(?![.,]\d)"
)
# Where a number can begin (NUMBER_RE's own start, which the engine cannot see through its lookaround):
# a digit after no word character, dot, comma, slash or dash. Scanned for with `finditer_at`.
_NUMBER_STARTS_RE = re.compile(r"\d(?<![\w.,/-]\d)")
PERCENT_RE = re.compile(r"\s*(?:%|phần trăm(?!\w))")
RANGE_RE = re.compile(r"\s*(?:-|–|đến|tới)\s*")
MILLION_RE = re.compile(r"\s*triệu(?!\s*đồng)(?!\w)")


@dataclass
class Mention:
    start: int
    end: int  # end of the number's phrase (with %, nghìn and a range's upper end)
    value: float
    unit: str = "count"
    of_total: float | None = None
    value_max: float | None = None
    is_word: bool = False


def find_mentions(m: str, start: int, end: int, noun_after) -> list[Mention]:
    """The numbers of text[start:end] (in its match form `m`) that may be counts. `noun_after(pos)`
    tells whether a party noun follows `pos` (a number word counts only before one)."""
    masks = mask_spans(m, start, end)

    def masked(a: int, b: int) -> bool:
        return any(ms <= a < me or ms < b <= me for ms, me in masks)

    mentions: list[Mention] = []
    for nm in finditer_at(_NUMBER_STARTS_RE, NUMBER_RE, m, start, end):
        a, b = nm.start(), nm.end()
        if nm["ratio"]:
            value, total = parse_number(nm["num"]), parse_number(nm["den"])
            if value is None or not total or value > total:
                continue  # a date (19/5), not a ratio
            if masked(a, b) and not noun_after(b):
                continue
            mentions.append(Mention(a, b, value, of_total=total))
            continue
        if masked(a, b):
            continue
        parsed = parse_number(nm["digits"])
        if parsed is not None:
            mentions.append(Mention(a, b, parsed))
    for wm in NUMBER_WORD_RE.finditer(m, start, end):
        if masked(wm.start(), wm.end()) or not noun_after(wm.end()) or m.startswith(" số ", wm.end()):
            continue  # a number word counts only what it stands before: "năm 2020" is no five
        value = parse_number(wm.group(0))
        if value is not None:
            mentions.append(Mention(wm.start(), wm.end(), value, is_word=True))
    mentions.sort(key=lambda x: x.start)
    for mt in mentions:
        th = THOUSAND_RE.match(m, mt.end) or MILLION_RE.match(m, mt.end)
        if th and not mt.is_word and mt.of_total is None:
            mt.value *= 1_000_000 if "triệu" in th.group(0) else 1000
            mt.end = th.end()
        pc = PERCENT_RE.match(m, mt.end)
        if pc and not mt.is_word:
            mt.unit = "percent"
            mt.end = pc.end()
    return _ranges(m, mentions)


def _ranges(m: str, mentions: list[Mention]) -> list[Mention]:
    """`3 - 3,5%`, `90 - 100 đảng viên`, `từ 15 đến 20`: one mention with value and value_max."""
    out: list[Mention] = []
    for mt in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.value_max is None and prev.of_total is None and mt.of_total is None
            and RANGE_RE.fullmatch(m, prev.end, mt.start) and mt.value > prev.value
            and (prev.unit == mt.unit or prev.unit == "count")
        ):  # fmt: skip
            prev.value_max, prev.unit, prev.end = mt.value, mt.unit, mt.end
            continue
        out.append(mt)
    return out
