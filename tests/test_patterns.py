"""The reader's patterns are written for the regex engine's speed: a lookbehind moved behind each
phrase's first character (`lexicon.word_start`), a digit or a class of characters first. Each must
match exactly what its readable form matched: the same spans and groups, from any start position
(a lookbehind sees the text before it), on real-looking sentences and on fuzzed ones."""

from __future__ import annotations

import random
import re

import pytest

from bench.sitegen import make_article
from crawler.figures import documents, numbers, organizations, reader, text, time
from crawler.figures import lexicon as lx
from crawler.figures import vocabulary as v
from crawler.figures.lexicon import alternation, word_start, word_start_branches

_Y = r"(?:19|20)\d{2}"
_ALONE = "một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín"
_TAIL = "mốt|một|hai|ba|bốn|tư|lăm|năm|sáu|bảy|bẩy|tám|chín"
_ZERO_REST = lx.ZERO_RE.pattern.split(r")\s+", 1)[1]

# name: (the pattern as the reader compiles it, its readable form)
FAST_AND_READABLE = {
    "RATING_RE": (lx.RATING_RE, r"(?<!\w)(?P<label>" + lx.RATING_ALT + r")(?!\w)[\"']?(?P<more>\s*trở lên)?"),
    "EXEMPLARY_RE": (lx.EXEMPLARY_RE, r"(?<!\w)(?:" + alternation(v.EXEMPLARY) + r")(?!\w)"),
    "VERB_RE": (
        lx.VERB_RE,
        r"(?<!\w)"
        + "".join(rf"(?<!{word} )" for word in v.VERB_AS_NOUN_AFTER)
        + r"(?P<verb>"
        + alternation(verb for verb, _ in v.VERBS)
        + r")(?!\w)",
    ),
    "FORM_RE": (lx.FORM_RE, r"(?<!\w)(?:" + alternation(v.DISCIPLINE_FORMS) + r")(?!\w)"),
    "TOTAL_CUE_RE": (lx.TOTAL_CUE_RE, r"(?<!đối )(?<!\w)(?:" + alternation(v.TOTAL_CUES) + r"|:)\s*$"),
    "RAISE_TOTAL_RE": (lx.RAISE_TOTAL_RE, r"(?<!\w)(?:" + alternation(v.RAISE_TOTAL) + r")(?!\w)"),
    "BREAKDOWN_RE": (lx.BREAKDOWN_RE, r"(?<!\w)(?:" + alternation(v.BREAKDOWN_CUES) + r")(?!\w)"),
    "TARGET_RE": (
        lx.TARGET_RE,
        r"(?<!\w)(?<!đạt )(?<!vượt )(?<!thành )(?<!bằng )(?<!% )(?<!%)(?:" + alternation(v.TARGET_CUES) + r")(?!\w)",
    ),
    "QUALIFIER_RE": (lx.QUALIFIER_RE, r"(?<!\w)(?P<q>" + alternation(q for q, _ in v.QUALIFIERS) + r")\s*$"),
    "NOT_BEFORE_RE": (lx.NOT_BEFORE_RE, r"(?<!\w)(?:" + alternation(v.NOT_A_FIGURE_BEFORE) + r")(?!\w)"),
    "FROM_RE": (lx.FROM_RE, r"(?<!\w)từ\s*(?:hơn\s*|trên\s*)?$"),
    "DELTA_RE": (lx.DELTA_RE, r"(?<!\w)(?:tăng|giảm|nhiều hơn|ít hơn|tăng thêm|giảm đi|tăng hơn)\s+$"),
    "ZERO_RE": (
        lx.ZERO_RE,
        r"(?<!\w)(?:không có|không|chưa có|chưa phát hiện|không phát hiện|không để|không còn)\s+" + _ZERO_REST,
    ),
    "NUMBER_WORD_RE": (
        numbers.NUMBER_WORD_RE,
        rf"(?=[mhbnstcl])(?<!\w)(?:(?:{_ALONE}) mươi(?: (?:{_TAIL}))?|mười(?: (?:{_TAIL}))?|{_ALONE})(?!\w)",
    ),
    "_CLAUSE_MARK_RE": (text._CLAUSE_MARK_RE, r"[;:()\[\]]|(?<=\s)-(?=\s)"),
    "YEAR_RES[0]": (time.YEAR_RES[0], rf"(?<!\w)năm\s+(?P<year>{_Y})(?!\s*[-–]\s*\d)(?!\d)"),
    "YEAR_RES[1]": (time.YEAR_RES[1], rf"(?<![\w/.-])\d{{1,2}}\s*[-/.]\s*\d{{1,2}}\s*[-/.]\s*(?P<year>{_Y})(?!\d)"),
    "YEAR_RES[2]": (time.YEAR_RES[2], rf"(?<!\w)tháng\s+\d{{1,2}}\s*(?:[-/.]|năm)\s*(?P<year>{_Y})(?!\d)"),
    "YEAR_RES[3]": (time.YEAR_RES[3], rf"(?<!\w)quý\s+(?:[ivx]+|\d)\s*[/-]\s*(?:năm\s+)?(?P<year>{_Y})(?!\d)"),
    "YEAR_RES[4]": (time.YEAR_RES[4], rf"(?<!\w)quý\s+(?:[ivx]+|\d)\s+năm\s+(?P<year>{_Y})(?!\d)"),
    "PERIOD_RE": (
        time.PERIOD_RE,
        rf"(?<!\w)(?:nhiệm kỳ|giai đoạn|thời kỳ|từ năm|năm học|từ)\s*\(?\s*(?P<a>{_Y})"
        rf"\s*(?:[-–]|đến(?: năm)?)\s*(?P<b>{_Y})(?!\d)",
    ),
    "RESET_RE": (
        time.RESET_RE,
        r"(?<!\w)(?:hàng năm|hằng năm|những năm|các năm|mỗi năm|từng năm|hiện nay|hiện có|đến nay|tính đến nay"
        r"|(?<!thực )(?<!xuất )(?<!phát )(?<!thể )hiện(?= (?:toàn|đảng|chi|huyện|tỉnh|xã|phường|thị|cả))"
        r"|đến thời điểm này|nhiệm kỳ|giai đoạn)(?!\w)",
    ),
    "ANNIVERSARY_RE": (
        time.ANNIVERSARY_RE,
        r"(?<!\w)(?P<n>\d{1,3})\s+năm\s+(?:ngày\s+)?(?:(?P<party>thành lập đảng)"
        r"|(?P<ho>sinh (?:chủ tịch |bác )?hồ chí minh)|(?P<nation>cách mạng tháng tám|quốc khánh))",
    ),
}
_MASKS = {  # index in numbers.MASK_RES: readable form
    0: r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}",
    1: r"\d+\s*[-/]\s*[a-zđ]+(?:\s*/\s*[a-zđ0-9-]+)?",
    3: r"(?<!\w)(?:ngày|sáng|chiều|tối)\s+\d{1,2}\s*[-/.]\s*\d{1,2}(?!\s*(?:[-/.]|\d))",
    4: r"(?<!\w)(?:đợt|dịp|nhân dịp|trước|sau|từ|đến)\s+\d{1,2}\s*[/.]\s*\d{1,2}(?!\s*[-/.]\s*\d)(?!\d)",
    5: rf"(?<!\w)(?:tháng|quý)\s+(?:\d{{1,2}}|[ivx]+)(?:\s*(?:[-/.]|năm)\s*{_Y})?",
    6: rf"(?<!\w)năm\s+{_Y}",
    7: r"(?<!\w)(?:mỗi|hằng|hàng|từng|cả|nhiều|những|các|cuối|đầu|giữa|trong|qua)\s+năm(?!\w)",
    8: r"\d+(?:\s*(?:,|và|-|đến)\s*\d+)*\s+năm\s+tuổi\s+đảng",
    9: r"(?<!\w)huy hiệu\s+\d+(?:\s*(?:,|và|-|đến)\s*\d+)*(?:\s+năm)?",
    10: r"\d+\s+(?:năm|tháng|ngày|tuần|quý|giờ|phút|tuổi|năm liền|năm liên tục)(?!\s+(?:tuổi\s+)?đảng)"
    rf"(?!\s+{_Y})(?!\w)",
    11: r"(?<!\w)(?:kỷ niệm|sau|hơn|gần|trong|qua|được)\s+\d+\s+năm",
    13: r"(?<!\w)(?:độ tuổi|tuổi)\s+(?:từ\s+)?\d+(?:\s*(?:-|đến)\s*\d+)?",
    14: r"(?<!\w)(?:khu phố|tổ dân phố|tổ|thôn|xóm|lớp|đội|phường|quận|khóm|ấp|khu|đợt|lần thứ|thứ"
    r"|kỳ họp thứ|cụm|trạm|chi bộ|đường|km|quốc lộ|tỉnh lộ)\s+\d+(?!\s*(?:/|[.,]\d|%))",
    15: r"\d{1,2}:\d{2}",
}
FAST_AND_READABLE |= {
    "_OLD_TONE_RE": (text._OLD_TONE_RE, r"(?=[ou])(?<!q)(?:" + "|".join(text._OLD_TONES) + r")(?!\w)"),
    "_TI_LE_RE": (text._TI_LE_RE, r"(?<!\w)tỉ(?= lệ(?!\w))"),
    "_TYPO_RE": (
        text._TYPO_RE,
        r"(?<!\w)(?:" + "|".join(re.escape(typo) for typo, _ in v.TYPOS) + r")(?!\w)",
    ),
    "_SENTENCE_END_RE": (text._SENTENCE_END_RE, r"[.!?…]+[\"”’)]*\s+"),
}
FAST_AND_READABLE |= {f"MASK_RES[{i}]": (numbers.MASK_RES[i][0], readable) for i, readable in _MASKS.items()}

