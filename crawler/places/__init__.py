"""Places: every figure's organization tied to a locality of Thanh Hóa, across the 2025 reform.

The gazetteer (`thanh_hoa.json`, built by `python -m crawler.places.build` from the
vietnamadminunits dataset) holds the province, its districts and communes as they stood until
1 July 2025, the 166 communes and wards after, units that went earlier (huyện Đông Sơn), and the links
from each old unit to the new ones that took it over. `resolve_figures` names the place of each
figure's organization: the level word and the name (`Huyện ủy Cẩm Thuỷ`, `Đảng bộ xã Yên Nhân`,
`TP. Thanh Hóa`), the article's date (before or after the reform), and the places the article named
before it (a bare `huyện`, a commune name two districts share). What is not a locality (a cell, a
company's party committee, another province) keeps no place, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from crawler.figures.text import match_form
from crawler.places import vocabulary as v

DATA = Path(__file__).with_name("thanh_hoa.json")


@dataclass(frozen=True)
class Place:
    id: str
    level: str  # province, district, commune
    kind: str  # tỉnh, huyện, thị xã, thành phố, xã, phường, thị trấn
    name: str
    full_name: str
    parent_id: str | None
    valid_from: str | None
    valid_until: str | None
    latitude: float | None
    longitude: float | None
    source: str
    former_communes: tuple[str, ...] | None = None  # a district gone before the reform: the communes it had


@dataclass(frozen=True)
class Resolution:
    place_id: str | None
    reason: str  # "resolved", or why there is no place


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    """A name as compared: lower case, modern tone marks, single spaces, no punctuation."""
    return re.sub(r"[\s.\-–]+", " ", match_form(name)).strip(" ,;:")


@dataclass
class Gazetteer:
    places: dict[str, Place]
    links: list[tuple[str, str, bool]]  # (old, new, whole)
    reform: str
    other_provinces: frozenset[str]
    by_name: dict[tuple[str, str], list[Place]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for place in self.places.values():
            self.by_name.setdefault((place.level, _key(place.name)), []).append(place)

    @property
    def province(self) -> Place:
        return next(p for p in self.places.values() if p.level == "province")

    def named(self, level: str, name: str, kind: str | None = None) -> list[Place]:
        found = self.by_name.get((level, _key(name)), [])
        same_kind = [p for p in found if kind and p.kind == kind]
        return same_kind or found

    def resolve(self, organization: str | None, *, published: str | None, context: list[Place]) -> Resolution:
        """The place an organization's name says, or none and why."""
        if not organization:
            return Resolution(None, "no organization")
        text = _key(organization)
        for aside in re.findall(r"\(([^)]*)\)", text):  # an aside naming the province: `(Bình Định)`
            for name in (aside, *aside.split(","), *(p.removeprefix("tỉnh ") for p in aside.split(", "))):
                if _key(name) in self.other_provinces or v.ABROAD_RE.search(name):
                    return Resolution(None, "outside Thanh Hóa")
        text = re.sub(r"\([^)]*\)", " ", text)
        head, *tail = [part.strip() for part in text.split(",") if part.strip()]
        units = [self._unit(part, published, context) for part in tail]
        for found in units:
            if isinstance(found, Resolution) and found.reason == "outside Thanh Hóa":
                return found
        parents = [u for u in units if isinstance(u, Place)]
        found = self._unit(head, published, parents + context)
        return found if isinstance(found, Resolution) else Resolution(found.id, "resolved")

    def _unit(self, text: str, published: str | None, context: list[Place]) -> Place | Resolution:
        text = v.ORGAN_RE.sub("", text).strip()
        if v.NOT_A_LOCALITY_RE.search(text):
            return Resolution(None, "not a locality")
        if v.BELOW_COMMUNE_RE.match(text):
            return Resolution(None, "below the commune")
        m = v.UNIT_RE.match(text)
        if m is None:
            return self._bare(text, published, context)
        level, kind = v.LEVELS[m["level"].rstrip(".").strip()]
        name = (m["name"] or "").strip()
        if not name or v.WHOLE_RE.fullmatch(name):
            return self._from_context(level, context, kind)
        if level == "province":
            return self.province if _key(name) == _key(self.province.name) else Resolution(None, "outside Thanh Hóa")
        return self._choose(self._candidates(level, kind, name, published), context, name)

    def _bare(self, text: str, published: str | None, context: list[Place]) -> Place | Resolution:
        """A name with no level word (`Cẩm Thủy có ...`), or a whole (`toàn huyện`)."""
        whole = v.WHOLE_RE.fullmatch(text)
        if whole:
            level, kind = v.LEVELS[whole["level"]]
            return self._from_context(level, context, kind)
        if not text or not re.search(r"[^\W\d]", text):
            return Resolution(None, "not found")
        if _key(text) == _key(self.province.name):
            return self.province
        if _key(text) in self.other_provinces:
            return Resolution(None, "outside Thanh Hóa")
        candidates = self._candidates("district", None, text, published)
        if not candidates:
            candidates = self._candidates("commune", None, text, published)
        return self._choose(candidates, context, text)

    def _candidates(self, level: str, kind: str | None, name: str, published: str | None) -> list[Place]:
        found = self.named(level, name, kind)
        if level != "commune":
            return found
        after = published is not None and published[:10] >= self.reform
        new = [p for p in found if p.valid_from == self.reform]
        old = [p for p in found if p.valid_from != self.reform]
        return (new or old) if after else (old or new)

    def _choose(self, candidates: list[Place], context: list[Place], name: str) -> Place | Resolution:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return Resolution(None, "not found")
        # Two communes of one name: the one in a district the article named.
        for place in context:
            inside = [c for c in candidates if c.parent_id == place.id]
            if len(inside) == 1:
                return inside[0]
        return Resolution(None, "ambiguous")

    def _from_context(self, level: str, context: list[Place], kind: str | None = None) -> Place | Resolution:
        """`toàn huyện`, `Thành ủy` with no name: the place of that kind (else level) named before."""
        if level == "province":
            return self.province
        for wanted in ((kind, level), (None, level)) if kind else ((None, level),):
            for place in context:
                if place.level == level and wanted[0] in (None, place.kind):
                    return place
        return Resolution(None, "a level with no name")


