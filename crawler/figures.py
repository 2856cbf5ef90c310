"""Read party-building figures out of an article's text (shared/spec/figures.md).

No library reads these numbers from Vietnamese, so these are rules written for the language and the
genre. The text is matched in a "match form" of the same length (lower case, tone marks placed the
modern way: `hoà`→`hòa`, `uỷ`→`ủy`, `tỉ lệ`→`tỷ lệ`), so offsets point into the original text.

For each sentence:

1. numbers are found (digits, ratios `19/19`, `%`, `nghìn`, number words), skipping dates,
   document numbers and periods;
2. each number gets an entity from the noun after it (`đảng viên`, `chi bộ`, `TCCSĐ`, ...), or from
   a `tỷ lệ|số|tổng số <noun>` before it, or from the figure before it (`..., đạt 94,3%`,
   `tăng từ X lên Y`, `trong đó 15% hoàn thành ...`);
3. the metric comes from, in order: a rating after the noun (`hoàn thành tốt nhiệm vụ`), a verb
   before it in the clause (`kết nạp`, `kỷ luật`, `kiểm tra`, `Huy hiệu`), a total cue right before
   it (`có`, `với`, `gồm`, `là`), or the previous figure of a list (`11 chi bộ khu phố, 8 chi bộ cơ quan`);
4. year, period, qualifier, kind and organization come from the sentence, the organization and
   year carried over from earlier sentences of the paragraph.

`không có chi bộ yếu kém` and the like give value 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crawler.numbers import DIGITS, NUMBER_WORD_RE, THOUSAND_RE, as_number, parse_number

# --- match form ---------------------------------------------------------------------------------

_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_OLD_TONE_RE = re.compile(r"(?=[ou])(?<!q)(?:" + "|".join(_OLD_TONES) + r")(?!\w)")
_TI_LE_RE = re.compile(r"(?<!\w)tỉ(?= lệ(?!\w))")


def match_form(text: str) -> str:
    """Lower case with modern tone placement, the same length as `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (İ) lower to two: keep those as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    lowered = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], lowered)
    return _TI_LE_RE.sub("tỷ", lowered)


# --- vocabulary ----------------------------------------------------------------------------------

MEMBERS, CELLS, ORGS = "members", "cells", "organizations"

_ORG_NOUN = (
    r"(?:đảng bộ,\s*chi bộ|chi bộ,\s*đảng bộ|chi,\s*đảng bộ)(?:\s+(?:cơ sở|trực thuộc))?"
    r"|tổ chức cơ sở đảng|tccsđ|tổ chức đảng|tcđ|đảng bộ cơ sở|chi bộ cơ sở|cơ sở đảng|đảng bộ"
)
NOUN_AFTER_RE = re.compile(
    r"\s*(?:(?P<connector>số|lượt|trong số)\s+)?(?P<noun>(?P<org>" + _ORG_NOUN + r")|(?P<cell>chi bộ)"
    r"|(?P<member>đảng viên|đv)|(?P<masses>quần chúng(?: ưu tú)?)|(?P<comrade>đồng chí))(?!\w)"
)
NOUN_BEFORE_RE = re.compile(
    r"(?<!\w)(?P<prefix>tỷ lệ|tổng số|số lượng|số)\s+(?P<noun>(?P<org>" + _ORG_NOUN + r")|(?P<cell>chi bộ)"
    r"|(?P<member>đảng viên|đv))(?!\w)"
)
CELL_CATEGORY_RE = re.compile(
    r"\s+(?P<cat>trực thuộc đảng bộ cơ sở|khu phố|tổ dân phố|cơ quan|nông thôn|thôn|bản|trường học"
    r"|doanh nghiệp|quân sự|công an|trực thuộc)(?!\w)"
)
RATING_RE = re.compile(
    r"\s*(?:(?:đều|được|đã|đạt|xếp loại|được xếp loại|được đánh giá|đánh giá|là|có)\s+)*"
    r"(?:(?P<weak>yếu kém)|(?P<not>không\s+)?hoàn thành\s+(?:(?P<level>xuất sắc|tốt)\s+)?nhiệm vụ(?P<plus>\s+trở lên)?)"
)
NEW_AFTER_RE = re.compile(r"\s*(?:mới\s+)?(?:được\s+)?kết nạp|\s*mới(?!\w)")
BADGE_AFTER_RE = re.compile(r"\s*(?:được|đã được)\s+(?:trao|tặng|nhận)\s+huy hiệu")
DISCIPLINED_AFTER_RE = re.compile(r"\s*(?:bị|phải)\s+(?:thi hành\s+|xử lý\s+)?kỷ luật")
INSPECTED_AFTER_RE = re.compile(r"\s*(?:được|bị)\s+(?:kiểm tra|giám sát)")
# Words after a counted noun that say what happened to it: "12 đảng viên mới được kết nạp".
AFTER_VERB_RES = (
    (NEW_AFTER_RE, "new"),
    (BADGE_AFTER_RE, "badge"),
    (DISCIPLINED_AFTER_RE, "disciplined"),
    (INSPECTED_AFTER_RE, "inspected"),
)
VERB_RES = (
    (re.compile(r"(?<!\w)(?:kết nạp|phát triển)(?!\w)"), "new"),
    (re.compile(r"(?<!\w)(?:kỷ luật|khai trừ|khiển trách|cảnh cáo)(?!\w)"), "disciplined"),
    (re.compile(r"(?<!\w)(?:kiểm tra|giám sát)(?!\w)"), "inspected"),
    (re.compile(r"(?<!\w)huy hiệu(?!\w)"), "badge"),
)
TOTAL_CUE_RE = re.compile(
    r"(?<!\w)(?:có|(?<!đối )với|gồm|bao gồm|là|còn|sinh hoạt (?:tại|ở)|tổng cộng|tổng số"
    r"|trong đó|trong đó có|trong số đó|:)\s*$"
)
LIST_CONTINUES_RE = re.compile(r"^[\s()]*(?:,|và|cùng|;\s*trong đó,?)?[\s()]*(?:có\s*)?$")
ANAPHORA_RE = re.compile(r"^[\s,(]*(?:đạt|chiếm|bằng|tương đương|bằng tỷ lệ|đạt tỷ lệ|chiếm tỷ lệ|=)\s*$")
CHANGE_RE = re.compile(r"^\s*(?:lên|xuống|xuống còn|còn|lên tới|lên đến)\s*$")
# After a counted noun: a predicate that makes it a subset, not a total (alone or after "và …").
PREDICATE_AFTER_RE = re.compile(r"(?:\s+(?:và|,)\s+[^,;.]{0,40}?)?\s+(?:được|bị|phải)\s")
AVERAGE_RE = re.compile(r"(?<!\w)(?:bình quân|trung bình)(?!\w)")
PROPERTY_SUBSET_RE = re.compile(r"\s+là\s+(?!\d)")
SINCE_RE = re.compile(r"\s*(?:so với|so cùng kỳ)(?!\w)")
DELTA_RE = re.compile(r"(?<!\w)(?:tăng|giảm)(?: thêm)?\s*$")
NOT_A_FIGURE_AFTER_RE = re.compile(
    r"\s*(?:so với|kế hoạch|chỉ tiêu|dự toán|kh\b|cùng kỳ|nghị quyết|năm tuổi|tuổi đảng|năm ngày)"
)
QUALIFIER_RE = re.compile(
    r"(?<!\w)(?P<q>khoảng chừng|khoảng|xấp xỉ|chừng|ước tính|ước|gần như|hơn|trên|ngoài|gần|dưới|chưa đến|chưa tới)\s*$"
)
QUALIFIERS = {
    "khoảng": "about", "khoảng chừng": "about", "xấp xỉ": "about", "chừng": "about", "ước": "about",
    "ước tính": "about", "hơn": "over", "trên": "over", "ngoài": "over", "gần": "under",
    "gần như": "under", "dưới": "under", "chưa đến": "under", "chưa tới": "under",
}  # fmt: skip
TARGET_CUE_RE = re.compile(
    r"(?<!\w)(?<!đạt )(?<!vượt )(?<!thành )"
    r"(?:phấn đấu|chỉ tiêu|mục tiêu|kế hoạch đề ra|đề ra|dự kiến|phải đạt|hướng tới)(?!\w)"
)
ZERO_RE = re.compile(
    r"(?=k)(?<!\w)không có\s+(?:(?P<org>tổ chức cơ sở đảng|tccsđ|tổ chức đảng|đảng bộ,\s*chi bộ cơ sở|đảng bộ cơ sở)"
    r"|(?P<cell>chi bộ)|(?P<member>đảng viên|đv))\s+(?:nào\s+)?(?:bị\s+)?(?:xếp loại\s+)?"
    r"(?:(?P<weak>yếu kém)|(?P<notdone>không hoàn thành nhiệm vụ)|(?P<violation>vi phạm|bị kỷ luật|bị xử lý kỷ luật))"
)
YEAR_RE = re.compile(r"(?=n)(?<!\w)năm\s+(?P<year>(?:19|20)\d{2})(?!\s*[-–]\s*\d)(?!\d)")
PERIOD_RE = re.compile(
    r"(?=[ngt])(?<!\w)(?:nhiệm kỳ|giai đoạn|thời kỳ|từ năm)\s+"
    r"(?P<a>(?:19|20)\d{2})\s*(?:[-–]|đến(?: năm)?)\s*(?P<b>(?:19|20)\d{2})"
)
YEAR_RESET_RE = re.compile(
    r"(?=[hnmctg])(?<!\w)"
    r"(?:hàng năm|hằng năm|những năm|các năm|mỗi năm|từng năm|hiện nay|hiện có|nhiệm kỳ|giai đoạn)(?!\w)"
)
# Spans that hold digits but no figure: dates, document numbers, periods.
MASK_RE = re.compile(
    r"(?=[\dn])(?:\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"
    r"|\d+\s*[-/]\s*[a-zđ]+(?:/[a-zđ0-9-]+)?"
    r"|(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}"
    r"|(?<!\w)ngày\s+\d{1,2}\s*[-/]\s*\d{1,2})"
)
# A sentence without a digit, a number word or "không có" holds no figure.
MAY_HOLD_FIGURE_RE = re.compile(
    r"\d|không có|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười|mươi|mốt|lăm|tư)"
    r"\s+(?:lượt\s+)?(?:đảng viên|đv|chi|tổ chức|tccsđ|tcđ|đảng bộ|cơ sở|quần chúng|đồng chí)(?!\w)"
)
NUMBER_RE = re.compile(
    rf"(?=\d)(?<![\w.,/-])(?:(?P<ratio>(?P<num>\d+)\s*/\s*(?P<den>\d+))|(?P<digits>{DIGITS}))(?![\w/])(?![.,]\d)"
)
PERCENT_RE = re.compile(r"\s*(?:%|phần trăm(?!\w))")

# How far before a number its noun, verb or cue may stand (characters).
GOVERNING_WINDOW = 300
_WORD_RE = re.compile(r"\S+")
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”’)]*\s+")
_YEAR_AFTER_NUMBER_RE = re.compile(r"\s*\(?\s*(?:vào\s+)?năm\s+((?:19|20)\d{2})\)?(?!\d)")
_YEAR_AFTER_PHRASE_RE = re.compile(r"\s*(?:trong\s+|vào\s+)?năm\s+((?:19|20)\d{2})(?!\d)")
_OR_MORE_RE = re.compile(r"\s+trở lên")
_ELLIPSIS_RE = re.compile(r"^[\s,]*(?:trong đó,?\s*)?(?:có\s+)?$")
_TARGET_HEAD_RE = re.compile(r"(?:phấn đấu|chỉ tiêu|mục tiêu|đề ra|dự kiến|nhiệm vụ trọng tâm)[^;]{0,40}$")
_FROM_RE = re.compile(r"(?<!\w)từ\s*$")
_BELONGS_TO_RE = re.compile(r"\s*(?:thuộc|của|trong|tại|ở)\s+")
_OF_BEFORE_RE = re.compile(r"(?:thuộc|của)\s+$")

# --- organizations -------------------------------------------------------------------------------

_LEVELS = r"huyện|xã|phường|thị trấn|thành phố|tp\.?|thị xã|tỉnh|khu phố|thôn|bản|tổ dân phố|làng|xóm|khối|trường"
_COMMITTEES = {"huyện ủy": "huyện", "thành ủy": "thành phố", "thị ủy": "thị xã", "tỉnh ủy": "tỉnh"}
_UNITS = (
    r"công an|quân sự|bộ đội biên phòng|biên phòng|khối cơ quan và doanh nghiệp|khối các cơ quan"
    r"|khối doanh nghiệp|cơ quan"
)
ORG_RE = re.compile(
    r"(?=[đchtx])(?<!\w)(?:(?P<body>đảng bộ|chi bộ|đảng ủy)\s+(?:(?P<unit>"
    + _UNITS
    + r")\s+(?P<scope>tỉnh|huyện|thành phố|thị xã)"
    r"|(?P<level>" + _LEVELS + r")\s+)?|(?P<committee>huyện ủy|thành ủy|thị ủy|tỉnh ủy)\s+)"
)
_NOT_A_NAME = {"Đảng", "Trung", "Nhân", "Cộng"}


def _name_after(text: str, pos: int) -> tuple[str, int]:
    """Capitalized words (or a number) starting at `pos`: a place name as written."""
    words = []
    end = pos
    for m in _WORD_RE.finditer(text[pos : pos + 120]):
        if m.start() != 0 and text[pos + m.start() - 1] == "\n":
            break
        word = m.group(0)
        core = word.rstrip(",.;:)”\"'!?")
        if not core or not (core[0].isupper() or core.isdigit()):
            break
        words.append(core)
        end = pos + m.start() + len(core)
        if core != word or len(words) == 4 or core.isdigit():
            break
        if pos + m.end() < len(text) and text[pos + m.end()] != " ":
            break
    return " ".join(words), end


_NAME_STOP_WORDS = frozenset(
    [
        "có",
        "với",
        "đã",
        "hiện",
        "là",
        "và",
        "được",
        "bị",
        "trong",
        "gồm",
        "luôn",
        "đang",
        "cũng",
        "sẽ",
        "vừa",
        "không",
        "tại",
        "của",
        "về",
        "cho",
        "từ",
        "nhiệm",
        "lần",
        "khóa",
        "khoá",
        "tổ",
        "đến",
        "năm",
        "thực",
        "tổ",
        "chức",
    ]
)


def _unit_name_after(text: str, m: str, pos: int) -> tuple[str, int]:
    """ "Bệnh viện Đa khoa tỉnh": a unit's name, whose later syllables may be lower case."""
    words: list[str] = []
    end = pos
    for wm in _WORD_RE.finditer(text[pos : pos + 80]):
        word = wm.group(0)
        core = word.rstrip(",.;:)”\"'!?")
        if not core or core.lower() in _NAME_STOP_WORDS or core[0].isdigit() or len(words) == 6:
            break
        words.append(core)
        end = pos + wm.start() + len(core)
        if core != word:
            break
    return " ".join(words), end


@dataclass
class Org:
    start: int
    end: int
    name: str


def find_organizations(text: str, m: str, start: int, end: int) -> list[Org]:
    """Named party organizations in text[start:end], as `Đảng bộ <level> <Name>`."""
    found = []
    for om in ORG_RE.finditer(m, start, end):
        if om["committee"]:
            name, name_end = _name_after(text, om.end())
            if name:
                found.append(Org(om.start(), name_end, f"Đảng bộ {_COMMITTEES[om['committee']]} {name}"))
            continue
        body = "Chi bộ" if om["body"] == "chi bộ" else "Đảng bộ"
        if om["unit"]:
            unit = text[om.start("unit") : om.end("scope")]
            name, name_end = _name_after(text, om.end() + 1) if m[om.end() : om.end() + 1] == " " else ("", om.end())
            label = f"{body} {unit[0].upper()}{unit[1:]}" + (f" {name}" if name else "")
            found.append(Org(om.start(), name_end if name else om.end(), label))
            continue
        name, name_end = _name_after(text, om.end())
        if not name:
            continue
        level = om["level"]
        if level is None:
            # "Đảng bộ Bệnh viện Đa khoa tỉnh": a named unit with no level word; a cell needs one.
            if name.split()[0] in _NOT_A_NAME:
                continue
            name, name_end = _unit_name_after(text, m, om.end())
            found.append(Org(om.start(), name_end, f"{body} {name}"))
            continue
        if level.startswith("tp"):
            level = "thành phố"
        elif level == "khối":
            level = "Khối"
        else:
            level = text[om.start("level") : om.end("level")]
        found.append(Org(om.start(), name_end, f"{body} {level} {name}"))
    return found


# --- results --------------------------------------------------------------------------------------


@dataclass
class Figure:
    metric: str
    value: int | float
    unit: str
    of_total: int | float | None
    kind: str
    qualifier: str
    year: int | None
    period: str | None
    organization: str | None
    category: str | None
    start: int
    end: int
    # The sentence it was read from, as offsets into the body: stored once, as part of the body.
    sentence_start: int
    sentence_end: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)  # flat values only: dataclasses.asdict's deep copy is not needed


@dataclass(frozen=True)
class Bounds:
    """How much work one article may cost: a sentence is read in pieces of at most `sentence_chars`,
    reading stops after `numbers` numbers, and at most `figures` figures are kept (the first ones).
    A report holds tens of numbers; these bounds only stop pages that are not reports."""

    sentence_chars: int = 2000
    numbers: int = 5000
    figures: int = 500

    @classmethod
    def from_settings(cls, settings: Any) -> Bounds:
        return cls(
            settings.getint("FIGURES_MAX_SENTENCE_CHARS", cls.sentence_chars),
            settings.getint("FIGURES_MAX_NUMBERS", cls.numbers),
            settings.getint("FIGURES_MAX_PER_ARTICLE", cls.figures),
        )


@dataclass
class _Mention:
    start: int
    end: int  # end of the number's phrase (with % and nghìn)
    value: float
    of_total: float | None
    unit: str
    is_word: bool
    consumed: int = 0  # end of the noun, rating and attached year that belong to it
    entity: str | None = None
    metric: str | None = None
    category: str | None = None
    attached_year: int | None = None
    extra: dict = field(default_factory=dict)


# --- segmentation ---------------------------------------------------------------------------------

_ABBREVIATIONS = {"tp", "tp.", "ths", "ts", "pgs", "gs", "bs", "st", "q", "p"}


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
            cut = a + max_chars
            for mark in ("; ", ", ", " "):  # a clause's end first, then a word's
                pos = window.rfind(mark)
                if pos > max_chars // 2:
                    cut = a + pos + len(mark)
                    break
            yield a, cut
            a = cut
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
        if word_before[0].lower().rstrip(".") in _ABBREVIATIONS:
            continue
        yield s, m.start() + 1
        s = cut
    if s < end:
        yield s, end


# --- extraction -----------------------------------------------------------------------------------


def _entity(groups: dict) -> str | None:
    if groups.get("org"):
        return ORGS
    if groups.get("cell"):
        return CELLS
    if groups.get("member"):
        return MEMBERS
    return None


def _rating_metric(entity: str, rm: re.Match) -> str | None:
    if rm["weak"]:
        return f"{entity}_weak" if entity in (CELLS, ORGS) else None
    if rm["not"]:
        return f"{entity}_rated_not_completed"
    return {"xuất sắc": f"{entity}_rated_excellent", "tốt": f"{entity}_rated_good"}.get(
        rm["level"] or "", f"{entity}_rated_completed"
    )


def _verb_metric(entity: str, verb: str) -> str | None:
    if verb == "inspected":
        return "members_inspected" if entity == MEMBERS else "organizations_inspected"
    if entity != MEMBERS:
        return None
    return {"new": "members_new", "disciplined": "members_disciplined", "badge": "members_badge"}[verb]


def _last_verb(window: str) -> tuple[str | None, int]:
    best, pos = None, -1
    for regex, verb in VERB_RES:
        for vm in regex.finditer(window):
            if vm.end() > pos:
                best, pos = verb, vm.end()
    return best, pos


def _find_numbers(text: str, m: str, start: int, end: int) -> list[_Mention]:
    masks = [(mm.start(), mm.end()) for mm in MASK_RE.finditer(m, start, end)]
    mentions = []
    for nm in NUMBER_RE.finditer(m, start, end):
        a, b = nm.start(), nm.end()
        if any(ms < b and a < me for ms, me in masks) or m.endswith("năm ", start, a):
            continue  # a date, a document number, a period, or the year of "năm 2020"
        if nm["ratio"]:
            value, total = float(nm["num"]), float(nm["den"])
            if total == 0 or value > total:
                continue
        else:
            parsed = parse_number(nm["digits"])
            if parsed is None:
                continue
            value, total = parsed, None
        mentions.append(_Mention(a, b, value, total, "count", False))
    for wm in NUMBER_WORD_RE.finditer(m, start, end):
        noun = NOUN_AFTER_RE.match(m, wm.end(), end)
        if noun is None or noun["connector"] == "số":
            continue  # a number word counts only what it stands before: "năm 2020" is no five
        value = parse_number(wm.group(0))
        if value is not None:
            mentions.append(_Mention(wm.start(), wm.end(), value, None, "count", True))
    mentions.sort(key=lambda x: x.start)
    for mt in mentions:
        th = THOUSAND_RE.match(m, mt.end)
        if th and not mt.is_word and mt.of_total is None:
            mt.value *= 1000
            mt.end = th.end()
        pc = PERCENT_RE.match(m, mt.end)
        if pc and not mt.is_word:
            mt.unit = "percent"
            mt.end = pc.end()
        mt.consumed = mt.end
    return mentions


def _read_after(m: str, mt: _Mention, clause_end: int) -> None:
    """Fill the mention's entity, rating, category and attached year from the words after it."""
    pos = mt.end
    ym = _YEAR_AFTER_NUMBER_RE.match(m, pos, clause_end)
    if ym and mt.unit == "percent":
        mt.attached_year, pos = int(ym[1]), ym.end()
    nm = NOUN_AFTER_RE.match(m, pos, clause_end)
    if nm and not (mt.is_word and nm["connector"] == "số"):
        groups = nm.groupdict()
        if groups["masses"]:
            mt.extra["masses"] = True
            mt.entity = MEMBERS
        elif groups["comrade"]:
            mt.extra["comrade"] = True
            mt.entity = MEMBERS
        else:
            mt.entity = _entity(groups)
        pos = nm.end()
        if mt.entity == CELLS:
            cm = CELL_CATEGORY_RE.match(m, pos, clause_end)
            if cm:
                if cm["cat"] != "trực thuộc":
                    mt.category = cm["cat"]
                pos = cm.end()
    rm = RATING_RE.match(m, pos, clause_end)
    if rm and (mt.entity or mt.unit == "percent"):
        mt.extra["rating"] = rm
        pos = rm.end()
    elif mt.entity == MEMBERS:
        for regex, flag in AFTER_VERB_RES:
            am = regex.match(m, pos, clause_end)
            if am:
                mt.extra["after_verb"] = flag
                pos = am.end()
                break
    ym = _YEAR_AFTER_PHRASE_RE.match(m, pos, clause_end)
    if ym and mt.attached_year is None:
        mt.attached_year, pos = int(ym[1]), ym.end()
    if _OR_MORE_RE.match(m, pos, clause_end):
        mt.extra["or_more"] = True
    mt.consumed = pos


def _clause_start(m: str, sent_start: int, pos: int) -> int:
    cut = max(m.rfind(";", sent_start, pos), m.rfind(":", sent_start, pos))
    return cut + 1 if cut >= 0 else sent_start


def _clause_end(m: str, pos: int, sent_end: int) -> int:
    cuts = [i for i in (m.find(";", pos, sent_end), m.find(":", pos, sent_end)) if i >= 0]
    return min(cuts) if cuts else sent_end


def _resolve_metric(m: str, mt: _Mention, prev: _Mention | None, sent_start: int) -> None:
    clause_start = _clause_start(m, sent_start, mt.start)
    # The words that can govern a number stand close before it: a bounded window keeps a sentence of
    # a thousand numbers linear.
    clause_start = max(clause_start, mt.start - GOVERNING_WINDOW)
    window_start = max(clause_start, prev.consumed if prev else clause_start)
    window = m[window_start : mt.start]
    if NOT_A_FIGURE_AFTER_RE.match(m, mt.end) and (mt.unit == "percent" or mt.entity is None):
        return  # "đạt 107,5% kế hoạch", "16/16 chỉ tiêu": a share of a plan, not a count
    if DELTA_RE.search(window) or SINCE_RE.match(m, mt.consumed):
        return  # "tăng 3 đảng viên", "giảm 11 đồng chí so với năm 2022": a difference, not a count
    rating = mt.extra.get("rating")
    # A figure that follows the previous one: "…, đạt 94,3%", "tăng từ X lên Y", "trong đó 15% hoàn thành …".
    if mt.entity is None and prev is not None and prev.metric and prev.consumed <= mt.start:
        between = m[prev.consumed : mt.start]
        if mt.unit == "percent" and ANAPHORA_RE.match(between) and not rating and _may_be_a_share(prev.metric):
            mt.metric, mt.entity = prev.metric, prev.entity
            return
        if CHANGE_RE.match(between):
            mt.metric, mt.entity = prev.metric, prev.entity
            return
        if rating and _ELLIPSIS_RE.match(between) and prev.entity:
            mt.entity = prev.entity
    if mt.entity is None or mt.extra.get("comrade"):
        comrade = mt.extra.get("comrade")
        if comrade:
            mt.entity = None
        _noun_before(m, mt, window_start if prev and prev.metric else clause_start)
        if mt.metric:
            return
        if mt.entity is None and comrade:
            mt.entity = MEMBERS
        if mt.entity is None:
            return
    entity = mt.entity
    if rating:
        mt.metric = _rating_metric(entity, rating)
        return
    if mt.unit == "percent":
        return  # a share of members or cells with no rating is no metric of the vocabulary
    after_verb = mt.extra.get("after_verb")
    if AVERAGE_RE.search(window):
        return  # "bình quân mỗi năm kết nạp 17 đảng viên": an average, not a count
    if entity == MEMBERS and PROPERTY_SUBSET_RE.match(m, mt.consumed):
        return  # "9 đảng viên là người dân tộc Mông": a subset by a property outside the vocabulary
    if TOTAL_CUE_RE.search(QUALIFIER_RE.sub("", window)) and not mt.extra.get("masses"):
        if not after_verb and PREDICATE_AFTER_RE.match(m, mt.consumed) and not window.rstrip().endswith("tổng số"):
            return  # "có 25 chi bộ được công nhận …", "2 TCCSĐ và 37 đảng viên bị kỷ luật": a subset
        mt.metric = (
            "members_new"
            if after_verb == "new"
            else _verb_metric(entity, after_verb)
            if after_verb
            else ("members_total" if entity == MEMBERS else f"{entity}_total")
        )
        if mt.extra.get("comrade") and not after_verb:
            mt.metric = None
        return
    verb, _ = _last_verb(window)
    if verb is None and after_verb:
        verb = after_verb
    if verb:
        if mt.extra.get("masses") and verb != "new":
            return
        mt.metric = _verb_metric(entity, verb)
        return
    if mt.extra.get("comrade") or mt.extra.get("masses"):
        return
    if prev is not None and prev.metric and prev.entity and LIST_CONTINUES_RE.match(m[prev.consumed : mt.start]):
        if prev.metric.endswith("_total"):
            mt.metric = "members_total" if entity == MEMBERS else f"{entity}_total"
        elif prev.entity == entity or "inspected" in prev.metric:
            mt.metric = prev.metric if prev.entity == entity else _verb_metric(entity, "inspected")


def _may_be_a_share(metric: str | None) -> bool:
    """ "…, chiếm 28,6%" restates a rating as a share; a total's share ("28 đảng viên, chiếm 62% cán bộ")
    is of something else, and no metric of the vocabulary."""
    return bool(metric) and ("_rated_" in metric or metric.endswith("_weak"))


def _drop_subsets(m: str, mentions: list[_Mention], s_start: int, s_end: int) -> None:
    """After "trong đó", a figure of the same metric as the one before it is a part of it ("147 đảng
    viên, trong đó 12 đồng chí nhận Huy hiệu 60 năm"), not a figure of its own; a breakdown into
    kinds of cell (category) or into ratings (another metric) stays."""
    cut = m.find("trong đó", s_start, s_end)
    if cut < 0:
        return
    before = [mt for mt in mentions if mt.metric and mt.end <= cut]
    if not before:
        return
    parent = before[-1]
    for mt in mentions:
        if mt.start > cut and mt.metric == parent.metric and mt.unit == parent.unit and not mt.category:
            mt.metric = None


def _noun_before(m: str, mt: _Mention, window_start: int) -> None:
    """`tỷ lệ chi bộ hoàn thành tốt nhiệm vụ tăng từ 70%`, `tổng số đảng viên … là 1.204`."""
    best = None
    for nb in NOUN_BEFORE_RE.finditer(m, window_start, mt.start):
        best = nb
    if best is None or mt.start - best.end() > 120:
        return
    entity = _entity(best.groupdict())
    rest_start = best.end()
    if entity == CELLS:
        cm = CELL_CATEGORY_RE.match(m, rest_start, mt.start)
        rest_start = cm.end() if cm else rest_start
    rating = RATING_RE.match(m, rest_start, mt.start)
    prefix = best["prefix"]
    mt.entity = entity
    if rating:
        mt.metric = _rating_metric(entity, rating)
        return
    if mt.unit == "percent":
        mt.entity = None
        return
    rest = m[rest_start : mt.start]
    for regex, flag in AFTER_VERB_RES:
        if regex.match(rest):
            mt.metric = _verb_metric(entity, flag)
            return
    if prefix in ("tổng số", "số", "số lượng"):
        verb, _ = _last_verb(rest)
        mt.metric = (
            _verb_metric(entity, verb) if verb else ("members_total" if entity == MEMBERS else f"{entity}_total")
        )


def _is_target(m: str, clause_start: int, pos: int, sent_start: int | None = None) -> bool:
    """A goal, not a result: a target cue in the clause, or before the colon that opens a list of goals."""
    if TARGET_CUE_RE.search(m, clause_start, pos):
        return True
    colon = m.rfind(":", sent_start if sent_start is not None else clause_start, pos)
    if colon >= 0:
        head = m[sent_start if sent_start is not None else clause_start : colon]
        return bool(_TARGET_HEAD_RE.search(head))
    return False


def _qualifier(m: str, mt: _Mention, sent_start: int) -> str:
    qm = QUALIFIER_RE.search(m, max(sent_start, mt.start - 20), mt.start)
    if qm:
        return QUALIFIERS[qm["q"]]
    if mt.extra.get("or_more") and _FROM_RE.search(m[max(sent_start, mt.start - 6) : mt.start]):
        return "over"
    return "exact"


@dataclass
class _TimeMark:
    pos: int
    year: int | None  # None: a mark that says "no single year" (hàng năm, nhiệm kỳ, hiện nay)
    comparison: bool = False  # "so với năm 2022": a reference point, not the time being told about


def _time_marks(m: str, start: int, end: int, attached: set[int]) -> list[_TimeMark]:
    marks = [
        _TimeMark(
            ym.start(), int(ym["year"]), comparison=m[max(start, ym.start() - 7) : ym.start()].endswith("so với ")
        )
        for ym in YEAR_RE.finditer(m, start, end)
        if ym.start() not in attached
    ]
    marks += [_TimeMark(rm.start(), None) for rm in YEAR_RESET_RE.finditer(m, start, end)]
    return sorted(marks, key=lambda t: t.pos)


def extract_figures(
    text: str, published: str | None = None, *, bounds: Bounds | None = None, hits: list[dict] | None = None
) -> list[Figure]:
    """Every party-building figure of an article body (NFC text, paragraphs split by blank lines).

    `published` (ISO date) is accepted for context; a figure's year is only ever one the text states.
    Each bound of `bounds` that was reached is appended to `hits` (name, observed, allowed).
    """
    bounds = bounds or Bounds()
    cut: list[int] = []
    text = unicodedata.normalize("NFC", text or "")
    m = match_form(text)
    figures: list[Figure] = []
    article_org: str | None = None
    numbers_read = 0
    for p_start, p_end in paragraphs(text):
        if numbers_read > bounds.numbers:
            break
        # Within a paragraph the organization and year carry over; across paragraphs only the
        # organization does, as the article's subject, until a paragraph names another.
        carried_org: str | None = article_org
        carried_year: int | None = None
        for s_start, s_end in sentences(text, p_start, p_end, bounds.sentence_chars, cut):
            if numbers_read > bounds.numbers:
                break
            orgs = find_organizations(text, m, s_start, s_end)
            if not MAY_HOLD_FIGURE_RE.search(m, s_start, s_end):
                if orgs:
                    carried_org = article_org = orgs[-1].name
                continue
            mentions = _find_numbers(text, m, s_start, s_end)
            numbers_read += len(mentions)
            prev: _Mention | None = None
            for mt in mentions:
                if prev is not None and mt.start < prev.consumed:
                    continue  # a number inside the previous figure's phrase
                _read_after(m, mt, _clause_end(m, mt.end, s_end))
                _resolve_metric(m, mt, prev, s_start)
                if mt.metric:
                    prev = mt
            _drop_subsets(m, mentions, s_start, s_end)
            attached_positions = set()
            for mt in mentions:
                if mt.attached_year is not None:
                    ym = YEAR_RE.search(m, mt.end, mt.consumed)
                    if ym:
                        attached_positions.add(ym.start())
            marks = _time_marks(m, s_start, s_end, attached_positions)
            sentence_span = _stripped(text, s_start, s_end)
            for mt in mentions:
                if not mt.metric:
                    continue
                figures.append(
                    _figure(text, m, mt, orgs, marks, carried_org, carried_year, s_start, s_end, sentence_span)
                )
            if orgs:
                carried_org = article_org = orgs[-1].name
            topical = [t for t in marks if not t.comparison]
            if topical:
                carried_year = topical[-1].year
            figures.extend(
                _zero_figures(text, m, s_start, s_end, orgs, carried_org, marks, carried_year, sentence_span)
            )
    figures.sort(key=lambda f: f.start)
    if hits is not None:
        if cut:
            hits.append({"name": "sentence_chars", "observed": max(cut), "allowed": bounds.sentence_chars})
        if numbers_read > bounds.numbers:  # reading stopped there: at least this many
            hits.append({"name": "numbers", "observed": numbers_read, "allowed": bounds.numbers})
        if len(figures) > bounds.figures:
            hits.append({"name": "figures", "observed": len(figures), "allowed": bounds.figures})
    return figures[: bounds.figures]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _year_for(pos: int, marks: list[_TimeMark], carried_year: int | None) -> int | None:
    before = [t for t in marks if t.pos < pos]
    return before[-1].year if before else carried_year


def _figure(text, m, mt, orgs, marks, carried_org, carried_year, s_start, s_end, sentence_span) -> Figure:
    clause_start = _clause_start(m, s_start, mt.start)
    year = mt.attached_year if mt.attached_year is not None else _year_for(mt.start, marks, carried_year)
    period = None
    for pm in PERIOD_RE.finditer(m, s_start, s_end):
        if pm.start() < mt.start or pm.start() <= mt.consumed + 12:
            period = f"{pm['a']}-{pm['b']}"
    org = _org_for(text, m, mt, orgs, carried_org)
    return Figure(
        metric=mt.metric,
        value=as_number(mt.value),
        unit=mt.unit,
        of_total=as_number(mt.of_total) if mt.of_total is not None else None,
        kind="target" if _is_target(m, clause_start, mt.start, s_start) else "actual",
        qualifier=_qualifier(m, mt, s_start),
        year=year,
        period=period,
        organization=org,
        category=mt.category if mt.metric == "cells_total" else None,
        start=mt.start,
        end=mt.end,
        sentence_start=sentence_span[0],
        sentence_end=sentence_span[1],
    )


def _org_for(text: str, m: str, mt: _Mention, orgs: list[Org], carried_org: str | None) -> str | None:
    after = _BELONGS_TO_RE.match(m, mt.consumed)
    if after:
        for org in orgs:
            if org.start == after.end():
                return org.name
    before = [o for o in orgs if o.end <= mt.start]
    if before:
        return before[-1].name
    for org in orgs:  # "... cho 2 đồng chí, ... cho 15 đồng chí thuộc Đảng bộ huyện X": named once, at the end
        if org.start > mt.start and _OF_BEFORE_RE.search(m[max(0, org.start - 8) : org.start]):
            return org.name
    return carried_org


def _zero_figures(text, m, s_start, s_end, orgs, carried_org, marks, carried_year, sentence_span) -> list[Figure]:
    found = []
    for zm in ZERO_RE.finditer(m, s_start, s_end):
        entity = _entity(zm.groupdict())
        if zm["weak"]:
            metric = f"{entity}_weak" if entity != MEMBERS else None
        elif zm["notdone"]:
            metric = f"{entity}_rated_not_completed"
        else:
            metric = "members_disciplined" if entity == MEMBERS else None
        if not metric:
            continue
        before = [o for o in orgs if o.end <= zm.start()]
        prior_org = before[-1].name if before else (carried_org if not orgs or orgs[0].start > zm.start() else None)
        found.append(
            Figure(
                metric=metric,
                value=0,
                unit="count",
                of_total=None,
                kind="target"
                if _is_target(m, _clause_start(m, s_start, zm.start()), zm.start(), s_start)
                else "actual",
                qualifier="exact",
                year=_year_for(zm.start(), marks, carried_year),
                period=None,
                organization=prior_org,
                category=None,
                start=zm.start(),
                end=zm.end(),
                sentence_start=sentence_span[0],
                sentence_end=sentence_span[1],
            )
        )
    return found


# --- documents ------------------------------------------------------------------------------------

DOC_KINDS = {
    "nq": "nghị quyết", "ct": "chỉ thị", "kl": "kết luận", "qđi": "quy định", "qđ": "quyết định",
    "kh": "kế hoạch", "đa": "đề án", "hd": "hướng dẫn", "tb": "thông báo", "ctr": "chương trình",
}  # fmt: skip
DOC_RE = re.compile(
    r"(?=[nckqhđt\d])(?:(?P<kind>nghị quyết|chỉ thị|kết luận|quy định|quyết định|kế hoạch|đề án|hướng dẫn"
    r"|thông báo|chương trình)"
    r"\s+(?:số\s+)?)?(?<![\w-])(?P<number>\d{1,4}\s*-\s*(?P<code>[a-zđ]{1,4})\s*/\s*(?P<issuer>[a-zđ]{1,5}))(?![\w/])"
    r"(?:\s*,?\s*ngày\s+(?P<d>\d{1,2})\s*[-/.]\s*(?P<mo>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}))?"
)


@dataclass
class Document:
    kind: str
    number: str
    issuer: str
    date: str | None
    start: int
    end: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)  # flat values only: dataclasses.asdict's deep copy is not needed


def extract_documents(text: str) -> list[Document]:
    """Each cited party document once.

    `Nghị quyết số 22-NQ/TW, ngày 2-2-2008` → nghị quyết, 22-NQ/TW, TW, 2008-02-02.
    """
    text = unicodedata.normalize("NFC", text or "")
    if "/" not in text:
        return []  # every party document number has a slash: 22-NQ/TW
    m = match_form(text)
    seen: dict[str, Document] = {}
    for dm in DOC_RE.finditer(m):
        number = "".join(text[dm.start("number") : dm.end("number")].split())
        issuer = number.split("/")[-1]
        kind = dm["kind"] or DOC_KINDS.get(dm["code"])
        if not kind:
            continue
        date = None
        if dm["y"]:
            d, mo, y = int(dm["d"]), int(dm["mo"]), int(dm["y"])
            if 1 <= d <= 31 and 1 <= mo <= 12:
                date = f"{y:04d}-{mo:02d}-{d:02d}"
        key = number.upper()
        if key in seen:
            if date and not seen[key].date:
                seen[key].date = date
            continue
        seen[key] = Document(kind, number, issuer, date, dm.start(), dm.end())
    return list(seen.values())


def extract_rows(
    body: str, published: str | None = None, bounds: Bounds | None = None
) -> tuple[list[dict], list[dict], list[dict]]:
    """An article's figures and documents as rows for the `figures` and `documents` tables, and the
    bounds its extraction reached (rows for `limits`)."""
    hits: list[dict] = []
    figures = [f.as_dict() for f in extract_figures(body, published, bounds=bounds, hits=hits)]
    return figures, [d.as_dict() for d in extract_documents(body)], hits


# --- command line ---------------------------------------------------------------------------------

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
    parser.add_argument("--max-bytes", type=int, default=MAX_INPUT_BYTES, help="refuse larger inputs (default 20 MiB)")
    args = parser.parse_args(argv)
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
