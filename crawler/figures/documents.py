"""References to party documents: `Nghị quyết số 22-NQ/TW, ngày 2-2-2008` → kind, number, issuer, date."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from crawler.figures.text import match_form

DOC_KINDS = {
    "nq": "nghị quyết", "ct": "chỉ thị", "kl": "kết luận", "qđi": "quy định", "qđ": "quyết định",
    "kh": "kế hoạch", "đa": "đề án", "hd": "hướng dẫn", "tb": "thông báo", "ctr": "chương trình",
}  # fmt: skip
# A document's number, found first: a pattern that starts with a digit lets the regex engine skip to
# the digits, where one that starts with the kinds' words tried them at every n, c, k, q, h, đ and t
# of a text (`tests/test_patterns.py` holds that readable form, and checks both read the same).
# The lookbehind after the first digit holds exactly when `(?<![\w-])` held before it.
NUMBER_RE = re.compile(
    r"\d(?<![\w-]\d)\d{0,3}\s*-\s*(?P<code>[a-zđ]{1,4})\s*/\s*(?P<issuer>[a-zđ]{1,5})(?![\w/])"
    r"(?:\s*,?\s*ngày\s+(?P<d>\d{1,2})\s*[-/.]\s*(?P<mo>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}))?"
)
# Each kind's word, as the text names it before a number (`Nghị quyết số 22-NQ/TW`).
KIND_WORDS = tuple(DOC_KINDS.values())


# No kind's word ends with another's, nor with `số`: at most one kind can end where one is looked for.
assert not any(a != b and a.endswith(b) for a in (*KIND_WORDS, "số") for b in KIND_WORDS)


def kind_before(m: str, start: int, floor: int = 0) -> tuple[str, int] | None:
    """The kind of document named right before the number at `start` (`nghị quyết số `, `chỉ thị `:
    the kind, whitespace, an optional `số` and whitespace), and where it starts; none before `floor`
    (the end of the document read before, whose words are its own)."""
    end = _space_before(m, start, floor)
    if end == start:
        return None
    if end - 2 >= floor and m.startswith("số", end - 2):
        before_so = _space_before(m, end - 2, floor)
        if before_so < end - 2:
            end = before_so
    for kind in KIND_WORDS:
        if end - len(kind) >= floor and m.startswith(kind, end - len(kind)):
            return kind, end - len(kind)
    return None


def _space_before(m: str, end: int, floor: int) -> int:
    while end > floor and m[end - 1].isspace():  # `\s` of a str pattern is what isspace() says
        end -= 1
    return end


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


def issued_on(dm: re.Match) -> str | None:
    """The date a match gives after the number (`, ngày 2-2-2008`), as ISO, if it is a date."""
    if not dm["y"]:
        return None
    d, mo, y = int(dm["d"]), int(dm["mo"]), int(dm["y"])
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= d <= 31 and 1 <= mo <= 12 else None


def extract_documents(text: str) -> list[Document]:
    """Each cited party document once.

    `Nghị quyết số 22-NQ/TW, ngày 2-2-2008` → nghị quyết, 22-NQ/TW, TW, 2008-02-02.
    """
    text = unicodedata.normalize("NFC", text or "")
    if "/" not in text:
        return []  # every party document number has a slash: 22-NQ/TW
    return read_documents(text, match_form(text))


def read_documents(text: str, m: str) -> list[Document]:
    """`extract_documents` of an NFC text whose match form `m` the caller made (and shares)."""
    if "/" not in text:
        return []
    seen: dict[str, Document] = {}
    after = 0  # where the document read before ends
    for dm in NUMBER_RE.finditer(m):
        named = kind_before(m, dm.start(), after)
        after = dm.end()
        number = "".join(text[dm.start() : dm.end("issuer")].split())
        issuer = number.split("/")[-1]
        kind = named[0] if named else DOC_KINDS.get(dm["code"])
        if not kind:
            continue
        date = issued_on(dm)
        key = number.upper()
        if key in seen:
            if date and not seen[key].date:
                seen[key].date = date
            continue
        seen[key] = Document(kind, number, issuer, date, named[1] if named else dm.start(), dm.end())
    return list(seen.values())
