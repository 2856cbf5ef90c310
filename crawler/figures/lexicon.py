"""The vocabulary compiled into the patterns the reader matches (in the match form)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from crawler.figures import vocabulary as v


@cache
def rx(pattern: str) -> re.Pattern[str]:
    """A rule's own small pattern (a literal in the rule), compiled once: `rx(r"...").match(s)` is a
    cache lookup, where `re.match(r"...", s)` goes through re's slower cache on every call."""
    return re.compile(pattern)


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, each matching whole words."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def word_start(phrases: Iterable[str], not_after: Iterable[str] = ()) -> str:
    r"""`alternation(phrases)` that only matches at the start of a word (`(?<!\w)` before it) and not
    right after any of `not_after` (`(?<!đạt )`), written so that the regex engine can skip ahead: one
    group, in place of `(?<!\w)(?:` + alternation + `)` at the very start of a pattern. Not as one branch
    among others (`x|` + word_start(...)): a group in a branch hides its first characters again; add
    the other phrases to the same call, or give the other branches a search of their own."""
    return word_start_branches(((phrase, "") for phrase in sorted(set(phrases), key=len, reverse=True)), not_after)


def _common_start(texts: list[str]) -> str:
    """The longest string every one of `texts` starts with (character by character)."""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def word_start_branches(branches: Iterable[tuple[str, str]], not_after: Iterable[str] = ()) -> str:
    r"""Branches `(phrase, pattern after it)`, tried in this order, each at the start of a word and not
    right after any of `not_after`, as one group: `(?<!\w)(?:phrase1rest1|phrase2rest2|...)`, in a form
    the engine skips through.

    Python's re scans fast only to a character that may start a match, and it knows those only when
    every branch starts with a plain character: a lookbehind in front hides them, and the engine
    then tries the whole pattern at every position of a sentence. So the branches are grouped by
    their first character c (branches of different first characters never match at one place; in a
    group their order is kept), and each lookbehind moves behind it: `(?<!\wc)` there holds exactly
    when `(?<!\w)` held before c. Case-sensitive patterns only (the match form is lower case)."""
    behind = [r"\w", *(re.escape(w) for w in not_after)]
    by_first: dict[str, list[tuple[str, str]]] = {}
    for phrase, rest in branches:
        # Regrouping would renumber a capturing group, and an empty phrase has no first character.
        if not phrase or re.compile(rest).groups:
            raise ValueError(f"a branch needs a phrase and no capturing group after it: {phrase!r}, {rest!r}")
        by_first.setdefault(phrase[0], []).append((phrase, rest))
    out = []
    for group in by_first.values():  # one lookbehind a first character, then its branches
        # The lookbehind goes after all the group's phrases share (`năm(?<!\wnăm)`, not `n(?<!\wn)ăm`):
        # a pattern that starts with one plain string is scanned for the whole string, and a place
        # with only its first letter is never tried (`n` starts a word in most sentences).
        head = _common_start([phrase for phrase, _ in group])
        shared = re.escape(head)
        tails = "|".join(re.escape(phrase[len(head) :]) + rest for phrase, rest in group)
        out.append(shared + "".join(f"(?<!{b}{shared})" for b in behind) + "(?:" + tails + ")")
    return out[0] if len(out) == 1 else "(?:" + "|".join(out) + ")"  # one group either way


def finditer_at(starts: re.Pattern, regex: re.Pattern, string: str, pos: int, endpos: int) -> Iterator[re.Match]:
    """`regex.finditer(string, pos, endpos)`, trying `regex` only where `starts` matches.

    For a pattern whose first characters are hidden from the engine inside groups and options (an
    organization's name, a number): `starts` (written with `word_start` or a class first) is a fast
    scan to the places where `regex` can begin, and it must find every one of them. `regex` must
    not match the empty string."""
    while (found := starts.search(string, pos, endpos)) is not None:
        match = regex.match(string, found.start(), endpos)
        if match is None:
            pos = found.start() + 1
            continue
        yield match
        pos = match.end()


def phrase_re(phrases: Iterable[str]) -> re.Pattern:
    return re.compile(word_start(phrases) + r"(?!\w)")


