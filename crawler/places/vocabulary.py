"""How organizations name their locality, as data (matched on the lower-case, modern-tone form)."""

from __future__ import annotations

import re

# Level words → (the gazetteer's level, the unit's kind); a party committee's name says its level.
LEVELS: dict[str, tuple[str, str | None]] = {
    "tỉnh": ("province", "tỉnh"), "tỉnh ủy": ("province", "tỉnh"),
    "huyện": ("district", "huyện"), "huyện ủy": ("district", "huyện"),
    "thị xã": ("district", "thị xã"), "tx": ("district", "thị xã"), "thị ủy": ("district", "thị xã"),
    "thành phố": ("district", "thành phố"), "tp": ("district", "thành phố"), "thành ủy": ("district", "thành phố"),
    "xã": ("commune", "xã"), "phường": ("commune", "phường"), "thị trấn": ("commune", "thị trấn"),
    "tt": ("commune", "thị trấn"),
}  # fmt: skip
_LEVEL_ALT = "|".join(sorted((re.escape(w) for w in LEVELS), key=len, reverse=True))
# An organ of a committee speaks for it: `UBKT Huyện ủy Triệu Sơn` is Huyện ủy Triệu Sơn.
ORGANS = ("ủy ban kiểm tra", "ubkt", "ban thường vụ", "btv", "thường trực", "ban tổ chức", "ban tuyên giáo",
          "ban dân vận", "văn phòng", "hội đồng nhân dân", "hđnd", "ủy ban nhân dân", "ubnd", "mặt trận tổ quốc",
          "ban chấp hành", "bch")  # fmt: skip
ORGAN_RE = re.compile(r"^(?:(?:" + "|".join(map(re.escape, ORGANS)) + r")\s+)+")
# The party body before the level word: `Đảng bộ huyện X`, `Đảng ủy xã X`, `chính quyền phường X`.
_BODY = r"(?:(?:đảng bộ|đảng ủy|chính quyền|cấp ủy|toàn đảng bộ|nhân dân)\s+)?"
UNIT_RE = re.compile(rf"^{_BODY}(?P<level>{_LEVEL_ALT})\.?(?:\s+(?P<name>.+))?$")
# `toàn huyện`, `toàn tỉnh`, `cả xã`: the whole unit of that level the article is about.
WHOLE_RE = re.compile(rf"(?:toàn|cả|trên địa bàn)\s+(?:{_BODY})?(?P<level>{_LEVEL_ALT})")
# Party organizations that are no locality: sectors, the armed forces, companies, schools, agencies.
NOT_A_LOCALITY_RE = re.compile(
    r"(?<!\w)(?:khối|quân sự|công an|biên phòng|quân đội|bộ đội|công ty|doanh nghiệp|tập đoàn|ngân hàng"
    r"|trường|bệnh viện|trung tâm|cơ quan|sở|cục|báo|đài|hợp tác xã|chi nhánh|khu kinh tế|khu công nghiệp"
    r"|(?:đảng bộ|đảng ủy|chi bộ)\s+(?:ủy ban nhân dân|ubnd|hội đồng nhân dân|hđnd|mặt trận))(?!\w)"
)
# Elsewhere, said in an aside: `(tỉnh Hủa Phăn, Lào)`, `(Nghệ An)` (other provinces come from the data).
ABROAD_RE = re.compile(r"(?<!\w)(?:lào|campuchia|trung quốc|thái lan)(?!\w)")
# Units below the commune: a cell, a village, a street block.
BELOW_COMMUNE_RE = re.compile(r"(?:chi bộ|chi ủy|thôn|bản|làng|xóm|khu phố|tổ dân phố|khu dân cư|ấp|tiểu khu)(?!\w)")
# A title that opens with a place: `Hậu Lộc: ...`, `Nga Sơn - ...`.
TITLE_PLACE_RE = re.compile(r"^\s*(?P<name>[^:\-–,.]{2,30}?)\s*[:\-–]\s")
# A unit named in a title: a level word, then capitalized words.
NAMED_UNIT_RE = re.compile(
    r"(?<!\w)(?:[Hh]uyện|[Tt]hị xã|[Tt]hành phố|TP\.?|[Xx]ã|[Pp]hường|[Tt]hị trấn)\s+"
    r"(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][\w]*\s?){1,4}"
)
