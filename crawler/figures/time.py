"""When a number is: years from `năm 2020`, dates, months and quarters; periods; years of
comparison (never a figure's year); and the words that stop a year from carrying on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.figures.lexicon import FROM_AT_END, word_start, word_start_branches

_Y = r"(?:19|20)\d{2}"
YEAR_RES = (
    re.compile(word_start(["năm"]) + rf"\s+(?P<year>{_Y})(?!\s*[-–]\s*\d)(?!\d)"),
    re.compile(rf"\d(?<![\w/.-]\d)\d?\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*(?P<year>{_Y})(?!\d)"),  # 30/6/2021, 15-8-2022
    re.compile(
        word_start(["tháng"]) + rf"\s+\d{{1,2}}\s*(?:[-/.]|năm)\s*(?P<year>{_Y})(?!\d)"
    ),  # tháng 9/2022, tháng 3 - 2017
    re.compile(word_start(["quý"]) + rf"\s+(?:[ivx]+|\d)\s*[/-]\s*(?:năm\s+)?(?P<year>{_Y})(?!\d)"),  # quý I/2013
    re.compile(word_start(["quý"]) + rf"\s+(?:[ivx]+|\d)\s+năm\s+(?P<year>{_Y})(?!\d)"),
)
PERIOD_RE = re.compile(
    word_start(["nhiệm kỳ", "giai đoạn", "thời kỳ", "từ năm", "năm học", "từ"]) + rf"\s*\(?\s*(?P<a>{_Y})"
    rf"\s*(?:[-–]|đến(?: năm)?)\s*(?P<b>{_Y})(?!\d)"
)
# Every period holds two years joined so: a search that starts at a digit finds that in a sentence
# fast, where PERIOD_RE's first words (`từ`, `thời kỳ`) start at nearly every t of it.
_PERIOD_CORE_RE = re.compile(rf"{_Y}\s*(?:[-–]|đến(?: năm)?)\s*{_Y}(?!\d)")


def period_matches(m: str, start: int, end: int) -> list[re.Match[str]]:
    """PERIOD_RE's matches in m[start:end], searched only in a sentence that holds two years joined."""
    return list(PERIOD_RE.finditer(m, start, end)) if _PERIOD_CORE_RE.search(m, start, end) else []


# A year after these is what a figure is compared with, not when it is.
COMPARISON_RE = re.compile(
    r"(?:(?:so với|so)(?:\s+\S+){0,3}?|hơn|nhiều hơn|ít hơn|cùng kỳ)\s+(?:với\s+)?"
    r"(?:cùng kỳ\s+)?(?:cuối\s+|đầu\s+|hết\s+)?(?:năm\s+)?$"
)
# Years that are no figure's: birth years, anniversaries' first dates, a founding long ago.
NOT_A_TIME_RE = re.compile(r"(?:sinh năm|sinh ngày|\(sn|sn|thành lập năm)\s*$")
# After these a year no longer carries: the statement is of every year, or of now.
_RESET_WORDS = ("hàng năm", "hằng năm", "những năm", "các năm", "mỗi năm", "từng năm", "hiện nay", "hiện có", "đến nay",
                "tính đến nay", "đến thời điểm này", "nhiệm kỳ", "giai đoạn")  # fmt: skip
# `hiện` with a place after it (`hiện toàn tỉnh có`), and not in `thực hiện`, `xuất hiện`, `phát hiện`, `thể hiện`.
_NOW_AT = r"(?<!thực hiện)(?<!xuất hiện)(?<!phát hiện)(?<!thể hiện)(?= (?:toàn|đảng|chi|huyện|tỉnh|xã|phường|thị|cả))"
RESET_RE = re.compile(
    word_start_branches([*((words, "") for words in sorted(_RESET_WORDS, key=len, reverse=True)), ("hiện", _NOW_AT)])
    + r"(?!\w)"
)