# A counted noun right after a number: `15 chi bộ`, `398 đảng viên`, `40 lượt đảng viên`.
NOUN_RE = re.compile(
    r"\s*(?:(?P<conn>lượt|số)\s+)?(?:(?P<pair>"
    + alternation(v.ORG_PAIRS)
    + r")|(?P<orgkind>"
    + alternation(v.ORG_KIND_NOUNS)
    + r")|(?P<org>"
    + alternation(v.ORG_NOUNS)
    + r")|(?P<cell>"
    + alternation(v.CELL_NOUNS)
    + r")"
    r"|(?P<memberkind>"
    + alternation(v.MEMBER_KIND_NOUNS)
    + r")|(?P<member>"
    + alternation(v.MEMBER_NOUNS)
    + r"))(?!\w)"
)
# The same nouns anywhere (a subject before a label-first rating: `đảng viên hoàn thành ... chiếm 14%`).
SUBJECT_RE = re.compile(
    r"(?<!\w)(?<!trực thuộc )(?:(?P<org>"
    + alternation(v.ORG_PAIRS + v.ORG_NOUNS + v.ORG_KIND_NOUNS)
    + r")|(?P<cell>chi bộ)"
    r"|(?P<member>đảng viên|đv|đồng chí))(?!\w)"
)
FOREIGN_RE = re.compile(r"\s*(?:lượt\s+)?(?:" + alternation(v.FOREIGN_NOUNS) + r")(?!\w)")
_LEAD_INS = r"(?:(?:đều|được|đã|đạt|xếp loại|được xếp loại|được đánh giá|đánh giá|được công nhận|công nhận|là|có|bị|" \
            r"đủ tư cách,?|đạt danh hiệu|đạt tiêu chuẩn|loại|xếp|ở mức|mức)\s+)*"  # fmt: skip
_QUOTE = r"[\"']?\s*"
RATING_ALT = alternation(label for label, _ in v.RATINGS)
RATING_KEY = {label: key for label, key in v.RATINGS}
# A rating after the noun (`19 chi bộ được xếp loại hoàn thành tốt nhiệm vụ`).
RATING_AFTER_RE = re.compile(r"\s*" + _LEAD_INS + _QUOTE + r"(?P<label>" + RATING_ALT + r")(?!\w)" + _QUOTE
                             + r"(?P<more>\s*trở lên)?")  # fmt: skip
RATED_UNIT_RE = re.compile(r"\s+(?:" + alternation(v.RATED_UNIT_NOUNS) + r")(?=" + RATING_AFTER_RE.pattern + ")")
# A rating anywhere (label-first: `hoàn thành tốt nhiệm vụ chiếm 10,22%`).
RATING_RE = re.compile(
    r"(?P<label>" + word_start(label for label, _ in v.RATINGS) + r")(?!\w)" + r"[\"']?(?P<more>\s*trở lên)?"
)
EXEMPLARY_RE = phrase_re(v.EXEMPLARY)
# A verb after one of these is a noun phrase: `tập huấn nghiệp vụ kiểm tra cho 168 cán bộ`.
VERB_RE = re.compile(
    r"(?P<verb>"
    + word_start((verb for verb, _ in v.VERBS), not_after=(f"{word} " for word in v.VERB_AS_NOUN_AFTER))
    + r")(?!\w)"
)
VERB_KEY = {verb: key for verb, key in v.VERBS}
AFTER_VERB_RE = re.compile(r"\s*(?:đã\s+|đều\s+|cũng\s+)?(?P<verb>" + alternation(p for p, _ in v.AFTER_VERBS)
                           + r"|được [^,;.\d]{1,20}? (?:kiểm tra|giám sát))(?!\w)")  # fmt: skip
AFTER_VERB_KEY = {phrase: key for phrase, key in v.AFTER_VERBS}


def after_verb_key(phrase: str) -> str:
    """The predicate of a verb said after the noun (`được chi bộ giám sát` is inspected too)."""
    return AFTER_VERB_KEY.get(phrase) or "inspected"


FORM_RE = phrase_re(v.DISCIPLINE_FORMS)
TOTAL_CUE_WORDS = (*v.TOTAL_CUES, ":")
TOTAL_CUE_RE = re.compile(word_start(TOTAL_CUE_WORDS, not_after=("đối ",)) + r"\s*$")
RAISE_TOTAL_RE = phrase_re(v.RAISE_TOTAL)
SHARE_CUE_RE = re.compile(r"(?:^|[\s,(])(?:" + alternation(v.SHARE_CUES) + r")\s*$")
BREAKDOWN_RE = phrase_re(v.BREAKDOWN_CUES)
CELL_KIND_RE = re.compile(r"\s+(?P<kind>(?:" + alternation(v.CELL_KINDS) + r")(?:[^\S\n]+[^\s,;:.()\d]+)*?"
                          r"(?:,\s*(?:" + alternation(v.CELL_KINDS) + r"|xã|thị trấn|phường|trường học|tổ dân phố)(?!\w))*)"
                          r"(?=\s*(?:[,;:.()]|và\s|với\s|đạt\s|được\s|hoàn thành|không\s|trong đó|có\s|$|\d))")  # fmt: skip
