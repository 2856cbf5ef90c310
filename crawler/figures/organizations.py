"""Who a number belongs to: named party organizations, committees and the organs that speak for
them, bare places, level phrases (`toàn tỉnh`) and classes of bodies (`cấp ủy các cấp`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.figures.lexicon import finditer_at, rx, word_start
from crawler.figures.vocabulary import BODIES, BODY_CLASSES, COMMITTEES, LEVELS, ORGANS, SCOPES


def _alternation(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


_LEVEL_ALT = _alternation(LEVELS)
_UNITS = (
    "công an", "quân sự", "bộ đội biên phòng", "biên phòng", "khối cơ quan và doanh nghiệp", "khối các cơ quan",
    "khối doanh nghiệp", "khối", "cơ quan", "ủy ban nhân dân", "ubnd",
)  # fmt: skip
ORG_RE = re.compile(
    r"(?<!\w)(?:(?P<organ>" + _alternation(ORGANS) + r")\s+)?"
    r"(?:(?P<body>" + _alternation(BODIES) + r")\s+(?:(?P<unit>" + _alternation(_UNITS) + r")(?:\s+(?P<scope>tỉnh|huyện"
    r"|thành phố|thị xã))?(?=[\s,.;:()]|$)|(?P<level>" + _LEVEL_ALT + r")\s*)?"
    r"|(?P<committee>" + _alternation(COMMITTEES) + r")\s+"
    r"|(?P<bare>" + _LEVEL_ALT + r")\s+(?=\w))"
)
SCOPE_RE = re.compile(
    r"(?<!\w)(?:toàn\s+(?P<party>đảng bộ)(?:\s+(?P<plevel>tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn|khối))?"
    r"|(?P<scope>" + _alternation(SCOPES) + r"))(?!\w)"
)
CLASS_RE = re.compile(
    r"(?<!\w)(?:" + _alternation(BODY_CLASSES) + r"|(?:cấp ủy|ubkt|ủy ban kiểm tra)[^.;:]{0,60}?các cấp"
    r"|(?:ủy ban kiểm tra|ubkt|ban thường vụ|ban tổ chức)\s+các\s+"
    r"(?:huyện ủy|thị ủy|thành ủy|tỉnh ủy|đảng ủy|cấp ủy))(?!\w)"
)
# Where each can begin (`finditer_at`): an organization with an organ, a body, a committee or a level
# word; every scope with `toàn`, every class with one of these.
_ORG_STARTS_RE = re.compile(word_start([*ORGANS, *BODIES, *COMMITTEES, *LEVELS]))
assert all(_ORG_STARTS_RE.match(phrase) for phrase in (*ORGANS, *BODIES, *COMMITTEES, *LEVELS))
_SCOPE_STARTS_RE = re.compile(word_start(["toàn"]))
_CLASS_STARTS_RE = re.compile(word_start(["cấp ủy", "ủy ban kiểm tra", "ubkt", "ban thường vụ", "ban tổ chức"]))
assert all(_SCOPE_STARTS_RE.match(s) for s in SCOPES) and all(_CLASS_STARTS_RE.match(c) for c in BODY_CLASSES)
# An organ that only issued a decision is not the organization (settled case 1).
ISSUER_AFTER_RE = re.compile(r"\s*(?:[^.;:]{0,40}?)(?:ra |ban hành |vừa |đã )*quyết định(?! số)")
_WORD_RE = re.compile(r"\S+")
_NOT_A_NAME = {"Đảng", "Trung", "Nhân", "Cộng", "Ban", "Ủy", "Uỷ", "Thường", "Đại"}
_STOP = {"có", "với", "đã", "hiện", "là", "và", "được", "bị", "trong", "gồm", "luôn", "đang", "cũng", "sẽ", "vừa",
         "không", "tại", "của", "về", "cho", "từ", "nhiệm", "lần", "khóa", "khoá", "tổ", "đến", "năm", "thực", "chức",
         "kết", "trao", "đạt", "biết", "nâng", "thi", "kiểm", "giám", "phát", "tiếp", "xếp"}  # fmt: skip
# Upper-case abbreviations that follow a name but are not part of it (`UBKT Huyện ủy X KT 17 đảng viên`).
_ABBREVIATIONS = {"KT", "GS", "KTGS", "UBKT", "BTV", "TCCSĐ", "TCĐ", "ĐV", "HTXSNV", "HTTNV", "HTNV", "TSVM", "HHĐ"}
LEVEL_OF = {"tp": "thành phố", "tp.": "thành phố", "t.p": "thành phố", "tx": "thị xã", "tx.": "thị xã", "t.x": "thị xã"}
COMMITTEE_LEVEL = {
    "huyện ủy": "huyện",
    "thành ủy": "thành phố",
    "thị ủy": "thị xã",
    "tỉnh ủy": "tỉnh",
    "quận ủy": "quận",
}


@dataclass
class Org:
    start: int
    end: int
    name: str  # as written, from its body or committee word to the end of its own name
    level: str | None = None  # huyện, xã, tỉnh ... when known
    kind: str = "named"  # named, bare (a place with no party word), scope, issuer
    depth: int = 0  # inside how many parentheses (an aside is never the organization)


def _name_after(text: str, pos: int, limit: int, *, syllables: bool = False) -> tuple[str, int]:
    """Capitalized words (or a number) starting at `pos`: a place name as written. With `syllables`
    (a school's name: `Trường Đại học Hồng Đức`, `Trường Mầm non Hoa Sen`), the first word, the
    school's kind, may go on with one lower-case syllable (not a later one: `... Nguyễn Chích trực thuộc`)."""
    words: list[str] = []
    end = pos
    for m in _WORD_RE.finditer(text, pos, min(limit, pos + 120)):
        if words and text[end : m.start()] != " ":
            break  # a line break or a second space: the name ended
        word = m.group(0)
        core = word.rstrip(",.;:)”\"'!?")
        second = (
            syllables and core[:1].islower() and len(words) == 1 and words[0][0].isupper() and core.lower() not in _STOP
        )
        if not core or "(" in core or not (core[0].isupper() or core.isdigit() or second) or core in _ABBREVIATIONS:
            break
        words.append(core)
        end = m.start() + len(core)
        if core != word or len(words) == 5 or core.isdigit():
            break
    return " ".join(words), end


# Lower-case words that go on with a unit's name after another lower-case one (`Bệnh viện Đa khoa tỉnh`,
# `Công ty cổ phần`); any other one after a lower-case word is the sentence again (`Đảng ủy Công ty đặt`).
_LOWER_GOES_ON = {"tỉnh", "huyện", "xã", "phường", "quận", "thành", "phố", "thị", "trấn", "cổ", "phần"}


def _unit_name_after(text: str, pos: int, limit: int) -> tuple[str, int]:
    """`Bệnh viện Đa khoa tỉnh`, `Công ty CP May Thanh Trì`, `Công ty Cổ phần Xi măng Bỉm Sơn`: a unit's
    name, whose words (a capital, then its lower-case syllable) may each run to two syllables."""
    words: list[str] = []
    end = pos
    for m in _WORD_RE.finditer(text, pos, min(limit, pos + 100)):
        word = m.group(0)
        core = word.rstrip(",.;:)”\"'!?")
        if not core or core.lower() in _STOP or core[0].isdigit() or "(" in core or len(words) == 10:
            break
        if core[0].islower() and words and words[-1][0].islower() and core not in _LOWER_GOES_ON:
            break
        words.append(core)
        end = m.start() + len(core)
        if core != word:
            break
    return " ".join(words), end


def find_organizations(text: str, m: str, start: int, end: int, depth_at) -> list[Org]:
    """Named organizations, committees (and the organs speaking for them) and bare places in
    text[start:end]; `depth_at(pos)` says how many parentheses a position sits in."""
    found: list[Org] = []
    for om in finditer_at(_ORG_STARTS_RE, ORG_RE, m, start, end):
        depth = depth_at(om.start())
        if om["committee"]:
            name, name_end = _name_after(text, om.end(), end)
            head = text[om.start("committee") : om.end("committee")]
            if not name and not head[0].isupper():
                continue  # `các huyện ủy, thị ủy`: committees in general
            org = Org(om.start(), name_end if name else om.end("committee"), f"{head} {name}".strip(),
                      COMMITTEE_LEVEL[om["committee"]], kind="named" if name else "unnamed", depth=depth)  # fmt: skip
        elif om["body"]:
            body = text[om.start("body") : om.end("body")]
            capital = body[0].isupper()
            if om["unit"]:
                if not capital:
                    continue  # `chi bộ quân sự`: a kind of cell, not a named one
                unit_end = om.end("scope") if om["scope"] else om.end("unit")
                name, name_end = (
                    _name_after(text, unit_end + 1, end) if m[unit_end : unit_end + 1] == " " else ("", unit_end)
                )
                label = text[om.start("body") : name_end if name else unit_end]
                level = "khối" if om["unit"].startswith("khối") else om["scope"]
                # `Đảng bộ Khối` alone: the bloc named in full before, as `Đảng bộ huyện` is the district.
                short = om["unit"] == "khối" and not name and not om["scope"]
                org = Org(om.start(), name_end if name else unit_end, label, level, depth=depth,
                          kind="unnamed" if short else "named")  # fmt: skip
            elif om["level"]:
                level = LEVEL_OF.get(om["level"], om["level"])
                name, name_end = _name_after(text, om.end(), end, syllables=level == "trường")
                if not name and not capital:
                    continue  # `chi bộ thôn`: a kind of cell
                if not name:
                    # `Đảng bộ xã`, `Đảng bộ huyện` with no name: the unit the paragraph is about.
                    org = Org(om.start(), om.end("level"), text[om.start("body") : om.end("level")], level,
                              kind="unnamed", depth=depth)  # fmt: skip
                else:
                    org = Org(om.start(), name_end, text[om.start("body") : name_end], level, depth=depth)
            else:
                name, name_end = _name_after(text, om.end("body") + 1, end)
                if not name or name.split()[0] in _NOT_A_NAME:
                    continue
                name, name_end = _unit_name_after(text, om.end("body") + 1, end)
                org = Org(om.start(), name_end, f"{body} {name}", None, depth=depth)
        elif om["bare"]:
            if (
                depth_at(om.start())
                or (om.start() > 0 and m[om.start() - 1] == "(")
                or _after_party_word(m, om.start())
            ):
                continue
            if found and rx(r",\s*").fullmatch(m[found[-1].end : om.start()]):
                continue  # `Chi bộ thôn 5, xã Hoằng Lộc`: where the unit is, not another one
            name, name_end = _name_after(text, om.end(), end)
            if not name or name.isdigit():
                continue
            level = LEVEL_OF.get(om["bare"], om["bare"])
            org = Org(om.start(), name_end, text[om.start() : name_end], level, kind="bare", depth=depth)
        else:
            continue
        if om["organ"] and ISSUER_AFTER_RE.match(m, org.end):
            org.kind = "issuer"
        if found and rx(r"\s*(?:trực thuộc|thuộc)\s+").fullmatch(m[found[-1].end : org.start]):
            org.kind = "parent"  # `Chi bộ Trường X trực thuộc Đảng bộ xã Z`: where the unit belongs, not the unit
        found.append(org)
    return found


def _after_party_word(m: str, pos: int) -> bool:
    before = m[max(0, pos - 20) : pos]
    return bool(rx(r"(?:đảng bộ|chi bộ|đảng ủy|thuộc|cho|sáp nhập(?: thêm)?|hợp nhất|chia tách|từ)\s*$").search(before))


def find_scopes(m: str, start: int, end: int) -> list[Org]:
    """Level phrases: `toàn tỉnh` as written, `toàn Đảng bộ tỉnh` → `Đảng bộ tỉnh`, `toàn Đảng bộ` → no name."""
    out = []
    for sm in finditer_at(_SCOPE_STARTS_RE, SCOPE_RE, m, start, end):
        if sm["scope"]:
            level = sm["scope"].split(" ", 1)[1]
            out.append(Org(sm.start(), sm.end(), sm["scope"], level, kind="scope"))
        else:
            level = sm["plevel"]
            out.append(Org(sm.start(), sm.end(), f"Đảng bộ {level}" if level else "", level, kind="scope"))
    return out


def body_classes(m: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(cm.start(), cm.end()) for cm in finditer_at(_CLASS_STARTS_RE, CLASS_RE, m, start, end)]