# Words the patterns hold, and what stands around them in a sentence: the fuzzer's alphabet.
_WORDS = sorted(
    {
        phrase
        for _, readable in FAST_AND_READABLE.values()
        for words in re.findall(r"[^\W\d_]+(?: [^\W\d_]+)*", readable.replace(r"\ ", " "))
        for phrase in [words, *words.split()]
        if len(phrase) > 1 or phrase in "đ"
    }
)
_TOKENS = (
    "12", "5", "2020", "2015", "1930", "30/6/2021", "9/2022", "15-8-2022", "1.250", "95,5", "22-nq/tw", "7", "100",
    "09:30", "i", "iv", "%", ":", ";", "(", ")", "[", "]", "-", "–", "/", ".", ",", "'", '"', "x", "đạt", "thực",
    "đối", "vượt", "thành", "bằng", "phát", "thể", "xuất", "nghiệp vụ", "cán bộ", "hiện", "đảng viên", "chi bộ",
    "2015 - 2020", "2015-2020", "(2020 - 2025)", "2020 đến năm 2025", "i/2013", "3 năm 2020", "ii năm 2021",
    "30 năm tuổi đảng", "18 đến 30", "40 và 30", "19/5", "3.11", "trở lên", "hơn", "trên", "tháng 9/2022",
    "tháng 3 - 2017", "quý i/2013", "quý ii năm 2021", "quý 3/năm 2020", "ngày 19/5", "sáng 3.11", "từ", "từ hơn",
    "dịp 19/5", "trước 30.4", "hoà", "quý", "thuỷ", "tỉ lệ", "khoẻ", "…", "!", "?", "”", "qua",
    "nhiệm vu", "hòan thành", "đang viên",
    "cấp ủy các cấp", "ubkt các cấp", "ban thường vụ các huyện ủy", "cấp ủy", "ủy ban kiểm tra", "toàn tỉnh",
    "toàn đảng bộ",
)  # fmt: skip
_NUMBERS = [token for token in _TOKENS if token[0].isdigit() or token[:2] in ("i/", "ii", "(2")]


