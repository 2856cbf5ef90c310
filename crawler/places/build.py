"""Build Thanh Hóa's places (crawler/places/thanh_hoa.json) from a well-kept source of Vietnam's
administrative units: `python -m crawler.places.build` (needs `pip install vietnamadminunits`, the
`places` extra; it is read, not imported, so its own dependencies are not needed).

vietnamadminunits (MIT, https://github.com/tranngocminhhieu/vietnamadminunits) ships an SQLite dataset
of the units before the 2025 reform (63 provinces, their districts and communes as they stood last)
and after it (34 provinces, communes and wards only), with coordinates and the conversion from the old
communes to the new ones. Its names and codes come from the General Statistics Office's register
(danhmuchanhchinh.gso.gov.vn) and the merger maps of sapnhap.bando.com.vn; its coordinates from
Google's geocoding of each unit's name: a point inside or near the unit, good for a map marker, not a
boundary. Units that disappeared before the dataset's last state are added here as data
(`EARLIER_UNITS`), each with its source.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("thanh_hoa.json")
PROVINCE = "Tỉnh Thanh Hóa"
PROVINCE_KEY = "tinhthanhhoa"
REFORM = "2025-07-01"  # Resolution 1686/NQ-UBTVQH15: the new communes and wards, no districts
PACKAGE = "vietnamadminunits"

# District-level units older articles name that had gone before the dataset's last state.
EARLIER_UNITS = (
    {
        "name": "Huyện Đông Sơn",
        "kind": "huyện",
        "valid_until": "2024-12-01",
        "successor": "Thành phố Thanh Hóa",
        # Its communes, which the dataset lists under the city that took them over.
        "communes": (
            "Thị trấn Rừng Thông",
            "Xã Đông Hòa",
            "Xã Đông Hoàng",
            "Xã Đông Khê",
            "Xã Đông Minh",
            "Xã Đông Nam",
            "Xã Đông Ninh",
            "Xã Đông Phú",
            "Xã Đông Quang",
            "Xã Đông Thanh",
            "Xã Đông Thịnh",
            "Xã Đông Tiến",
            "Xã Đông Văn",
            "Xã Đông Yên",
        ),
        "source": "merged into Thành phố Thanh Hóa by the National Assembly Standing Committee's resolution"
        " on Thanh Hóa's district- and commune-level units for 2023-2025 (Resolution 1240/NQ-UBTVQH15,"
        " 2024, as recalled; the date and number are not checked against the text here)",
    },
)


def fold(text: str) -> str:
    """A name as the dataset's keys write it: no tone marks, no spaces, lower case."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _exact(name: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", "", name.lower()))


def _kind(full_name: str, type_: str) -> str:
    return (type_ or full_name.split(" ", 1)[0]).lower()


def _short(full_name: str, kind: str) -> str:
    return full_name[len(kind) :].strip() if full_name.lower().startswith(kind) else full_name


