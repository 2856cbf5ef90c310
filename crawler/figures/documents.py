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
    return read_documents(text, match_form(text))


def read_documents(text: str, m: str) -> list[Document]:
    """`extract_documents` of an NFC text whose match form `m` the caller made (and shares)."""
    if "/" not in text:
        return []
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