# A goal word right after a percent is a plan the figure is measured against (`đạt 88% kế hoạch`), no goal.
TARGET_RE = re.compile(word_start(v.TARGET_CUES, not_after=("đạt ", "vượt ", "thành ", "bằng ", "% ", "%")) + r"(?!\w)")
QUALIFIER_WORDS = tuple(q for q, _ in v.QUALIFIERS)
QUALIFIER_RE = re.compile(r"(?P<q>" + word_start(QUALIFIER_WORDS) + r")\s*$")
QUALIFIER_KEY = dict(v.QUALIFIERS)


class AtEnd:
    """A pattern that can only match at the end of a text, each match ending in one of `last_words`
    (then whitespace): searched only in a text that, whitespace aside, ends so. A lead before a number
    runs to 300 characters and most end with no such word; a test of the end costs less than the
    pattern's scan from the start (`tests/test_patterns.py` checks each against its regex)."""

    __slots__ = ("last_words", "regex")

    def __init__(self, regex: re.Pattern[str], last_words: Iterable[str]) -> None:
        self.regex, self.last_words = regex, tuple(last_words)

    def _may_match(self, text: str) -> bool:
        return text.rstrip().endswith(self.last_words)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self._may_match(text) else None

    def sub(self, repl: str, text: str) -> str:
        return self.regex.sub(repl, text) if self._may_match(text) else text


QUALIFIER_AT_END = AtEnd(QUALIFIER_RE, QUALIFIER_WORDS)
TOTAL_CUE_AT_END = AtEnd(TOTAL_CUE_RE, TOTAL_CUE_WORDS)


PLAN_AFTER_RE = re.compile(r"\s*(?:so với\s+)?(?:" + alternation(v.PLAN_AFTER) + r")(?!\w)")
NOT_BEFORE_RE = phrase_re(v.NOT_A_FIGURE_BEFORE)
NOT_AFTER_RE = re.compile(r"\s*,?\s*(?:" + alternation(v.NOT_A_FIGURE_AFTER) + r")(?!\w)(?! bị)")
OR_MORE_RE = re.compile(r"\s*trở lên(?!\w)")
FROM_RE = re.compile(word_start(["từ"]) + r"\s*(?:hơn\s*|trên\s*)?$")
ZERO_RE = re.compile(
    word_start(["không có", "không", "chưa có", "chưa phát hiện", "không phát hiện", "không để", "không còn"]) + r"\s+"
    r"(?:(?P<org>tổ chức cơ sở đảng|tccsđ|tccs đảng"
    r"|tổ chức đảng|đảng bộ,\s*chi bộ cơ sở|đảng bộ cơ sở|chi,\s*đảng bộ|cơ sở đảng|cơ sở(?=\s+yếu))|(?P<cell>chi bộ)"
    r"|(?P<member>đảng viên|đv))\s+(?:nào\s+)?(?:bị\s+)?(?:xếp loại\s+|được xếp loại\s+)?(?:[\"']\s*)?"
    r"(?:(?P<weak>yếu,?\s*kém)|(?P<notdone>không hoàn thành nhiệm vụ)|(?P<disciplined>bị kỷ luật|bị xử lý kỷ luật"
    r"|vi phạm phải xử lý kỷ luật|bị thi hành kỷ luật)|(?P<violation>vi phạm|có vi phạm))(?!\w)"
)
# A difference, said right before its number: `tăng 3 đảng viên`, `giảm 2 so với năm 2021` (`tăng từ` is no difference).
DELTA_WORDS = ("tăng", "giảm", "nhiều hơn", "ít hơn", "tăng thêm", "giảm đi", "tăng hơn")
DELTA_RE = re.compile(word_start(DELTA_WORDS) + r"\s+$")
DELTA_AT_END = AtEnd(DELTA_RE, DELTA_WORDS)
# A lead that ends with `từ`: its number is where a change or a time starts (`giảm từ 9 xuống còn 5`).
FROM_AT_END = AtEnd(re.compile(r"(?<!\w)từ\s*$"), ["từ"])