def dataset_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install '.[places]'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def build(data: Path) -> dict:
    db = sqlite3.connect(data / "dataset.db")
    db.row_factory = sqlite3.Row
    legacy = db.execute("select * from admin_units_legacy where province = ?", (PROVINCE,)).fetchall()
    new = db.execute("select * from admin_units where province = ?", (PROVINCE,)).fetchall()
    converter = json.loads((data / "converter_2025.json").read_text("utf-8"))
    places: list[dict] = []
    first = legacy[0]
    province_id = f"province:{first['provinceCode']}"
    places.append({"id": province_id, "level": "province", "kind": "tỉnh", "name": "Thanh Hóa",
                   "full_name": PROVINCE, "parent_id": None, "valid_from": None, "valid_until": None,
                   "latitude": first["provinceLat"], "longitude": first["provinceLon"], "source": PACKAGE})  # fmt: skip
    districts: dict[str, str] = {}
    old_by_key: dict[str, str] = {}
    for row in legacy:
        if row["district"] not in districts:
            kind = _kind(row["district"], row["districtType"])
            districts[row["district"]] = did = f"district:{row['districtCode']}"
            places.append({"id": did, "level": "district", "kind": kind, "name": _short(row["district"], kind),
                           "full_name": row["district"], "parent_id": province_id, "valid_from": None,
                           "valid_until": REFORM, "latitude": row["districtLat"], "longitude": row["districtLon"],
                           "source": PACKAGE})  # fmt: skip
        kind = _kind(row["ward"], row["wardType"])
        wid = f"old:{row['wardCode']}"
        old_by_key["_".join(fold(x) for x in (PROVINCE, row["district"], row["ward"]))] = wid
        # Two communes whose names differ only in tone marks (Hoằng Quý, Hoằng Quỳ) keep them in the key.
        old_by_key[f"{fold(PROVINCE)}_{fold(row['district'])}_{_exact(row['ward'])}"] = wid
        places.append({"id": wid, "level": "commune", "kind": kind, "name": _short(row["ward"], kind),
                       "full_name": row["ward"], "parent_id": districts[row["district"]], "valid_from": None,
                       "valid_until": REFORM, "latitude": row["wardLat"], "longitude": row["wardLon"],
                       "source": PACKAGE})  # fmt: skip
    new_by_key: dict[str, str] = {}
    for row in new:
        kind = _kind(row["ward"], row["wardType"])
        nid = f"new:{row['wardCode']}"
        new_by_key[row["wardKey"]] = nid
        places.append({"id": nid, "level": "commune", "kind": kind, "name": _short(row["ward"], kind),
                       "full_name": row["ward"], "parent_id": province_id, "valid_from": REFORM,
                       "valid_until": None, "latitude": row["wardLat"], "longitude": row["wardLon"],
                       "source": PACKAGE})  # fmt: skip
    links: list[dict] = []

    def old_id(key: str) -> str:
        if not key.isascii():
            province, district, ward = key.split("_")
            return old_by_key[f"{fold(province)}_{fold(district)}_{_exact(ward)}"]
        return old_by_key["_".join(fold(part) for part in key.split("_"))]

    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE_KEY].items():
        links += [{"old_id": old_id(k), "new_id": new_by_key[new_key], "whole": True} for k in old_keys]
    for old_key, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE_KEY, {}).items():
        links += [{"old_id": old_id(old_key), "new_id": new_by_key[p["newWardKey"]], "whole": False} for p in parts]
    by_full = {(p["level"], p["full_name"]): p for p in places}
    for unit in EARLIER_UNITS:
        communes = [by_full[("commune", name)] for name in unit["communes"] if ("commune", name) in by_full]
        uid = f"district:{fold(_short(unit['name'], unit['kind']))}"
        places.append({"id": uid, "level": "district", "kind": unit["kind"], "name": _short(unit["name"], unit["kind"]),
                       "full_name": unit["name"], "parent_id": province_id, "valid_from": None,
                       "valid_until": unit["valid_until"],
                       "latitude": round(sum(c["latitude"] for c in communes) / len(communes), 6),
                       "longitude": round(sum(c["longitude"] for c in communes) / len(communes), 6),
                       "source": unit["source"], "former_communes": [c["id"] for c in communes]})  # fmt: skip
        links.append({"old_id": uid, "new_id": by_full[("district", unit["successor"])]["id"], "whole": True})
    version = next((p.name.removesuffix(".dist-info").split("-")[1]
                    for p in data.parent.parent.glob(f"{PACKAGE}-*.dist-info")), "unknown")  # fmt: skip
    # The other provinces' names (before and after the reform), so that `(Bình Định)` says "elsewhere".
    others = set()
    for table in ("admin_units_legacy", "admin_units"):
        for row in db.execute(f"select distinct province, provinceShort from {table} where province != ?", (PROVINCE,)):
            others.update(name for name in row if name)
    return {"source": {"package": PACKAGE, "version": version, "license": "MIT",
                       "url": "https://github.com/tranngocminhhieu/vietnamadminunits"},
            "reform": REFORM, "places": places, "links": links, "other_provinces": sorted(others)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.places.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build(dataset_dir())
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    levels = {}
    for p in data["places"]:
        levels[(p["level"], p["valid_until"] or "now")] = levels.get((p["level"], p["valid_until"] or "now"), 0) + 1
    print(f"{args.out}: {len(data['places'])} places {levels}, {len(data['links'])} links")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
