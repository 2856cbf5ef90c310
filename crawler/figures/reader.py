"""The clause-level reader: how a sentence's numbers become figures, in one visible order.

For each sentence (paragraphs are walls: nothing carries across a blank line):

1. **Segment**: clauses at `;`, `:`, a spaced dash and parentheses (text.py); numbers, with the
   digits that are no count masked (numbers.py); organizations, level phrases and classes of bodies
   (organizations.py); years, periods and comparisons (time.py).
2. **Read around each number**, left to right. After it: the counted noun, the kind or attribute
   words after the noun, a rating or a verb said after it (`được kết nạp`), `trở lên`. Before it,
   back to the previous number: a rating label said first, the verb that governs it, a subject
   noun, a total cue (`có`, `với`, `nâng tổng số ... lên`), a share cue (`chiếm`), a breakdown cue
   (`trong đó`, `gồm`, a parenthesis), a qualifier, words that make it no figure.
3. **Decide** with the rules of `RULES`, in order: not a count → entity → predicate → metric.
   What a number lacks it takes from the figure before it in the sentence (a list that runs on
   after `,`, `và`, `;`), and a part after `trong đó` takes its whole's metric and names its part
   in `category`.
4. **Attribute**: category, qualifier, kind (target), year or period, organization.
5. Totals given as the denominator of `X/Y` or `X trong tổng số Y`, zero statements (`không có chi
   bộ yếu kém`), and one row for a figure said twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from crawler.figures import lexicon as lx
from crawler.figures.lexicon import rx
from crawler.figures.metrics import metric_for
from crawler.figures.numbers import Mention, as_number, find_mentions
from crawler.figures.organizations import Org, body_classes, find_organizations, find_scopes
from crawler.figures.text import Clause, clauses, match_form, paragraphs, sentences
from crawler.figures.time import TimeMark, period_matches, periods, time_marks
from crawler.figures.vocabulary import CELLS, MEMBERS, ORGS


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
    value_max: int | float | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)  # flat values only: dataclasses.asdict's deep copy is not needed

    def meaning(self) -> tuple:
        """What makes two rows the same figure said twice."""
        return (self.metric, self.value, self.unit, self.value_max, self.organization, self.year, self.period,
                self.kind, self.category)  # fmt: skip


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


# How far before a number its noun, verb or cue may stand (characters).
GOVERNING_WINDOW = 300


@dataclass
class Item:
    """A number of a sentence and what the reader learned about it."""

    mt: Mention
    clause: Clause
    entity: str | None = None
    predicate: str | None = None
    how: str = ""  # how the predicate was found: rating, verb, after, total, share, list, part
    category: str | None = None
    attribute: str | None = None  # member attributes after the noun: the category if it is a part
    noun: str | None = None  # the counted noun as written
    noun_start: int = 0
    noun_end: int = 0
    consumed: int = 0  # end of the noun, kind words, rating and attached year that belong to it
    lead_start: int = 0
    skip: str | None = None
    or_more: bool = False
    attached_year: int | None = None
    foreign: str | None = None  # a noun after the number that is not the party's (households, ...)
    part_of: Item | None = None
    total_given: bool = False  # `X trong tổng số Y`: the whole Y is a number of its own
    read_as: tuple[str, int | None] | None = None  # its figure's kind and year, once read

    @property
    def metric(self) -> str | None:
        return None if self.skip else metric_for(self.entity, self.predicate)


@dataclass
class Paragraph:
    """What carries from sentence to sentence inside a paragraph (never across one)."""

    org: Org | None = None
    year: int | None = None
    period: str | None = None
    last: dict[str, Item] = field(default_factory=dict)  # predicate → the last figure said with it
    prev_items: list[Item] = field(default_factory=list)  # the previous sentence's figures


@dataclass
class Sentence:
    text: str
    m: str
    start: int
    end: int
    clauses: list[Clause]
    orgs: list[Org]
    scopes: list[Org]
    classes: list[tuple[int, int]]
    marks: list[TimeMark]
    periods: list[tuple[int, int, str]]
    breakdowns: list[tuple[int, int]]
    items: list[Item] = field(default_factory=list)
    last_at_depth: dict[int, Item] = field(default_factory=dict)  # the last figure outside (or inside) parentheses
    topic: tuple[str, str] | None = None  # a fronted subject (`Ở các chi bộ trực thuộc ...,`): entity, category

    def clause_at(self, pos: int) -> Clause:
        for c in self.clauses:
            if c.start <= pos < c.end:
                return c
        return self.clauses[-1]


def _last(matches):
    """The last of an iterator of matches, or None."""
    last = None
    for last in matches:  # noqa: B007
        pass
    return last


def _entity(groups: dict) -> str | None:
    if groups.get("org") or groups.get("orgkind") or groups.get("pair"):
        return ORGS
    if groups.get("cell"):
        return CELLS
    if groups.get("member") or groups.get("memberkind"):
        return MEMBERS
    return None


def _clean(text: str) -> str:
    return " ".join(text.strip(" ,;:-–\"'()").split())


# --- 2. reading around a number ---------------------------------------------------------------------

_ATTRIBUTE_STOP_RE = re.compile(
    r"[;:.()\[\],]|\s(?:và|với|chiếm|đạt|nhận|hoàn thành|không hoàn thành|trở lên|so với|nâng"
    r"|sinh hoạt|trong đó|thuộc|của|ở mức|tăng|giảm|bằng|tỷ lệ|là đảng viên|có vi phạm)(?!\w)|\s\d(?![\d.,]*\s+tuổi)"
    r"|\s(?:bị|được|phải|đã|đều)\s+(?:thi hành|kỷ luật|khiển trách|cảnh cáo|cách chức|khai trừ|xử lý|kết nạp|trao|tặng"
    r"|nhận|xếp loại|đánh giá|kiểm tra|giám sát|công nhận|truy tặng|vi phạm)"
)
_ATTRIBUTE_LEAD_RE = re.compile(r"^(?:(?:đều là|là|người|những|các|,)\s+)+")
# Holders of a badge of N years or more are a stock of the membership, not an award: `trong đó 612 đảng
# viên đã được tặng Huy hiệu từ 40 năm tuổi Đảng trở lên`.
_BADGE_STOCK_RE = re.compile(
    r"\s+(?:đã\s+)?(?:được\s+)?(?:trao\s+)?(?:tặng|nhận)\s+(?P<stock>huy hiệu\s+từ\s+\d+\s+năm\s+tuổi\s+đảng\s+trở lên)"
)
# The units rated, said with no rating: `có 51 TCCSĐ được xếp loại; trong đó ...` (settled case 5).
_RATED_POPULATION_RE = re.compile(r"\s+(?:được\s+)?(?:đánh giá,\s*)?xếp loại(?=\s*(?:[;.:)]|$))")
_MEMBER_POPULATION_RE = re.compile(r"\s+(?P<population>[^\d;:.()]{2,60}?)\s+là\s+đảng viên(?!\w)")


_ADMITTED_PEOPLE = frozenset(lx.v.ADMITTED_PEOPLE)
_ADMITTED_FOR_RE = re.compile(r"kết nạp\s+(?:vào\s+)?đảng\s+cho\s+(?:(?:khoảng|hơn|gần|trên)\s+)?$")


def read_tail(s: Sentence, it: Item, limit: int) -> None:
    """What stands after the number: noun, kind or attribute, rating or verb, `trở lên`, its year."""
    m, pos = s.m, it.mt.end
    ym = rx(r"\s*\(?\s*(?:vào\s+|trong\s+)?năm\s+((?:19|20)\d{2})\)?(?!\d)").match(m, pos, limit) or (
        rx(r"\s+(?:cơ sở|đơn vị)\s+năm\s+((?:19|20)\d{2})(?!\d)(?!\s*(?:đạt|được|xếp|hoàn thành))").match(m, pos, limit)
    )  # `xuống còn 1 cơ sở năm 2007`: the year of the change's value
    if ym:
        it.attached_year, pos = int(ym[1]), ym.end()
    more = lx.OR_MORE_RE.match(m, pos, limit)
    if more and lx.NOUN_RE.match(m, more.end(), limit):
        it.or_more, pos = True, more.end()  # `từ 85% trở lên tổ chức cơ sở đảng`
    form = rx(r"\s+(khiển trách|cảnh cáo|cách chức|khai trừ)(?!\w)").match(m[pos:limit])
    if form and not lx.NOUN_RE.match(m, pos, limit):
        it.predicate, it.how, it.category = "disciplined", "after", form.group(1)  # `(4 khiển trách, 1 cảnh cáo)`
        it.consumed = pos + form.end()
        return
    if (
        it.mt.unit == "count"
        and it.mt.of_total is None
        and "tỷ lệ" in (window := m[max(s.start, it.mt.start - 60) : it.mt.start])
        and rx(r"(?<!\w)tỷ lệ[^\d;]{0,40}?(?:đạt|là|chiếm|bằng)\s*(?:khoảng|trên|gần|hơn|dưới)?\s*$").search(window)
        and not lx.NOUN_RE.match(m, pos, limit)
    ):
        it.mt.unit = "percent"  # `tỷ lệ kết nạp đạt 3,4 so với tổng số đảng viên`: a rate, with or without %
    nm = lx.NOUN_RE.match(m, pos, limit)
    foreign = lx.FOREIGN_RE.match(m, pos, limit)
    population = _MEMBER_POPULATION_RE.match(m, pos, limit)
    if (
        population
        and (nm is None or nm.end() > population.start("population") + 1)
        and not lx.NOUN_RE.fullmatch(m, population.start("population") - 1, population.end("population"))
    ):  # `69/73 trưởng thôn, khu phố là đảng viên`: members inside another population
        it.entity, it.predicate, it.how = MEMBERS, "total", "total"
        it.category = _clean(s.text[population.start("population") : population.end("population")])
        it.consumed = population.end()
        return
    unit = lx.RATED_UNIT_RE.match(m, pos, limit) if nm is None else None
    if unit:
        said = _last(lx.NOUN_RE.finditer(m, s.start, it.mt.start))
        it.entity = CELLS if said is not None and _entity(said.groupdict()) == CELLS else ORGS
        it.noun_end = pos = unit.end()
        foreign = None
    if (
        foreign
        and nm is None
        and m[foreign.start() : foreign.end()].strip() in _ADMITTED_PEOPLE
        and (
            _ADMITTED_FOR_RE.search(m, max(s.start, it.mt.start - 40), it.mt.start)
            or rx(r"[^\d,;:.()]{0,30}?\svào đảng(?!\w)").match(m, foreign.end(), limit)
        )
    ):  # `kết nạp Đảng cho 9 học sinh`, `kết nạp 9 học sinh vào Đảng`: those admitted are members now
        it.entity, it.noun = MEMBERS, s.text[foreign.start() : foreign.end()].strip()
        it.noun_start, it.noun_end = foreign.end() - len(it.noun), foreign.end()
        foreign = None
    if foreign and (nm is None or foreign.end() > nm.end()):
        it.foreign = m[foreign.start() : foreign.end()].strip()
        it.consumed = foreign.end()
        return
    if nm and it.mt.unit == "percent" and nm["member"] in ("cán bộ", "người"):
        nm = None  # `100% cán bộ, chiến sĩ`: a share of the staff, not of the members
        it.foreign = "cán bộ"
        it.consumed = pos
        return
    if nm and it.entity is None:
        stock = _BADGE_STOCK_RE.match(m, nm.end(), limit)
        if stock:
            it.entity, it.predicate, it.how = MEMBERS, "total", "total"
            it.noun, it.noun_start, it.noun_end = s.text[nm.start() : nm.end()].strip(), nm.start(), nm.end()
            it.category = s.text[stock.start("stock") : stock.end("stock")]
            it.consumed = stock.end()
            return
    if nm:
        groups = nm.groupdict()
        it.entity = _entity(groups)
        it.noun_start = nm.start("member") if groups["member"] else nm.end() - len(nm.group(0).lstrip())
        it.noun = s.text[nm.start() : nm.end()].strip()
        pos = it.noun_end = nm.end()
        if groups["orgkind"] and not groups["orgkind"].startswith("chi ủy"):
            kind_end = _org_kind_end(m, pos, limit)
            it.category = _clean(s.text[nm.start("orgkind") : kind_end])
            pos = kind_end
        elif groups["memberkind"]:
            it.category = groups["memberkind"]
        elif it.entity == CELLS:
            km = lx.CELL_KIND_RE.match(m, pos, limit)
            if km:
                kind = _clean(s.text[km.start("kind") : km.end("kind")])
                if kind.lower() != "trực thuộc":
                    it.category = kind
                pos = km.end()
            elif rx(r"\s+trực thuộc(?!\w)").match(m[pos:limit]):
                pos = pos + len(rx(r"\s+trực thuộc").match(m[pos:limit]).group(0))
        elif it.entity == ORGS:
            # `trong` of `trong sạch, vững mạnh` is the rating's, not where the organizations are.
            km = rx(r"\s+(?:ở|trong(?!\s+sạch)|tại)\s+(?P<kind>[^\d,;:.()]{3,50}?)(?=\s*(?:[,;:.()]|với|và|$))").match(
                m[pos:limit]
            )
            if km:
                it.category = _clean(s.text[pos + km.start("kind") : pos + km.end("kind")])
                pos += km.end()
    rm = lx.RATING_AFTER_RE.match(m, pos, limit)
    if rm:
        it.predicate, it.how = lx.RATING_KEY[rm["label"]], "rating"
        pos = rm.end()
        ex = rx(r"\s*,?\s*tiêu biểu(?!\w)").match(m[pos:limit])
        if ex and it.predicate == "clean_strong":
            it.predicate = "clean_strong_exemplary"
            pos += ex.end()
    else:
        if it.entity == MEMBERS or (it.entity is None and rx(r"\s+là\s").match(m[pos:limit])):
            attr = _member_attribute(s, pos, limit)  # `xấp xỉ 60% là đoàn viên thanh niên`
            if attr:
                it.attribute, pos = attr
        av = lx.AFTER_VERB_RE.match(m, pos, limit)
        if av and (it.entity is not None or av["verb"] not in ("mới", "vi phạm")):
            it.predicate, it.how = lx.after_verb_key(av["verb"]), "after"
            pos = av.end()
            form = lx.FORM_RE.search(m, av.start(), min(limit, av.end() + 20))
            if it.predicate == "disciplined" and form:
                it.category = form.group(0)
            badge = rx(r"[^;,.]{0,30}?(\d+\s+năm(?:\s+tuổi\s+đảng)?)(?!\w)").match(m[pos:limit])
            if it.predicate == "badge" and badge:
                it.category = _badge_category(s.text[pos + badge.start(1) : pos + badge.end(1)])
                pos += badge.end()
            if not it.attribute and it.entity == MEMBERS:
                attr = _member_attribute(s, pos, limit)
                if attr:
                    it.attribute, pos = attr
    by_form = rx(
        r"\s*,?\s*(?:bằng|với)\s+(?:các\s+)?hình thức\s*:?\s*(khiển trách|cảnh cáo|cách chức|khai trừ)(?!\w)"
    ).match(
        m[pos:limit],
    )
    if by_form:
        it.category, pos = by_form.group(1), pos + by_form.end()  # `kỷ luật 2 đảng viên bằng hình thức khiển trách`
    more = lx.OR_MORE_RE.match(m, pos, limit)
    if more:
        it.or_more = it.how != "rating"
        pos = more.end()
    if it.mt.unit == "percent" and it.attribute and not it.category:
        it.category = it.attribute  # `40% đảng viên mới là người dân tộc Thái`: a share by attribute
    ym = rx(r"\s*(?:trong\s+|vào\s+)?năm\s+((?:19|20)\d{2})(?!\d)").match(m, pos, limit)
    if ym and it.attached_year is None and it.mt.unit == "count" and it.noun:
        it.attached_year, pos = int(ym[1]), ym.end()
    it.consumed = pos


_ORG_KIND_TAIL_RE = re.compile(
    r"(?:\s+(?:xã|phường|thị trấn|cơ quan|doanh nghiệp|trực thuộc|huyện|thị xã|thành phố|khối|trường học"
    r"|lực lượng vũ trang|quân sự|công an)(?:,\s*(?:xã|phường|thị trấn|thị xã|thành phố|huyện))*)+"
    r"(?=\s*(?:[,;:.()]|và\s|với\s|$|\s))"
)


def _org_kind_end(m: str, pos: int, limit: int) -> int:
    """`đảng bộ xã, thị trấn`, `đảng bộ cơ quan`: the level or place words after a kind of organization."""
    km = _ORG_KIND_TAIL_RE.match(m[pos:limit])
    return pos + km.end() if km else pos


_EXEMPT_RE = re.compile(
    r"\s*(?:đã\s+)?(?:được\s+)?(?P<what>miễn\s+(?:sinh hoạt|công tác)(?:\s*(?:,|và)\s*(?:sinh hoạt|công tác))*"
    r"(?:\s+đảng)?)(?!\w)"
)


def _member_attribute(s: Sentence, pos: int, limit: int) -> tuple[str, int] | None:
    """`nữ`, `dự bị`, `là người dân tộc thiểu số`, `đang làm việc tại ...`: what picks out part of the members."""
    at = pos
    while True:
        stop = _ATTRIBUTE_STOP_RE.search(s.m, at, limit)
        # `dân tộc Dao, Sán Chỉ, Tày`: a comma before a name goes on with the same attribute
        if (
            stop
            and stop.group(0) == ","
            and rx(r"\s*[A-ZĐ][^\W\d_]*(?=\W|$)").match(s.text[stop.end() : stop.end() + 20])
        ):
            at = stop.end()
            continue
        break
    end = stop.start() if stop else limit
    raw = s.m[pos:end]
    if not raw.strip() or lx.RATING_RE.search(raw) or lx.AFTER_VERB_RE.match(raw):
        return None
    exempt = _EXEMPT_RE.match(s.m, pos, limit)
    if exempt:  # `48 đảng viên được miễn sinh hoạt, công tác`: part of the membership (settled case 5 is the review)
        return s.text[exempt.start("what") : exempt.end("what")], exempt.end()
    lead = _ATTRIBUTE_LEAD_RE.match(raw.strip())
    offset = pos + (len(raw) - len(raw.lstrip())) + (lead.end() if lead else 0)
    # `21 đồng chí ở các bản chưa có đảng viên`: the part is where they are, without the preposition.
    offset += len(place.group(0)) if (place := rx(r"(?:ở|tại)\s+").match(s.m, offset, end)) else 0
    text = _clean(s.text[offset:end])
    if (
        not text
        or len(text) > 60
        or rx(
            r"(?:mới|đều|được|đã)(?!\w)|trong\s+(?:năm|đó|số|tổng|toàn|đợt|quý|tháng|nhiệm|giai|thời|dịp|cả)(?!\w)"
        ).match(
            text.lower(),
        )
    ):
        return None
    return text, end


def _badge_category(text: str) -> str:
    """`30 năm tuổi đảng` → `30 năm tuổi Đảng`, as the spec writes a badge."""
    words = text.split()
    return " ".join([*words[:-1], "Đảng"]) if words and words[-1].lower() == "đảng" else text


# --- 3. deciding: the rules, in order ----------------------------------------------------------------


# These make a count no figure even when a verb follows them: `đề nghị thi hành kỷ luật 58 đảng viên`.
_ALWAYS_NOT_A_FIGURE = ("bình quân", "trung bình", "mỗi năm", "mỗi chi bộ", "mỗi xã", "mỗi đảng bộ", "mỗi tổ chức",
                        "đề nghị", "đề xuất", "xét đề nghị")  # fmt: skip


_COMMITTEE_AT_END = lx.AtEnd(
    re.compile(
        r"(?<!\w)(?:ban chấp hành|ban thường vụ|ủy ban kiểm tra|ubkt|chi ủy)(?!\w)[^\d;,]{0,50}?"
        r"(?:có|gồm|bao gồm)\s*(?:khoảng|trên|gần|hơn|dưới)?\s*$"
    ),
    ["có", "gồm", "khoảng", "trên", "gần", "hơn", "dưới"],
)
NOT_OF_THE_VOCABULARY = "not a figure of the vocabulary (evaluated, all did, compared)"
_PLACES_WITH_RE = re.compile(
    r"(?<!\w)tỷ lệ\s+(?:các\s+)?(?:thôn|bản|ấp|khóm|khu phố|tổ dân phố|làng|xóm|buôn|xã|phường|doanh nghiệp)"
    r"(?!\w)[^\d;]{0,30}?\scó\s+(?:chi bộ|đảng viên|tổ chức đảng|tổ chức cơ sở đảng)(?!\w)[^\d;]{0,40}$"
)
# Organizations founded (settled case 5), said after the noun: `5 chi bộ (trong số đó) được thành lập mới`.
_FOUNDED_AFTER_RE = re.compile(r"\s*,?\s*(?:trong số (?:đó|này)\s+)?(?:(?:được|mới|vừa)\s+)*thành lập(?!\w)")


def rule_not_a_count(s: Sentence, it: Item, prev: Item | None) -> None:
    """Households, money, villages; a share of a plan; a difference; an average or quota; the members
    evaluated or exempted; units that all did something; proposals, foundings, status changes."""
    m = s.m
    if it.foreign:
        it.skip = f"counts {it.foreign}"
        return
    if lx.PLAN_AFTER_RE.match(m, it.mt.end) and (it.mt.unit == "percent" or it.entity is None):
        it.skip = "a share of a plan or a comparison"
        return
    lead = m[it.lead_start : it.mt.start]
    if it.noun and _COMMITTEE_AT_END.search(lead) and not rx(r"đảng viên|đv").match(it.noun.lower()):
        it.skip = "the members of a committee"  # `Ban Chấp hành ... gồm 33 đồng chí`, `UBKT có 5 đồng chí`
        return
    compared = rx(r"\s*(?:so với|so cùng kỳ)(?!\w)(?!\s+(?:tổng số|số|tổng))").match(m[it.consumed : it.consumed + 30])
    if lx.DELTA_AT_END.search(lx.QUALIFIER_AT_END.sub("", lead).rstrip() + " ") or compared:
        it.skip = "a difference"
        return
    after = lx.NOT_AFTER_RE.match(m, it.consumed) or (
        it.noun_end and it.how != "rating" and lx.NOT_AFTER_RE.match(m, it.noun_end)
    )
    if (
        not after
        and it.noun_end
        and rx(r"[^;.\d]{0,25}?\s(?:tham dự|dự họp|có mặt)(?!\w)").match(m[it.noun_end : it.noun_end + 40])
    ):
        after = True  # `1.500 cán bộ, đảng viên tham dự`: attendance
    if not after and it.noun_end and it.how != "rating":
        after = _RATED_POPULATION_RE.match(m, it.noun_end) or _FOUNDED_AFTER_RE.match(m, it.noun_end)
    if after and rx(r"tổng số\s*$").search(m[max(0, it.mt.start - 16) : it.mt.start]):
        after = None  # `Trong tổng số 356 đảng viên được đánh giá, ...`: the whole, a total
    if after and (
        after is True or not rx(r"\s*,?\s*so với\s+(?:tổng số|số|tổng)").match(m[after.start() : after.start() + 30])
    ):
        it.skip = NOT_OF_THE_VOCABULARY
        return
    if it.mt.unit == "percent" and rx(r"so với\s+(?:kế hoạch|chỉ tiêu|nghị quyết|mục tiêu|cùng kỳ)").search(lead):
        it.skip = "a share of a plan, said before it"
        return
    if it.mt.unit == "percent" and _PLACES_WITH_RE.search(m, max(s.start, it.mt.start - 80), it.mt.start):
        it.skip = "a share of places"  # `Tỷ lệ thôn, khóm có chi bộ độc lập đạt 100%`: villages counted
        return
    window = m[max(it.lead_start, it.mt.start - 120) : it.mt.start]
    words = list(lx.NOT_BEFORE_RE.finditer(window))
    for nb in words:
        word = nb.group(0)
        if word == "mỗi năm" and is_target(s, it):
            continue  # `chỉ tiêu mỗi năm kết nạp 200 đảng viên`: a yearly target
        if word in _ALWAYS_NOT_A_FIGURE:
            it.skip = f"{word}: not a count of the vocabulary"
            return
    if words:
        nb = words[-1]
        word = nb.group(0)
        between = window[nb.end() :]
        governed = lx.VERB_RE.search(between) or rx(
            r"(?<!\w)(?:có|hiện có|(?<!đối )với|gồm|bao gồm|tổng số|sinh hoạt tại|sinh hoạt ở|lên)\s*$"
        ).search(
            lx.QUALIFIER_AT_END.sub("", between).rstrip(),
        )
        if word == "dự" and rx(r"\s*sinh hoạt\s").match(between):
            governed = None  # `dự sinh hoạt tại 8/8 chi bộ`: meetings attended, not where members meet
        if not governed and not (word == "mỗi năm" and is_target(s, it)):
            it.skip = f"{word}: not a count of the vocabulary"


def rule_entity(s: Sentence, it: Item, prev: Item | None) -> None:
    """The noun after the number; else the subject said before it in the clause; else the sentence's
    topic; else the one before."""
    if it.entity:
        return
    if s.topic and not rx(r"[;:]").search(s.m[s.start : it.mt.start]):
        it.entity = s.topic[0]
    lead = s.m[max(it.lead_start, it.mt.start - GOVERNING_WINDOW) : it.mt.start]
    base = max(it.lead_start, it.mt.start - GOVERNING_WINDOW)
    subject = None
    for candidate in lx.SUBJECT_RE.finditer(lead):
        inside_org = any(o.start <= base + candidate.start() < o.end for o in s.orgs)
        if not inside_org and not rx(r"(?:của|thuộc)\s*$").search(lead[: candidate.start()]):
            subject = candidate
    if subject is not None and not rx(r"(?:tổng số|so với|trên tổng số|trong tổng số)\s*$").search(
        lead[: subject.start()]
    ):
        it.entity = _entity(subject.groupdict())
        return
    if it.entity:
        return
    if prev is not None and prev.entity and (not prev.skip or (prev.skip == NOT_OF_THE_VOCABULARY and prev.noun)):
        it.entity = prev.entity  # also the population said before it: `5.872 đảng viên được đánh giá; trong đó ...`


_SUBJECT_BEFORE_RE = re.compile(
    r"(?<!\w)(?:số\s+|tỷ lệ\s+)?(?P<noun>đảng viên|đv|chi bộ|tổ chức cơ sở đảng|tccsđ|tổ chức đảng|cơ sở đảng)(?!\w)"
    r"(?P<rest>[^;:()]*?)\s*(?:là|chiếm|có|đạt|:|tăng từ|giảm từ"
    r"|(?<=\w)(?=\s*(?:khoảng|trên|gần|hơn|dưới|xấp xỉ|chưa đến"
    r"|chưa tới)\s*$))\s*(?:khoảng|trên|gần|hơn|dưới|xấp xỉ|chưa đến|chưa tới)?\s*$"
)


def rule_subject_before(s: Sentence, it: Item, prev: Item | None) -> None:
    """`số đảng viên mới ở độ tuổi từ 18 đến 30 là 812 người`, `đảng viên là người dân tộc thiểu số
    chiếm 46,5%`: the subject, what happened to it, and the part it picks out are said first."""
    if it.predicate or (it.noun and it.noun.lower() not in ("người", "đồng chí", "đ/c", "trường hợp")):
        return
    lead = s.m[it.lead_start : it.mt.start]
    sm = _SUBJECT_BEFORE_RE.search(lead)
    if sm is None or lx.RATING_RE.search(sm["rest"]):
        return
    rest_start = it.lead_start + sm.start("rest")
    # `của Đảng bộ Khối ...`, `toàn Đảng bộ` name whose, not which part.
    rest = rx(r"\s+(?:của|thuộc|toàn|trong toàn)\s+.*$").sub("", sm["rest"])
    entity = _entity({"member": sm["noun"] in ("đảng viên", "đv"), "cell": sm["noun"] == "chi bộ",
                      "org": sm["noun"] not in ("đảng viên", "đv", "chi bộ")})  # fmt: skip
    predicate = None
    within = rx(r"\s+trong số\s+(?:đảng viên|đv)(?P<after>.*)$").search(rest)
    if within:  # `đảng viên nữ trong số đảng viên mới`: a part of the new members
        wav = lx.AFTER_VERB_RE.match(within["after"])
        predicate = lx.after_verb_key(wav["verb"]) if wav else "total"
        rest = rest[: within.start()]
    av = lx.AFTER_VERB_RE.match(rest)
    verb = lx.VERB_RE.search(rest)
    if av and predicate is None:
        predicate = lx.after_verb_key(av["verb"])
        rest_start += av.end()
        rest = rest[av.end() :]
    elif verb and predicate is None:
        predicate = lx.VERB_KEY[verb["verb"]]
        rest_start += verb.end()
        rest = rest[verb.end() :]
    lead_words = _ATTRIBUTE_LEAD_RE.match(rest.strip())
    offset = rest_start + (len(rest) - len(rest.lstrip())) + (lead_words.end() if lead_words else 0)
    category = _clean(s.text[offset : rest_start + len(rest)]) or None
    if category and category.lower().startswith("ở "):
        category = category[2:]
    if predicate is None and category:
        same = [b for b in s.items if b.metric and b.entity == entity and b.mt.start < it.mt.start and not b.category]
        # A part of the figure before; else (`tổ chức cơ sở đảng xã, thị trấn chiếm 45,9%`) a share by type.
        predicate = same[-1].predicate if same else "total"
    if predicate is None and rx(r"(?:số|tổng số)\s").match(lead[sm.start() :]):
        predicate = "total"  # `số đảng viên của huyện tăng từ 4.812 ... lên 5.367`
    if predicate is None:
        return
    it.entity, it.predicate, it.how = entity, predicate, "subject"
    if category:
        it.category = category


# What may stand between a rating said first and its number: `hoàn thành tốt nhiệm vụ chiếm 10,22%`.
_AFTER_RATING_RE = re.compile(
    r"[\"'\s]*(?:trở lên)?(?:\s+(?:của|ở|tại|trong)\s+[^\d;,:]{0,50}?)?\s*(?:,\s*)?"
    r"(?:chiếm|là|đạt|có|:|tỷ lệ|chiếm tỷ lệ|đạt tỷ lệ|=|"
    r"có\s+\d*|tăng từ|giảm từ|từ|tăng|giảm)?\s*"
    r"(?:" + lx.alternation(q for q, _ in lx.v.QUALIFIERS) + r"|chỉ còn|còn)?\s*"
    r"(?:(?:đạt|là|chiếm)\s*)?"  # `gần như đạt 15%`
)
# The second number of a change: `tăng từ 6 ... lên 9`.
_TO_VALUE_RE = re.compile(r"\s*(?:lên|xuống|xuống còn|còn|lên tới|lên đến)\s*")


_NOUN_TOTAL_RE = re.compile(
    r"(?:tổng số|số lượng)\s+(?:đảng viên|đv|chi bộ|tổ chức cơ sở đảng|tccsđ|tổ chức đảng)"
    r"(?:\s+(?:của|toàn|trong)\s+[^\d;]{0,30})?\s*(?:là|có|:)?\s*$"
)


def rule_predicate(s: Sentence, it: Item, prev: Item | None) -> None:
    """A rating after the number; a rating said first; the verb that governs it; a verb said after
    it; a new total (`nâng tổng số ... lên`); a total cue; a share of the figure before it; the
    predicate of the list it continues."""
    m = s.m
    lead_from = max(it.lead_start, it.mt.start - GOVERNING_WINDOW)
    lead = m[lead_from : it.mt.start]
    bare_lead = lx.QUALIFIER_AT_END.sub("", lead).rstrip() + " "
    if it.predicate in ("violating", "suspected") and it.how == "after" and lx.VERB_RE.search(lead):
        verb_key = lx.VERB_KEY[[v for v in lx.VERB_RE.finditer(lead)][-1]["verb"]]
        if not (it.predicate == "suspected" and verb_key == "violating"):
            it.predicate = None  # `thi hành kỷ luật 31 đảng viên vi phạm`: the verb before governs
    if it.predicate and it.how in ("rating", "after"):
        return
    # A rating said before the number: `hoàn thành tốt nhiệm vụ chiếm 10,22%`.
    rating = _last(lx.RATING_RE.finditer(lead))
    if rating is not None and _AFTER_RATING_RE.fullmatch(lead[rating.end() :]):
        it.predicate, it.how = lx.RATING_KEY[rating["label"]], "rating"
        return
    exemplary = _last(lx.EXEMPLARY_RE.finditer(lead))
    if exemplary is not None and prev is not None and prev.predicate in ("clean_strong", "clean_strong_exemplary"):
        it.predicate, it.how = "clean_strong_exemplary", "rating"
        it.entity = it.entity or prev.entity
        return
    if it.predicate:  # from the tail (a member population)
        return
    raise_total = _last(lx.RAISE_TOTAL_RE.finditer(lead))
    verb = _last(lx.VERB_RE.finditer(lead))
    if raise_total is not None and (verb is None or verb.start() < raise_total.start()):
        it.predicate, it.how = "total", "raise"
        return
    if prev is not None and prev.metric and _TO_VALUE_RE.fullmatch(m[max(prev.consumed, prev.mt.end) : it.mt.start]):
        it.predicate, it.entity, it.how = prev.predicate, it.entity or prev.entity, "list"  # `tăng từ 6 ... lên 9`
        return
    noun_total = _NOUN_TOTAL_RE.search(bare_lead)
    if noun_total and not (verb is not None and verb.start() > noun_total.start()):
        it.predicate, it.how = "total", "total"
        return
    if verb is not None:
        key = lx.VERB_KEY[verb["verb"]]
        it.predicate, it.how = key, "verb"
        if key == "disciplined":
            form = _last(lx.FORM_RE.finditer(lead[verb.start() :]))
            if form is not None and not it.category:
                it.category = form.group(0)
        if key == "badge":
            badge = _last(rx(r"\d+\s+năm(?:\s+tuổi\s+đảng)?(?!\w)").finditer(lead[verb.start() :]))
            if badge is not None and not it.category:
                start = lead_from + verb.start() + badge.start()
                it.category = _badge_category(s.text[start : start + len(badge.group(0))])
        if key == "violating" and rx(r"dấu hiệu\s+vi phạm").search(lead[max(0, verb.start() - 12) : verb.end()]):
            it.predicate = "inspected"
        return
    if lx.TOTAL_CUE_AT_END.search(bare_lead.rstrip()) and (it.mt.unit != "percent" or it.category or it.attribute):
        it.predicate, it.how = "total", "total"
        return
    if prev is not None and prev.metric and it.mt.unit == "percent" and it.entity in (None, prev.entity):
        between = m[prev.consumed : it.mt.start]
        if lx.SHARE_CUE_RE.search(" " + between) or rx(r"\s*[(,]\s*").fullmatch(between):
            it.predicate, it.entity, it.how = prev.predicate, prev.entity, "share"
            it.category = (it.category or _words_before_share(s, prev.consumed, it.mt.start) or prev.category
                           or (_population_of_share(s, it) if prev.predicate == "total" else None))  # fmt: skip
            return
    # A value in brackets after a comparison is that time's value of the figure compared.
    compared = prev is not None and rx(r"so với[^;()]{0,30}$").search(m[prev.consumed : it.clause.start - 1])
    if compared and prev.metric and it.clause.opener == "(" and it.entity in (None, prev.entity):
        it.predicate, it.entity, it.how = prev.predicate, prev.entity, "list"
        return
    if prev is not None and prev.clause.depth > it.clause.depth:
        prev = s.last_at_depth.get(it.clause.depth, prev)  # `12 tổ chức đảng (gồm: ...) và 34 đảng viên`
    if prev is not None and prev.predicate and not prev.skip:
        between = rx(r"\([^()]*\)").sub("", m[prev.consumed : it.mt.start])
        if (
            rx(r"[\s,;)(]*(?:và|cùng|hoặc|còn|,)?[\s,(]*(?:có\s*)?(?:khoảng|trên|gần|hơn|dưới)?\s*").fullmatch(between)
            or (it.category and rx(r"[\s,;)(]*[^\d;]{0,40}").fullmatch(between))
        ) and (
            it.entity == prev.entity or it.entity is None or prev.how in ("verb", "after") or prev.predicate == "total"
        ):
            it.predicate, it.how = prev.predicate, "list"
            it.entity = it.entity or prev.entity
            return


def _words_before_share(s: Sentence, start: int, end: int) -> str | None:
    """`..., là người dân tộc thiểu số chiếm 78,2%`: the part a share names before its cue."""
    raw = s.m[start:end]
    cue = rx(r"(?:chiếm tỷ lệ|chiếm|đạt tỷ lệ|đạt|bằng|tỷ lệ|là)\s*(?:khoảng|trên|gần|hơn|dưới)?\s*$").search(raw)
    words = raw[: cue.start()] if cue else ""
    words = words.rsplit(",", 1)[-1] if "," in words and not rx(r"[A-ZĐ]").search(s.text[start:end]) else words
    words = rx(r"^[\s,;(]*(?:và\s+)?(?:tỷ lệ\s+)?").sub("", words)
    words = rx(r"\s+(?:của\s+[^,;]*?)?(?:\s*là\s+đảng viên)?\s*$").sub("", words)
    lead = _ATTRIBUTE_LEAD_RE.match(words)
    if lead:
        words = words[lead.end() :]
    words = words.strip(" ,;")
    if not words or len(words) > 60 or lx.SUBJECT_RE.fullmatch(words) or rx(r"\d").search(words):
        return None
    offset = s.m.find(words, start, end)
    return _clean(s.text[offset : offset + len(words)])


_POPULATION_SHARE_RE = re.compile(
    r"\s*(?:tổng số|số)\s+(?P<pop>[^\d;.()]{2,40}?)(?=\s+(?:của|trong|toàn|tại)\s|[;.)]|$)"
)


def _population_of_share(s: Sentence, it: Item) -> str | None:
    """`28 đảng viên, chiếm 62% tổng số cán bộ, giáo viên`: members as a share of another population."""
    pm = _POPULATION_SHARE_RE.match(s.m, it.mt.end, s.end)
    if pm is None or lx.SUBJECT_RE.match(pm["pop"]) or pm["pop"].startswith(("đảng viên", "đv", "chi bộ", "tổ chức")):
        return None
    return _clean(s.text[pm.start("pop") : pm.end("pop")])


def rule_share_of_previous(s: Sentence, it: Item, prev: Item | None) -> None:
    """`..., chiếm 28,6%`, `(41,2%)`: a percent right after a figure restates it as a share."""
    if it.predicate or prev is None or not prev.metric or it.mt.unit != "percent" or prev.mt.unit != "count":
        return
    if it.entity not in (None, prev.entity):
        return
    between = s.m[prev.consumed : it.mt.start]
    if lx.SHARE_CUE_RE.search(" " + between) or rx(r"\s*[(,]\s*").fullmatch(between):
        it.predicate, it.entity, it.how = prev.predicate, prev.entity, "share"
        it.category = (it.category or _words_before_share(s, prev.consumed, it.mt.start) or prev.category
                       or (_population_of_share(s, it) if prev.predicate == "total" else None))  # fmt: skip


def rule_defaults(s: Sentence, it: Item, prev: Item | None) -> None:
    """Admissions and badges are of members; a percent of a rating with no noun is of its subject."""
    if it.predicate in ("new", "badge") and it.entity is None:
        it.entity = MEMBERS
    if (
        it.predicate is None
        and it.entity
        and it.noun
        and rx(r"(?<!\w)trong(?: tổng)?(?: số)?\s*$").search(s.m[it.lead_start : it.mt.start])
    ):
        it.predicate, it.how = "total", "total"  # `Trong 24 TCCSĐ, có 5 ...`: the whole the parts are of
    if it.entity == CELLS and it.predicate in ("inspected", "disciplined", "violating"):
        # A cell inspected or disciplined is an organization so treated, of the kind `chi bộ`.
        it.entity = ORGS
        it.category = it.category if it.category and it.category != "chi bộ" else _clean(it.noun or "chi bộ")
        if it.category and it.category.lower() == "chi bộ" and it.noun:
            it.category = it.noun


RULES: tuple[Callable[[Sentence, Item, Item | None], None], ...] = (
    rule_not_a_count,
    rule_entity,
    rule_subject_before,
    rule_predicate,
    rule_share_of_previous,
    rule_defaults,
)


# --- breakdowns -------------------------------------------------------------------------------------

# Where the part is (`ở địa bàn dân cư`, `trong doanh nghiệp ngoài nhà nước`) names it without the
# preposition; `trong` only before a place or a body (`trong độ tuổi đoàn` is the part's own words).
_LEAD_CATEGORY_STRIP_RE = re.compile(
    r"^(?:(?:trong đó|trong số đó|trong số này|gồm|bao gồm|cụ thể|riêng"
    r"|về hình thức|về cơ cấu|còn|có|là|với|và|ở|tại"
    r"|trong(?=\s+(?:các|những|doanh nghiệp|khu vực|cơ quan|đơn vị|lực lượng|trường|khối)(?!\w)))[\s,:]*)+"
)
# `từ 12 đồng chí trở lên`: the bound's first word stays with the number (the qualifier), not the part.
_LEAD_CATEGORY_TAIL_RE = re.compile(r"(?:\s+(?:có|là|với|gồm|đạt|chiếm|từ))+\s*$")


@dataclass
class _Whole:
    """A whole named without a number of its own (`Trong số đảng viên mới, ...`)."""

    entity: str
    predicate: str
    category: str | None = None
    part_of: None = None

    @property
    def metric(self) -> str | None:
        return metric_for(self.entity, self.predicate)


_WHOLE_PHRASE_RE = re.compile(
    r"\s*(?:\d[\d.,]*\s+)?(?P<noun>đảng viên|đv|chi bộ|tổ chức cơ sở đảng|tccsđ|tổ chức đảng)(?!\w)"
)


def resolve_breakdowns(s: Sentence, items: list[Item], para: Paragraph) -> None:
    """A number after `trong đó`, `gồm` or a parenthesis, of the same kind as the whole before it, is
    a part of that whole: it takes the whole's metric when it has none of its own, and names its part
    in `category`; a part that names none is no figure of its own. `Trong đó` opening a sentence
    breaks down the sentence before; `Trong số đảng viên mới, ...` names its whole."""
    last_part: Item | None = None
    for i, it in enumerate(items):
        if it.skip or it.how == "share":
            continue
        cue = _breakdown_before(s, it, items[:i], para)
        if cue is None:
            continue
        if (
            rx(r"trong (?:tổng )?số\s*$").search(s.m[max(s.start, cue - 14) : cue])
            and not s.m[cue : it.mt.start].strip()
        ):
            continue  # `Trong số 132 đảng viên mới, ...`: the whole itself, said again
        whole = _whole_for(it, items[:i], cue) or _named_whole(s, cue, it) or _whole_for(it, para.prev_items, s.end)
        if whole is None:
            population = _population_before(s, items[:i], cue)
            longer = population and (not it.category or population.lower().startswith(it.category.lower()))
            if longer and it.entity == MEMBERS and it.predicate == "total":
                it.category = population  # `3.350 thanh niên nhập ngũ, trong đó 187 người là đảng viên`
            continue
        if whole is it:
            continue
        if it.entity == CELLS and whole.entity == ORGS and whole.predicate in ("inspected", "disciplined", "violating"):
            it.entity = ORGS  # `kiểm tra 12 tổ chức đảng (gồm: 7 đảng ủy cơ sở, 5 chi bộ trực thuộc)`
            it.category = it.category or _clean(s.text[it.noun_start : it.consumed])
        if (
            whole.predicate == "clean_strong"
            and it.noun_end
            and rx(r"\s+(?:đạt\s+)?tiêu biểu(?!\w)").match(s.m[it.noun_end : it.noun_end + 20])
        ):
            it.predicate, it.how = "clean_strong_exemplary", "rating"  # `trong đó có 6 chi bộ tiêu biểu`
            continue
        if it.how == "verb" and it.predicate == "violating" and whole.predicate == "disciplined":
            it.predicate, it.how = None, ""  # `trong đó vi phạm chính sách dân số 12 đảng viên`: the reason
        inherits = it.predicate is None or (it.how in ("list", "total") and whole.predicate != "total")
        if inherits and (it.how != "list" or it.entity == whole.entity):
            it.predicate, it.how = whole.predicate, "part"
            it.entity = it.entity or whole.entity
        if it.metric != whole.metric:
            if it.metric and it.entity == whole.entity and whole.category and not it.category:
                it.category = (
                    whole.category
                )  # `264 chi bộ trực thuộc đảng ủy cơ sở ..., trong đó 57 chi bộ ... tiêu biểu`
            continue
        it.part_of = whole
        lead_category = None if it.category or it.attribute else _lead_category(s, it, cue)
        category = it.category or it.attribute or lead_category
        if (
            category is None
            and last_part is not None
            and last_part.category
            and getattr(last_part, "lead_named", False)
        ) and rx(r"[\s,]*(?:và)?\s*").fullmatch(s.m[last_part.consumed : it.mt.start]):
            category = last_part.category  # `Ban Thường vụ kiểm tra 38 tổ chức đảng, 96 đảng viên`
            lead_category = category
        if category is None and whole.category and whole.category != it.category:
            category = None
        if category is None:
            it.skip = "a part that names no category"
        else:
            it.category = category
            it.lead_named = lead_category is not None  # type: ignore[attr-defined]
            last_part = it


def _population_before(s: Sentence, before: list[Item], cue_end: int) -> str | None:
    """The population a breakdown is of, when it is no party count (`3.350 thanh niên nhập ngũ, trong đó ...`)."""
    for b in reversed(before):
        if b.mt.start < cue_end and b.foreign:
            phrase = rx(r"\s*([^\d,;:.()]{2,40}?)(?=\s*(?:[,;:.()]|trong đó|$))").match(s.m[b.mt.end : cue_end])
            if phrase:
                return _clean(s.text[b.mt.end + phrase.start(1) : b.mt.end + phrase.end(1)])
        if b.mt.start < cue_end:
            return None
    return None


def _named_whole(s: Sentence, cue_end: int, it: Item) -> Item | _Whole | None:
    """The whole right after `Trong số`: a number of its own, or a noun and what happened to it."""
    cue_text = s.m[max(s.start, cue_end - 12) : cue_end]
    if not cue_text.endswith("trong số"):
        return None
    following = [b for b in s.items if b.mt.start >= cue_end and b.mt.start - cue_end <= 2 and b.metric]
    if following and following[0] is not it:
        return following[0]
    wm = _WHOLE_PHRASE_RE.match(s.m, cue_end)
    if wm is None:
        return None
    entity = MEMBERS if wm["noun"] in ("đảng viên", "đv") else CELLS if wm["noun"] == "chi bộ" else ORGS
    av = lx.AFTER_VERB_RE.match(s.m, wm.end())
    verb = rx(r"\s+(?:được\s+|mới\s+)?(kết nạp|kiểm tra|giám sát|kỷ luật|trao)(?!\w)").match(
        s.m[wm.end() : wm.end() + 30]
    )
    predicate = lx.after_verb_key(av["verb"]) if av else lx.VERB_KEY[verb.group(1)] if verb else "total"
    return _Whole(entity, predicate)


def _breakdown_before(s: Sentence, it: Item, before: list[Item], para: Paragraph) -> int | None:
    """Where the breakdown that holds this number begins (the latest cue's end), or None. A cue inside
    parentheses holds only what is inside them."""
    for cue_start, cue_end in reversed(s.breakdowns):
        if cue_end > it.mt.start:
            continue
        cue_clause = s.clause_at(cue_end - 1 if cue_end > cue_start + 1 else cue_end)
        if cue_clause.depth > it.clause.depth or (cue_clause.depth and _closed_between(s, cue_end, it.mt.start)):
            continue
        if s.m[cue_start:cue_end] == "(" and not any(
            b.metric and b.mt.start < cue_start and not s.m[max(b.consumed, b.mt.end) : cue_start].strip(" ,")
            for b in before
        ):
            continue  # a parenthesis breaks down only the figure right before it
        if _new_statement_between(s, cue_end, it):
            return None  # `...; giám sát 18 tổ chức đảng`: a clause that opens with a verb is a statement of its own
        opens_sentence = not s.m[s.start : cue_start].strip(" ,")
        if (any(b.mt.start < cue_start and (b.metric or b.foreign) for b in before)
                or s.m[cue_start:cue_end].startswith("trong số")
                or (opens_sentence and para.prev_items)):  # fmt: skip
            return cue_end
    return None


# A clause after `;` that opens with a name and `có` speaks of another unit: `...; Kon Tum có 8.430 đảng viên`.
_NEW_SUBJECT_RE = re.compile(r"\s*(?!Trong\b|Riêng\b|Gồm\b)(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈÍÓÒÚÙÝ]\w*\s+){1,4}(?:hiện\s+)?có\s")


def _new_statement_between(s: Sentence, cue_end: int, it: Item) -> bool:
    for c in s.clauses:
        if not (cue_end <= c.start <= it.mt.start and c.opener == ";" and c.depth == 0):
            continue
        text = s.m[c.start : c.end]
        if lx.VERB_RE.match(s.m, c.start + len(text) - len(text.lstrip())) or _NEW_SUBJECT_RE.match(s.text, c.start):
            return True
    return False


def _closed_between(s: Sentence, a: int, b: int) -> bool:
    depth = 0
    for ch in s.m[a:b]:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return True
    return False


def _whole_for(it: Item, before: list[Item], cue_end: int) -> Item | None:
    for b in reversed(before):
        if b.mt.start >= cue_end or not b.metric or b.part_of is not None or b is it:
            continue
        same = b.entity == it.entity or it.entity is None or (it.entity == ORGS and b.entity == ORGS)
        if same:
            return b
    return None


def _lead_category(s: Sentence, it: Item, cue_end: int) -> str | None:
    """`30 năm tuổi Đảng có 54 đồng chí`, `khiển trách 11`, `cấp huyện 1.206 lượt`: the part named before its number."""
    start = max(cue_end, it.lead_start)
    raw = s.m[start : it.mt.start]
    verb = lx.VERB_RE.search(raw)
    if verb is not None and lx.VERB_KEY[verb["verb"]] == it.predicate and verb.start() > 0:
        raw = rx(r"(?:\s+(?:trực tiếp|đã|cũng|đồng thời|tiến hành|tổ chức))+\s*$").sub("", raw[: verb.start()])
    if any(start <= o.start < it.mt.start and o.kind in ("named", "bare") for o in s.orgs):
        return None  # `trong đó Đảng bộ xã A kết nạp 12`: a breakdown by organization names the organization
    raw = rx(r"^(?:đảng viên|đv)(?:\s+(?:là\s+)?(?:người\s+)?)?(?=\S)").sub("", raw.strip(" ,;:()"))
    stripped = _LEAD_CATEGORY_STRIP_RE.sub("", raw.strip(" ,;:()"))
    stripped = _LEAD_CATEGORY_TAIL_RE.sub("", lx.QUALIFIER_AT_END.sub("", stripped)).strip(" ,;:")
    badge = rx(r"(?:huy hiệu\s+)?\d+\s+năm\s+tuổi\s+đảng").fullmatch(stripped)
    if badge:
        offset = s.m.find(stripped, start, it.mt.start)
        return _badge_category(
            s.text[offset : offset + len(stripped)].replace("Huy hiệu ", "").replace("huy hiệu ", "")
        )
    if not stripped or len(stripped) > 60 or lx.RATING_RE.search(stripped) or rx(r"\d").search(stripped):
        return None
    if lx.SUBJECT_RE.fullmatch(stripped) and verb is None:
        return None
    offset = s.m.find(stripped, start, it.mt.start)
    text = s.text[offset : offset + len(stripped)] if offset >= 0 else stripped
    if rx(r"\d+\s+năm\s+tuổi\s+đảng").fullmatch(stripped):
        return _badge_category(text)
    return _clean(text)


# --- 4. attributes ----------------------------------------------------------------------------------


def qualifier_of(s: Sentence, it: Item) -> str:
    lead = s.m[max(s.start, it.mt.start - 24) : it.mt.start]
    qm = lx.QUALIFIER_AT_END.search(lead)
    if qm and not rx(r"(?:so với|trên tổng số|tổng số)\s*$").search(lead[: qm.start()]):
        return lx.QUALIFIER_KEY[qm["q"]]
    if it.or_more:
        return "over"
    return "exact"


def is_target(s: Sentence, it: Item) -> bool:
    """A goal, not a result: a goal word earlier in the clause, or heading the sentence's list."""
    start = it.clause.start
    if lx.TARGET_RE.search(s.m, start, it.mt.start):
        return True
    head = s.clauses[0]
    if head is not it.clause and lx.TARGET_RE.search(s.m, head.start, head.end):
        own = s.m[it.clause.start : it.mt.start]
        return not lx.VERB_RE.search(own) or head.end <= s.start + 1 or s.m[head.end : head.end + 1] == ":"
    return False


def year_of(s: Sentence, it: Item, para: Paragraph) -> tuple[int | None, str | None]:
    """The year (or period) the number describes."""
    if it.attached_year is not None:
        return it.attached_year, None
    period = None
    for a, _, p in s.periods:
        if a < it.mt.start:
            period = p
    if any(t.year is None and it.mt.end <= t.pos < it.clause.end for t in s.marks) and not s.periods:
        return None, None  # `... 70% số chi bộ hoàn thành tốt nhiệm vụ hằng năm`: every year
    # `So với năm 2022, ... giảm từ 9 xuống còn 5`: the value a change starts from is the compared year's.
    if lx.FROM_AT_END.search(s.m[it.lead_start : it.mt.start]):
        compared = [t for t in s.marks if t.comparison and t.end <= it.mt.start]
        if compared and not [t for t in s.marks if not t.comparison and compared[-1].pos < t.pos < it.mt.start]:
            return compared[-1].year, None
    before = [t for t in s.marks if t.pos < it.mt.start and not t.comparison]
    # A value in brackets right after a comparison is that year's: `so với năm 2019 (1.564 tổ chức)`.
    comparison = [t for t in s.marks if t.comparison and t.end <= it.mt.start]
    if comparison and it.clause.opener == "(" and comparison[-1].end >= it.clause.start - 3:
        return comparison[-1].year, None
    if before:
        last = before[-1]
        if period and any(a > last.pos for a, _, _ in s.periods if a < it.mt.start):
            return None, period
        return last.year, None if last.year is not None else period
    if period:
        return None, period
    after = [t for t in s.marks if it.mt.end <= t.pos < it.clause.end and not t.comparison and t.year]
    if after:
        return after[0].year, None
    if para.period and para.year is None:
        return None, para.period
    return para.year, None


def org_of(s: Sentence, it: Item, para: Paragraph) -> str | None:
    """The organization the number belongs to: a unit named in the sentence before it (or right after
    it: `... thuộc Đảng bộ huyện X`), a level phrase, a class of bodies (none), or the paragraph's."""
    m = s.m
    after = rx(r"\s*(?:thuộc|của|trong|tại|ở)\s+").match(m[it.consumed : it.consumed + 12])
    if after:
        for org in s.orgs:
            if org.start == it.consumed + after.end() and org.kind in ("named", "bare") and not org.depth:
                return org.name
    candidates: list[tuple[int, str, Org | None]] = []
    for org in s.orgs:
        same_aside = org.depth and it.clause.start <= org.start < it.mt.start
        if org.end <= it.mt.start and (not org.depth or same_aside) and org.kind not in ("issuer", "parent"):
            candidates.append((org.start, "org", org))
    for scope in s.scopes:
        if scope.end <= it.mt.start:
            candidates.append((scope.start, "scope", scope))
    if not candidates:
        for org in s.orgs:  # `... cho 15 đồng chí thuộc Đảng bộ huyện X`: named once, at the end
            if (
                org.start > it.mt.start
                and org.kind == "named"
                and rx(r"(?:thuộc|của)\s+$").search(m[max(0, org.start - 8) : org.start])
            ):
                return org.name
        return para.org.name if para.org else None
    # A class of bodies (`cấp ủy các cấp`) names no unit: the unit is the one named or carried.
    _, kind, org = max(candidates, key=lambda c: c[0])
    if kind == "scope":
        named = [o for o in s.orgs if o.end <= org.start and not o.depth and o.kind in ("named", "bare")]
        carried = named[-1] if named else para.org
        if named and _is_source(s, named[-1]):
            carried = None
        if carried is not None and carried.kind != "unnamed" and (org.level is None or carried.level == org.level):
            return carried.name
        return org.name or None
    if org.kind == "unnamed":
        named = [o for o in s.orgs if o.end <= org.start and not o.depth and o.kind in ("named", "bare")]
        referent = named[-1] if named else para.org
        if referent is not None and referent.level == org.level:
            return referent.name
        if org.name.split()[0].lower() in ("huyện", "tỉnh", "thành", "thị", "quận"):  # a committee named by level only
            others = [c for c in candidates if c[2] is not org and c[1] == "org" and c[2].kind != "unnamed"]
            if others:
                return max(others, key=lambda c: c[0])[2].name
            return referent.name if referent is not None else None
    return org.name


def _is_source(s: Sentence, org: Org) -> bool:
    before = s.m[max(s.start, org.start - 30) : org.start]
    after = s.m[org.end : org.end + 20]
    return bool(rx(r"(?:theo|của|tin từ|số liệu của|báo cáo của)\s+(?:[\w\s]{0,25})$").search(before)) or after.lstrip(
        " ,"
    ).startswith("cho biết")


# --- the reader -------------------------------------------------------------------------------------


def extract_figures(
    text: str, published: str | None = None, *, bounds: Bounds | None = None, hits: list[dict] | None = None
) -> list[Figure]:
    """Every party-building figure of an article body (NFC text, paragraphs split by blank lines).

    `published` (ISO date) is accepted for context; a figure's year is only ever one the text states.
    Each bound of `bounds` that was reached is appended to `hits` (name, observed, allowed).
    """
    text = unicodedata.normalize("NFC", text or "")
    return read_figures(text, match_form(text), bounds=bounds, hits=hits)


def read_figures(text: str, m: str, *, bounds: Bounds | None = None, hits: list[dict] | None = None) -> list[Figure]:
    """`extract_figures` of an NFC text whose match form `m` the caller made (and shares)."""
    bounds = bounds or Bounds()
    cut: list[int] = []
    figures: list[Figure] = []
    numbers_read = 0
    for p_start, p_end in paragraphs(text):
        if numbers_read > bounds.numbers:
            break
        para = Paragraph()
        for s_start, s_end in sentences(text, p_start, p_end, bounds.sentence_chars, cut):
            if numbers_read > bounds.numbers:
                break
            found, read = read_sentence(text, m, s_start, s_end, para)
            figures += found
            numbers_read += read
    figures = _one_row_each(sorted(figures, key=lambda f: f.start))
    if hits is not None:
        if cut:
            hits.append({"name": "sentence_chars", "observed": max(cut), "allowed": bounds.sentence_chars})
        if numbers_read > bounds.numbers:  # reading stopped there: at least this many
            hits.append({"name": "numbers", "observed": numbers_read, "allowed": bounds.numbers})
        if len(figures) > bounds.figures:
            hits.append({"name": "figures", "observed": len(figures), "allowed": bounds.figures})
    return figures[: bounds.figures]


# Whether a sentence may hold a figure: a digit, a zero statement, or a number word before a noun. Read as
# `\d|không có|không\s|chưa|(?<!\w)(?:một|...|mười)\s+(?:đảng viên|...)(?!\w)`, as three searches that
# each start with what the engine can skip to (`không có` is inside `không\s`); the first that finds says yes.
_MAY_HOLD_FIGURE_RES = (
    re.compile(r"\d"),
    re.compile(r"không\s|chưa"),
    re.compile(
        lx.word_start(["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "bẩy", "tám", "chín", "mười"])
        + r"\s+(?:đảng viên|đv|chi bộ|tổ chức|tccsđ|đảng bộ|cơ sở|quần chúng|đồng chí|người)(?!\w)"
    ),
)


# `kết nạp 243 đảng viên mới, có 131 đồng chí là người dân tộc Khmer`: `, có` before members said to be
# of a kind opens a breakdown of the figure before it, as `trong đó` does.
_HAS_PARTS_RE = re.compile(r",\s*có(?=\s+\d[\d.]*\s+(?:đồng chí|đảng viên|đv)\s+là\s)")


def read_sentence(text: str, m: str, start: int, end: int, para: Paragraph) -> tuple[list[Figure], int]:
    """The figures of one sentence; updates what the paragraph carries. Returns (figures, numbers read)."""
    cls = clauses(m, start, end)
    s = Sentence(text, m, start, end, cls, [], [], [], [], [], [])
    s.orgs = find_organizations(text, m, start, end, lambda pos: s.clause_at(pos).depth)
    if not any(regex.search(m, start, end) for regex in _MAY_HOLD_FIGURE_RES):
        _carry(s, para, [])
        return [], 0
    s.scopes = find_scopes(m, start, end)
    s.classes = body_classes(m, start, end)
    found = period_matches(m, start, end)  # read once: the time marks and the periods both need them
    s.marks = time_marks(m, start, end, found)
    s.periods = periods(m, start, found)
    s.breakdowns = [(b.start(), b.end()) for b in lx.BREAKDOWN_RE.finditer(m, start, end)]
    s.breakdowns += [(c.start - 1, c.start) for c in cls if c.opener == "("]
    s.breakdowns += [(b.start(), b.end()) for b in _HAS_PARTS_RE.finditer(m, start, end)]
    s.breakdowns.sort()
    mentions = find_mentions(m, start, end, lambda pos: lx.NOUN_RE.match(m, pos, min(end, pos + 40)) is not None)
    items = s.items = [Item(mt, s.clause_at(mt.start)) for mt in mentions]
    s.topic = _topic(s)
    for i, it in enumerate(items):
        limit = min(it.clause.end, items[i + 1].mt.start if i + 1 < len(items) else end)
        read_tail(s, it, limit)
    _in_total_of(s, items)
    # A year said right after a value belongs to it alone (`10,5% năm 2018`): it dates nothing else.
    attached = [(it.mt.end, it.consumed) for it in items if it.attached_year is not None]
    s.marks = [t for t in s.marks if not any(a <= t.pos < b for a, b in attached)]
    prev: Item | None = None  # the last number that became a figure
    before: Item | None = None  # the last number
    for it in items:
        boundary = max(before.consumed, before.mt.end) if before is not None else start
        it.lead_start = max(boundary, start) if it.clause.opener == "(" else max(it.clause.start, boundary)
        if before is not None and before.consumed > it.mt.start:
            it.skip = "inside the previous figure's phrase"
            continue
        before = it
        for rule in RULES:
            rule(s, it, prev)
            if it.skip:
                break
        if it.metric:
            prev = s.last_at_depth[it.clause.depth] = it
        elif it.skip == NOT_OF_THE_VOCABULARY and it.noun and it.entity:
            prev = it  # the population evaluated: what the ratings after it are of
    _continue_lists_backwards(s, items)
    resolve_breakdowns(s, items, para)
    for a, b in pairwise(items):
        if b.how == "share" and not b.category and a.category and a.metric == b.metric:
            b.category = a.category
    _of_the_whole(s, items)
    _cross_sentence(s, items, para)
    if s.topic:
        entity, kind = s.topic
        for it in items:
            if it.metric and it.entity == entity and not it.category and kind:
                it.category = kind
    figures = []
    for it in items:
        if it.metric:
            figures.append(_figure(s, it, para))
            total = _ratio_total(s, it, para)
            if total is not None:
                figures.append(total)
    figures += _zero_figures(s, para)
    _carry(s, para, items)
    return figures, len(items)


def _of_the_whole(s: Sentence, items: list[Item]) -> None:
    """`Trong tổng số 356 đảng viên được đánh giá, có 48 đồng chí hoàn thành xuất sắc ...`: the ratings
    that follow are of that whole (their `of_total`)."""
    for i, whole in enumerate(items):
        if (
            whole.metric
            and whole.predicate == "total"
            and rx(r"trong tổng số\s*$").search(s.m[s.start : whole.mt.start])
        ):
            for it in items[i + 1 :]:
                if it.metric and it.entity == whole.entity and it.how == "rating" and it.mt.of_total is None:
                    it.mt.of_total = whole.mt.value


def _in_total_of(s: Sentence, items: list[Item]) -> None:
    """`49 trong tổng số 56 TCCSĐ được xếp loại ...`: X of the whole Y. What is said after Y's noun
    (a rating, `được đánh giá`) is said of X; Y is the whole, a total unless a verb says otherwise."""
    for x, y in pairwise(items):
        if not rx(r"[\s,]*(?:trong|trên)\s+tổng số\s*").fullmatch(s.m[x.consumed : y.mt.start]):
            continue
        x.mt.of_total, x.total_given = y.mt.value, True
        x.entity = x.entity or y.entity
        if x.attribute and not x.category:
            x.category = x.attribute  # `3 đảng viên là chủ doanh nghiệp, trong tổng số 412 đảng viên mới`
        if y.how == "rating":
            x.predicate, x.how = y.predicate, "rating"
            y.predicate, y.how = None, ""
        if lx.NOT_AFTER_RE.match(s.m, y.consumed):
            x.skip = "the members or organizations evaluated, not a figure"
            y.consumed = lx.NOT_AFTER_RE.match(s.m, y.consumed).end()


_TOPIC_RE = re.compile(
    r"(?:[^,;:]{0,40},\s*)?(?:ở|đối với|về|với|riêng|tại)\s+(?:các\s+|số\s+|tổng số\s+|khối\s+)?(?:[\d.]+\s+)?"
    r"(?P<noun>chi bộ|đảng viên|tổ chức cơ sở đảng|tccsđ|tổ chức đảng)(?P<rest>[^,;:\d]{0,60})[,:]"
)


def _topic(s: Sentence) -> tuple[str, str] | None:
    """`Ở các chi bộ trực thuộc đảng ủy cơ sở, ...`: the figures of the sentence are of that kind."""
    tm = _TOPIC_RE.match(s.m, s.start, s.end)
    if tm is None:
        return None
    entity = CELLS if tm["noun"] == "chi bộ" else MEMBERS if tm["noun"] == "đảng viên" else ORGS
    kind = _clean(s.text[tm.start("rest") : tm.end("rest")])
    if kind.lower() in ("", "trực thuộc") or entity == MEMBERS:
        return entity, ""  # a topic of members names who, not which part
    return entity, kind


def _continue_lists_backwards(s: Sentence, items: list[Item]) -> None:
    """`kết luận 1 tổ chức đảng và 5 đảng viên có vi phạm`: a verb said after the last item of a list
    tells what the earlier ones are, when they have nothing of their own."""
    for a, b in reversed(list(pairwise(items))):
        weak = (
            a.how == "total"
            and b.how in ("after", "rating")
            and rx(r"\s*và\s*").fullmatch(s.m[a.consumed : b.mt.start])
        )
        if (
            (a.predicate is None or weak)
            and not a.skip
            and a.entity
            and b.how in ("after", "rating", "list")
            and b.predicate
        ) and rx(r"\s*(?:,|và)\s*(?:khoảng|trên|gần|hơn|dưới)?\s*").fullmatch(s.m[a.consumed : b.mt.start]):
            a.predicate, a.how = b.predicate, "backlist"


def _cross_sentence(s: Sentence, items: list[Item], para: Paragraph) -> None:
    """A list that continues in the next sentence (`Về hình thức, khiển trách 19, cảnh cáo 8`) takes
    the entity of the last figure said with its verb."""
    for it in items:
        if not it.skip and it.predicate and it.entity is None and it.predicate in para.last:
            it.entity = para.last[it.predicate].entity
            if it.predicate == "disciplined" and not it.category:
                form = lx.FORM_RE.search(s.m, it.lead_start, it.mt.start)
                it.category = form.group(0) if form else None


def _figure(s: Sentence, it: Item, para: Paragraph) -> Figure:
    year, period = year_of(s, it, para)
    kind = "target" if is_target(s, it) else "actual"
    whole = it.part_of
    if isinstance(whole, Item) and whole.read_as is not None and whole.mt.start < s.start:
        # `... giao chỉ tiêu kết nạp 260 đảng viên trong năm 2024. Trong đó, ... 12 đồng chí`: the parts
        # of a whole said in the sentence before are its parts, a goal of its year when it was one.
        whole_kind, whole_year = whole.read_as
        if not any(t.pos < it.mt.start and not t.comparison for t in s.marks) and not s.periods:
            year = whole_year
        kind = "target" if whole_kind == "target" else kind
    it.read_as = (kind, year)
    mt = it.mt
    return Figure(
        metric=it.metric,
        value=as_number(mt.value),
        unit=mt.unit,
        of_total=as_number(mt.of_total) if mt.of_total is not None else None,
        kind=kind,
        qualifier=qualifier_of(s, it),
        year=year,
        period=period,
        organization=org_of(s, it, para),
        category=it.category,
        start=mt.start,
        end=mt.end,
        sentence_start=_strip_start(s),
        sentence_end=_strip_end(s),
        value_max=as_number(mt.value_max) if mt.value_max is not None else None,
    )


def _ratio_total(s: Sentence, it: Item, para: Paragraph) -> Figure | None:
    """`19/23 tổ chức cơ sở đảng ...`, `49 trong tổng số 56 TCCSĐ`: the whole Y is a total of its own."""
    mt = it.mt
    total = mt.of_total
    if total is None or it.total_given or it.predicate == "total" or it.category or it.entity is None:
        return None
    metric = metric_for(it.entity, "total")
    fig = _figure(s, it, para)
    fig.metric, fig.value, fig.of_total, fig.unit, fig.value_max = metric, as_number(total), None, "count", None
    fig.qualifier = "exact"
    return fig


def _zero_figures(s: Sentence, para: Paragraph) -> list[Figure]:
    found = []
    for zm in lx.ZERO_RE.finditer(s.m, s.start, s.end):
        entity = _entity(zm.groupdict())
        if zm["weak"]:
            metric = metric_for(entity, "weak")
        elif zm["notdone"]:
            metric = metric_for(entity, "not_completed")
        elif zm["disciplined"]:
            metric = metric_for(entity, "disciplined")
        else:
            metric = metric_for(entity, "violating")
        if not metric:
            continue
        mt = Mention(zm.start(), zm.end(), 0)
        it = Item(
            mt, s.clause_at(zm.start()), entity=entity, consumed=zm.end(), lead_start=s.clause_at(zm.start()).start
        )
        fig = _figure(s, it, para)
        fig.metric = metric
        found.append(fig)
    return found


def _carry(s: Sentence, para: Paragraph, items: list[Item]) -> None:
    """What the next sentence of the paragraph inherits: its unit, its year, its last figures."""
    named = [o for o in s.orgs if not o.depth and o.kind in ("named", "bare")]
    unnamed = [o for o in s.orgs if not o.depth and o.kind == "unnamed" and o.name.split()[0][0].isupper()]
    scopes = [o for o in s.scopes if named and o.start > named[-1].end and o.name]
    if scopes and _is_source(s, named[-1]):
        para.org = scopes[-1]  # `Theo Ban Tổ chức Tỉnh ủy X, toàn tỉnh có ...`: the scope wins over the source
    elif named:
        para.org = named[-1]
    elif unnamed and (para.org is None or para.org.level != unnamed[-1].level):
        para.org = unnamed[-1]
    topical = [t for t in s.marks if not t.comparison]
    if topical:
        para.year = topical[-1].year
        if topical[-1].year is None:
            para.period = None
    if s.periods and (not topical or s.periods[-1][0] > topical[-1].pos):
        para.period, para.year = s.periods[-1][2], None
    for it in items:
        if it.metric and it.predicate:
            para.last[it.predicate] = it
    para.prev_items = [it for it in items if it.metric]


def _strip_start(s: Sentence) -> int:
    start = s.start
    while start < s.end and s.text[start].isspace():
        start += 1
    return start


def _strip_end(s: Sentence) -> int:
    end = s.end
    while end > s.start and s.text[end - 1].isspace():
        end -= 1
    return end


def _one_row_each(figures: list[Figure]) -> list[Figure]:
    """A figure said twice with the same meaning is one row, read from its first mention."""
    seen: set[tuple] = set()
    out = []
    for f in figures:
        key = f.meaning()
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out