def lineage(g: Gazetteer) -> list[tuple[str, str, str]]:
    """(place, related place, relation) for every place: itself, what came before it and after it
    across the reform, its parts and its district. A new commune's history is its own figures and
    its predecessors' (old communes, and the districts they were in)."""
    out: set[tuple[str, str, str]] = {(pid, pid, "self") for pid in g.places}
    earlier_district = {c: p.id for p in g.places.values() for c in (p.former_communes or ())}
    for old, new, _ in g.links:
        before, after = g.places[old], g.places[new]
        out.add((new, old, "predecessor"))
        out.add((old, new, "successor"))
        if before.level == "commune":
            for district in (before.parent_id, earlier_district.get(old)):
                if district and g.places[district].level == "district":
                    out.add((new, district, "predecessor's district"))
                    if after.level == "commune":
                        out.add((district, new, "successor"))
    for place in g.places.values():
        if place.level == "commune" and place.parent_id and g.places[place.parent_id].level == "district":
            out.add((place.parent_id, place.id, "part"))
            out.add((place.id, place.parent_id, "district"))
        for commune in place.former_communes or ():
            out.add((place.id, commune, "part"))
            out.add((commune, place.id, "earlier district"))
    return sorted(out)


@lru_cache(maxsize=1)
def gazetteer(path: Path = DATA) -> Gazetteer:
    data = json.loads(path.read_text("utf-8"))
    places = {p["id"]: Place(**{k: p.get(k) for k in Place.__dataclass_fields__}) for p in data["places"]}
    links = [(link["old_id"], link["new_id"], link["whole"]) for link in data["links"]]
    others = frozenset(_key(name) for name in data.get("other_provinces", ()))
    return Gazetteer(places, links, data["reform"], others)


def checksum(path: Path = DATA) -> str:
    """What the stored `places` were made from: a database whose checksum differs is synced again."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def place_figures(figures: list[dict], *, published: str | None, title: str | None = None) -> list[str]:
    """Give each figure dict its `place_id` and `place_reason`; returns the article's places."""
    resolutions, about = resolve_figures(figures, published=published, title=title)
    for figure, resolution in zip(figures, resolutions, strict=True):
        figure["place_id"], figure["place_reason"] = resolution.place_id, resolution.reason
    return about


def resolve_figures(
    figures: Iterable[dict], *, published: str | None, title: str | None = None
) -> tuple[list[Resolution], list[str]]:
    """The place of each figure's organization, in order (each earlier place is context for the
    later ones), and the places the article is about (its figures' and its title's)."""
    g = gazetteer()
    context: list[Place] = []
    opening = v.TITLE_PLACE_RE.match(title or "")
    if opening:  # `Hậu Lộc: ...`
        resolution = g.resolve(opening["name"], published=published, context=[])
        if resolution.place_id:
            context.append(g.places[resolution.place_id])
    for found in v.NAMED_UNIT_RE.finditer(title or ""):
        resolution = g.resolve(found.group(0), published=published, context=context)
        if resolution.place_id:
            context.insert(0, g.places[resolution.place_id])
    about = [p.id for p in context]
    out = []
    # An article names the same organization for figure after figure: resolved once per context.
    seen: dict[tuple[str | None, tuple[str, ...]], Resolution] = {}
    for figure in figures:
        key = (figure.get("organization"), tuple(p.id for p in context))
        resolution = seen.get(key)
        if resolution is None:
            resolution = seen[key] = g.resolve(key[0], published=published, context=context)
        out.append(resolution)
        if resolution.place_id:
            place = g.places[resolution.place_id]
            context = [place, *(p for p in context if p.id != place.id)]
            # A commune's district is context too: `xã Yên Nhân`, then `huyện` means its district.
            if place.parent_id and place.parent_id in g.places and place.level == "commune":
                parent = g.places[place.parent_id]
                if parent.level == "district" and parent not in context:
                    context.append(parent)
            if place.id not in about:
                about.append(place.id)
    return out, about