# An anniversary names the year it is held: `kỷ niệm 94 năm Ngày thành lập Đảng` → 1930 + 94.
ANNIVERSARY_RE = re.compile(
    r"(?P<n>\d(?<!\w\d)\d{0,2})\s+năm\s+(?:ngày\s+)?(?:(?P<party>thành lập đảng)"
    r"|(?P<ho>sinh (?:chủ tịch |bác )?hồ chí minh)"
    r"|(?P<nation>cách mạng tháng tám|quốc khánh))"
)
_FOUNDED = {"party": 1930, "ho": 1890, "nation": 1945}


@dataclass
class TimeMark:
    pos: int
    end: int
    year: int | None  # None: a mark that says "no single year" (hằng năm, hiện nay, nhiệm kỳ)
    comparison: bool = False  # "so với năm 2022": a reference point, not the time being told about


_ANY_YEAR_RE = re.compile(_Y)
_SINCE_RE = re.compile(r"\s*(?:trở về trước|trở lại đây|đến nay)")


def time_marks(m: str, start: int, end: int, found: list[re.Match[str]]) -> list[TimeMark]:
    """The years, dates and resets of m[start:end]; `found` is its `period_matches`, whose years are
    the periods' own."""
    marks: list[TimeMark] = []
    taken = [(pm.start(), pm.end()) for pm in found]
    # Years all hold a year: a sentence with none skips them (most sentences).
    year_patterns = YEAR_RES if _ANY_YEAR_RE.search(m, start, end) else ()
    for regex in year_patterns:
        for ym in regex.finditer(m, start, end):
            if any(a <= ym.start("year") < b for a, b in taken):
                continue
            before = m[max(start, ym.start() - 30) : ym.start()]
            if NOT_A_TIME_RE.search(before):
                continue
            taken.append((ym.start(), ym.end()))
            if FROM_AT_END.search(before) and _SINCE_RE.match(m, ym.end(), ym.end() + 20):
                marks.append(TimeMark(ym.start(), ym.end(), None))  # `từ năm 2015 trở về trước`: a span, no year
                continue
            marks.append(TimeMark(ym.start(), ym.end(), int(ym["year"]), comparison=bool(COMPARISON_RE.search(before))))
    for am in ANNIVERSARY_RE.finditer(m, start, end) if "năm" in m[start:end] else ():
        base = next(_FOUNDED[k] for k in _FOUNDED if am[k])
        if not any(a <= am.start() < b for a, b in taken) and not any(t.year and t.pos > am.start() for t in marks):
            marks.append(TimeMark(am.start(), am.end(), base + int(am["n"])))
    for rm in RESET_RE.finditer(m, start, end):
        if rm.group(0) in ("nhiệm kỳ", "giai đoạn") and names_a_body(m, start, rm.start()):
            continue
        if not any(a <= rm.start() < b for a, b in taken):
            marks.append(TimeMark(rm.start(), rm.end(), None))
    return sorted(marks, key=lambda t: t.pos)


_CONGRESS_RE = re.compile(r"(?:đại hội|lần thứ [ivxlc]+|khóa [ivxlc]+)[^;.]{0,40}?[,\s]*$")


# A term right after a body's name names the body (`Ban Thường vụ ... nhiệm kỳ 2020 - 2025`).
_BODY_TERM_RE = re.compile(
    r"(?:ban thường vụ|ban chấp hành|đảng ủy|huyện ủy|tỉnh ủy|thị ủy|thành ủy|chi ủy)[^;,.]{0,40}\s$"
)


def names_a_body(m: str, start: int, pos: int) -> bool:
    """Whether the term at `pos` belongs to a congress or a committee named just before it."""
    before = m[max(start, pos - 60) : pos]
    return bool(_CONGRESS_RE.search(before) or _BODY_TERM_RE.search(before))


def periods(m: str, start: int, found: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    """Spans a figure may describe, of the `period_matches` found in a sentence from `start`; a
    congress's or a committee's own term (`Đại hội ... lần thứ XXIV, nhiệm kỳ 2020 - 2025`) names that
    body, not what its figures describe."""
    return [(pm.start(), pm.end(), f"{pm['a']}-{pm['b']}") for pm in found
            if not names_a_body(m, start, pm.start())]  # fmt: skip