def _fuzzed(rng: random.Random, count: int) -> list[str]:
    separators = ["", " ", " ", " ", "  ", "\n"]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 9)):
            roll = rng.random()
            if roll < 0.3:  # a word and a number: what most of the patterns are about
                parts.append(rng.choice(_WORDS) + rng.choice([" ", " ", "  ", ""]) + rng.choice(_NUMBERS))
            else:
                parts.append(rng.choice(_WORDS) if roll < 0.75 else rng.choice(_TOKENS))
        out.append("".join(rng.choice(separators) + part for part in parts) + rng.choice(separators))
    return out


def _sentences() -> list[str]:
    rng = random.Random(3)
    texts = []
    for i in range(60):
        article = make_article(i, rng)
        texts += [text.match_form(p) for p in article.paragraphs]
    return texts


SUBJECTS = _sentences() + _fuzzed(random.Random(11), 4000)


def _matches(pattern: re.Pattern, subject: str, pos: int) -> list[tuple]:
    return [(m.span(), m.groupdict(), m.groups()) for m in pattern.finditer(subject, pos)]


@pytest.mark.parametrize("name", sorted(FAST_AND_READABLE))
def test_the_fast_pattern_matches_what_its_readable_form_matches(name):
    fast, readable = FAST_AND_READABLE[name]
    readable = re.compile(readable)
    rng = random.Random(name)
    checked = 0
    for whole in SUBJECTS:
        subject = whole[: rng.randint(len(whole) // 2, len(whole))]  # a cut: where `$` patterns end
        for pos in {0, rng.randint(0, len(subject)), min(len(subject), 1)}:
            got, want = _matches(fast, subject, pos), _matches(readable, subject, pos)
            assert got == want, (name, subject, pos)
            checked += bool(want)
            assert _matches(fast, whole, pos) == _matches(readable, whole, pos), (name, whole, pos)
        assert fast.sub("#", subject) == readable.sub("#", subject), (name, subject)
    assert checked >= 10, f"{name}: too few subjects match it to tell ({checked})"


@pytest.mark.parametrize(
    ("phrases", "not_after", "subject", "expected"),
    [
        (["trong đó"], (), "trong đó", [(0, 8)]),
        (["trong đó"], (), "xtrong đó, trong đó", [(11, 19)]),  # not inside a word
        (["trong đó"], (), "1trong đó", []),  # a digit is a word character
        (["kế hoạch"], ("đạt ",), "đạt kế hoạch; vượt kế hoạch", [(19, 27)]),
        (["kế hoạch"], ("%",), "90%kế hoạch", []),
        ([":"], ("đối ",), "đối :, có: x :", [(13, 14)]),
        (["tăng", "tăng thêm"], (), "tăng thêm", [(0, 9)]),  # the longer phrase first, as alternation does
    ],
)
def test_word_start(phrases, not_after, subject, expected):
    pattern = re.compile("(?:" + word_start(phrases, not_after) + ")")
    assert [m.span() for m in pattern.finditer(subject)] == expected


@pytest.mark.parametrize(
    ("phrases", "not_after", "starts"),
    [
        (["năm"], (), "năm(?<!"),
        (["không có", "không", "không phát hiện"], (), "không(?<!"),
        (["tổ dân phố", "tổ"], ("đạt ",), "tổ(?<!"),
        (["tháng", "quý"], (), "(?:tháng(?<!"),  # two first letters: a group each, scanned for their first letters
        (["a.b", "a.c"], (), r"a\.(?<!"),
    ],
)
def test_word_start_begins_with_all_its_phrases_share(phrases, not_after, starts):
    """The engine scans for a pattern's plain beginning: the word-start test goes after everything a
    group of phrases shares, or the engine stops at each of its first letters (`n` of every `những`)."""
    assert word_start(phrases, not_after).startswith(starts)


@pytest.mark.parametrize(
    ("find", "regex"),
    [(organizations.find_scopes, organizations.SCOPE_RE), (organizations.body_classes, organizations.CLASS_RE)],
)
def test_a_scan_from_where_a_pattern_can_start_finds_what_finditer_finds(find, regex):
    checked = 0
    for subject in SUBJECTS:
        for start in {0, len(subject) // 3}:
            want = [(m.start(), m.end()) for m in regex.finditer(subject, start, len(subject))]
            assert [(found[0], found[1]) if isinstance(found, tuple) else (found.start, found.end)
                    for found in find(subject, start, len(subject))] == want, subject  # fmt: skip
            checked += bool(want)
    assert checked >= 10


def test_numbers_scanned_from_where_they_can_start_are_those_finditer_finds():
    """`find_mentions` reads NUMBER_RE from the digits that can start a number (`_NUMBER_STARTS_RE`, which
    the engine scans for): every number finditer finds, with its groups, and no other."""
    rng = random.Random(9)
    glued = ["1.234", "12/15", "3,5%", "-4", "a5", "x/7", "2.000/3.500", ".5", "5.", "1/2/2020", "10 - 12", "007"]
    subjects = [
        *SUBJECTS,
        *("".join(rng.choice([" ", "", ",", "/"]) + rng.choice(glued) for _ in range(6)) for _ in range(500)),
    ]
    checked = 0
    for subject in subjects:
        for start, end in {(0, len(subject)), tuple(sorted(rng.randint(0, len(subject)) for _ in range(2)))}:
            want = [(m.span(), m.groupdict()) for m in numbers.NUMBER_RE.finditer(subject, start, end)]
            got = lx.finditer_at(numbers._NUMBER_STARTS_RE, numbers.NUMBER_RE, subject, start, end)
            assert [(m.span(), m.groupdict()) for m in got] == want, (subject, start, end)
            checked += len(want)
    assert checked > 5000


def _organization_subjects(rng: random.Random, n: int) -> list[str]:
    """Sentences of the organizations' own words (the general fuzz holds few of them): organs,
    bodies, units, committees, levels, names, in any order."""
    words = [*v.ORGANS, *v.BODIES, *v.COMMITTEES, *v.LEVELS, *organizations._UNITS, "tỉnh", "huyện"]
    names = ["thọ xuân", "hà trung", "5", "quảng thắng", "ba đình", "x"]
    seps = [" ", " ", " ", ", ", "; ", " (", ") ", "\n", " và ", "-"]

    def word() -> str:
        return rng.choice(seps) + rng.choice(words if rng.random() < 0.7 else names)

    return ["".join(word() for _ in range(rng.randint(1, 8))) for _ in range(n)]


def test_organizations_scanned_from_where_they_can_start_are_those_finditer_finds():
    checked = 0
    for subject in SUBJECTS + _organization_subjects(random.Random(7), 4000):
        for start in {0, len(subject) // 3}:
            want = _org_matches(organizations.ORG_RE.finditer(subject, start, len(subject)))
            scanned = lx.finditer_at(organizations._ORG_STARTS_RE, organizations.ORG_RE, subject, start, len(subject))
            assert _org_matches(scanned) == want, subject
            checked += bool(want)
    assert checked >= 3000


def _org_matches(matches) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in matches]


def test_the_quick_test_of_a_sentence_answers_as_its_readable_form():
    readable = re.compile(
        r"\d|không có|không\s|chưa|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười)\s+(?:đảng viên|đv|chi bộ"
        r"|tổ chức|tccsđ|đảng bộ|cơ sở|quần chúng|đồng chí|người)(?!\w)"
    )
    answers = set()
    for subject in SUBJECTS:
        fast = any(regex.search(subject) for regex in reader._MAY_HOLD_FIGURE_RES)
        assert fast == bool(readable.search(subject)), subject
        answers.add(fast)
    assert answers == {True, False}


@pytest.mark.parametrize("branches", [[("", "")], [("một", r" (mươi)")]])
def test_a_branch_that_regrouping_would_change_is_refused(branches):
    with pytest.raises(ValueError, match="a branch needs a phrase and no capturing group"):
        word_start_branches(branches)


def test_the_masks_skipped_by_their_words_are_those_that_cannot_match():
    """A mask is tried only when the sentence holds one of its words (or, for dates, a digit, a
    separator and a digit): skipping it must never lose a span it would have masked."""
    rng = random.Random(5)
    checked = 0
    for subject in SUBJECTS:
        for start, end in {(0, len(subject)), tuple(sorted(rng.randint(0, len(subject)) for _ in range(2)))}:
            every = [(m.start(), m.end()) for regex, _ in numbers.MASK_RES for m in regex.finditer(subject, start, end)]
            assert numbers.mask_spans(subject, start, end) == every, (subject, start, end)
            checked += bool(every)
    assert checked > 1000  # the subjects hold masked spans


# The documents' pattern before it read the number first: the kinds' words tried at every position.
_DOC_READABLE = re.compile(
    r"(?=[nckqhđt\d])(?:(?P<kind>nghị quyết|chỉ thị|kết luận|quy định|quyết định|kế hoạch|đề án|hướng dẫn"
    r"|thông báo|chương trình)"
    r"\s+(?:số\s+)?)?(?<![\w-])(?P<number>\d{1,4}\s*-\s*(?P<code>[a-zđ]{1,4})\s*/\s*(?P<issuer>[a-zđ]{1,5}))(?![\w/])"
    r"(?:\s*,?\s*ngày\s+(?P<d>\d{1,2})\s*[-/.]\s*(?P<mo>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}))?"
)


def _documents_read_the_readable_way(text: str, m: str, named: list[int]) -> list[dict]:
    """`documents.read_documents` as it was, with the readable pattern: the reference (`named` counts the
    documents read with their kind's word)."""
    seen: dict[str, dict] = {}
    for dm in _DOC_READABLE.finditer(m):
        number = "".join(text[dm.start("number") : dm.end("number")].split())
        kind = dm["kind"] or documents.DOC_KINDS.get(dm["code"])
        if not kind:
            continue
        date = documents.issued_on(dm)  # the same groups d, mo, y in both patterns
        key = number.upper()
        named[0] += bool(dm["kind"])
        if key in seen:
            if date and not seen[key]["date"]:
                seen[key]["date"] = date
            continue
        seen[key] = {"kind": kind, "number": number, "issuer": number.split("/")[-1], "date": date,
                     "start": dm.start(), "end": dm.end()}  # fmt: skip
    return list(seen.values())


def _document_subjects(rng: random.Random, n: int) -> list[str]:
    """Texts dense in document references and in what nearly is one: kinds glued to words, `số` without
    a space, a kind word inside the document read before, dashes and word characters before the number."""
    pieces = [*documents.KIND_WORDS, "số", "số5", "ti", "x-", "a", "-", "đề", "án", "quyết", "định", "quy",
              "ngày", "và", ",", "năm 2020", "22-nq/tw", "05 - ct / tu", "5-kh/tu", "12-nq/đề", "3-đa/tu",
              "123-qđi/tw", "7-abcdef/tw", "8-nq/tw/", "9-nq/tw1", "2-2-2008", "1/2/2021",
              "35-kl/tw, ngày 5-5-2022"]  # fmt: skip
    spaces = ["", " ", " ", " ", "  ", "\n", "\t", "\u00a0"]
    return ["".join(rng.choice(spaces) + rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(n)]


def test_documents_read_number_first_are_those_the_readable_pattern_finds():
    subjects = SUBJECTS + _document_subjects(random.Random(5), 6000)
    found = 0
    named = [0]
    for subject in subjects:
        text = subject.upper() if len(subject) % 3 == 0 else subject  # the numbers are taken as written
        want = _documents_read_the_readable_way(text, subject, named)
        assert [d.as_dict() for d in documents.read_documents(text, subject)] == want, subject
        found += len(want)
    assert found > 3000 and named[0] > 1000  # many read with their kind's word: the look back is tested


# Words that end these patterns' matches, listed apart from the lists under test: a word left out of
# one of those lists is caught here.
_END_PROBES = (*lx.QUALIFIER_WORDS, *lx.DELTA_WORDS, *lx.TOTAL_CUE_WORDS, "từ", "có", "gồm", "bao gồm", "đạt", "là")


@pytest.mark.parametrize(
    "at_end, lead_in",
    [
        (lx.QUALIFIER_AT_END, ""),
        (lx.DELTA_AT_END, ""),
        (lx.TOTAL_CUE_AT_END, ""),
        (lx.FROM_AT_END, ""),
        (reader._COMMITTEE_AT_END, "ban chấp hành đảng bộ có "),
    ],
)
def test_a_pattern_of_the_end_of_a_text_finds_what_its_regex_finds(at_end, lead_in):
    """`lexicon.AtEnd` searches a pattern only in a text that ends with one of its words: it must find
    (and replace) what the regex finds anywhere, or the words it is given are wrong."""
    rng = random.Random(at_end.regex.pattern)
    words = at_end.last_words
    ended = [
        rng.choice(SUBJECTS)[: rng.randint(0, 60)] + rng.choice(["", lead_in]) + rng.choice(["", " ", "x", "đối "])
        + word
        + rng.choice(["", " ", "  ", "\n", " \t"])
        for word in [*words, *_END_PROBES, *(w[1:] for w in words), *(w[:-1] for w in words if w[1:])]
        for _ in range(20)
    ]  # fmt: skip
    subjects = ended + [s[: rng.randint(0, len(s))] for s in SUBJECTS] + [s + " " for s in SUBJECTS[:2000]]
    matched = 0
    for subject in subjects:
        found = at_end.regex.search(subject)
        got = at_end.search(subject)
        assert (got and got.span()) == (found and found.span()), (at_end.regex.pattern, subject)
        assert at_end.sub("#", subject) == at_end.regex.sub("#", subject), (at_end.regex.pattern, subject)
        matched += found is not None
    assert matched >= 2 * len(words)  # the words end matches: they are what is tested


def test_periods_searched_only_where_two_years_are_joined_are_those_finditer_finds():
    """`time.period_matches` runs PERIOD_RE only in a sentence where two years are joined by a dash or
    `đến`: it must find what PERIOD_RE finds, or its test of the sentence is wrong."""
    rng = random.Random(7)
    heads = ["nhiệm kỳ", "giai đoạn", "thời kỳ", "từ năm", "năm học", "từ", "trong", "x", "nhiệm kỳ1"]
    joins = ["-", " - ", "–", " – ", " đến ", " đến năm ", "đến", " tới ", "/"]
    years = ["2020", "1986", "2025", "19", "20251", "12020", "2099", "1899"]
    probes = [
        rng.choice(SUBJECTS)[: rng.randint(0, 50)] + rng.choice(["", " ", " ("]) + head
        + rng.choice(["", " ", " (", "  "]) + rng.choice(years) + join + rng.choice(years)
        + rng.choice(["", ")", " ", "1", ",", " năm"])
        for head in heads
        for join in joins
        for _ in range(40)
    ]  # fmt: skip
    found = 0
    for subject in [*probes, *SUBJECTS]:
        for start, end in {(0, len(subject)), tuple(sorted(rng.randint(0, len(subject)) for _ in range(2)))}:
            every = [(m.span(), m.groupdict()) for m in time.PERIOD_RE.finditer(subject, start, end)]
            assert [(m.span(), m.groupdict()) for m in time.period_matches(subject, start, end)] == every, subject
            found += bool(every)
    assert found > 200  # the probes hold periods: they are what is tested
