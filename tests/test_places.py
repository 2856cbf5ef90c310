"""Places: organizations resolved to Thanh Hóa's localities, across the 2025 reform."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.places import gazetteer, lineage, resolve_figures
from crawler.storage import open_database, save_articles
from tests.support import rows

G = gazetteer()


def full_name(place_id: str | None) -> str | None:
    return G.places[place_id].full_name if place_id else None


def test_the_gazetteer_holds_both_sides_of_the_reform():
    levels = [(p.level, p.valid_from, p.valid_until) for p in G.places.values()]
    assert levels.count(("province", None, None)) == 1
    assert levels.count(("district", None, "2025-07-01")) == 26
    assert levels.count(("commune", "2025-07-01", None)) == 166
    assert levels.count(("district", None, "2024-12-01")) == 1  # huyện Đông Sơn, gone before the reform
    old_communes = {p.id for p in G.places.values() if p.level == "commune" and p.valid_until}
    linked = {old for old, _, _ in G.links}
    assert old_communes <= linked  # every old commune went somewhere
    assert all(p.latitude and p.longitude for p in G.places.values())
    assert all(19 < p.latitude < 21 and 104 < p.longitude < 107 for p in G.places.values())


# (organization, the article's date, what it resolves to: a unit's full name, or the reason it has none)
CASES = [
    ("Đảng bộ huyện Cẩm Thủy", "2021-05-01", "Huyện Cẩm Thủy"),
    ("Huyện ủy Cẩm Thuỷ", "2021-05-01", "Huyện Cẩm Thủy"),  # old-style tone mark
    ("huyện Cẩm Thủy", "2022-01-01", "Huyện Cẩm Thủy"),
    ("Cẩm Thủy", "2022-01-01", "Huyện Cẩm Thủy"),  # a bare place
    ("UBKT Huyện ủy Triệu Sơn", "2023-01-01", "Huyện Triệu Sơn"),  # an organ speaks for its committee
    ("Ban Thường vụ Huyện ủy Hoằng Hoá", "2023-01-01", "Huyện Hoằng Hóa"),
    ("Thị ủy Bỉm Sơn", "2022-01-01", "Thị xã Bỉm Sơn"),
    ("TX. Nghi Sơn", "2022-01-01", "Thị xã Nghi Sơn"),
    ("Thành ủy Sầm Sơn", "2022-01-01", "Thành phố Sầm Sơn"),
    ("TP. Thanh Hóa", "2022-01-01", "Thành phố Thanh Hóa"),
    ("Đảng bộ thành phố Thanh Hoá", "2023-06-01", "Thành phố Thanh Hóa"),
    ("Đảng bộ huyện Đông Sơn", "2020-01-01", "Huyện Đông Sơn"),  # merged into the city in 2024
    ("Đảng bộ tỉnh", "2024-01-01", "Tỉnh Thanh Hóa"),
    ("Tỉnh ủy Thanh Hóa", "2024-01-01", "Tỉnh Thanh Hóa"),
    ("Đảng bộ phường Quảng Thắng", "2023-01-09", "Phường Quảng Thắng"),
    ("Đảng ủy xã Thọ Thanh", "2021-01-01", "Xã Thọ Thanh"),
    ("Đảng bộ thị trấn Thường Xuân", "2021-01-01", "Thị trấn Thường Xuân"),
    ("phường Quảng Phú", "2023-01-01", "Phường Quảng Phú"),  # a ward of the city, not the commune of Thọ Xuân
    ("xã Quảng Phú", "2023-01-01", "Xã Quảng Phú"),
    ("phường Lam Sơn, thị xã Bỉm Sơn", "2022-01-01", "Phường Lam Sơn"),  # the district says which
    # after the reform: the new communes and wards
    ("Đảng bộ xã Thọ Xuân", "2026-01-15", "Xã Thọ Xuân"),
    ("Đảng ủy phường Hạc Thành", "2025-09-01", "Phường Hạc Thành"),
    ("phường Hàm Rồng", "2026-03-01", "Phường Hàm Rồng"),
    ("Đảng bộ huyện Thọ Xuân", "2026-03-01", "Huyện Thọ Xuân"),  # a district named in retrospect
    # no place, and why
    ("phường Lam Sơn", "2022-01-01", "ambiguous"),  # two wards of that name, nothing says which
    ("Chi bộ khu phố 3", "2023-02-01", "below the commune"),
    ("Chi bộ thôn Yên Lược", "2023-02-01", "below the commune"),
    ("Đảng bộ Khối Doanh nghiệp tỉnh", "2021-03-01", "not a locality"),
    ("Đảng ủy Quân sự tỉnh", "2024-01-01", "not a locality"),
    ("Đảng ủy Công ty Điện lực Thanh Hóa", "2024-01-01", "not a locality"),
    ("Tỉnh ủy Cà Mau", "2024-01-01", "outside Thanh Hóa"),
    ("Đảng bộ thị xã An Nhơn (Bình Định)", "2017-01-01", "outside Thanh Hóa"),
    ("Kon Tum", "2012-05-01", "outside Thanh Hóa"),
    ("Đảng bộ xã Xuân Cẩm", "2021-03-29", "not found"),
    ("toàn huyện", "2024-01-01", "a level with no name"),
    (None, "2024-01-01", "no organization"),
]


@pytest.mark.parametrize(("organization", "published", "expected"), CASES)
def test_an_organization_resolves_to_its_place_or_says_why_not(organization, published, expected):
    resolution = G.resolve(organization, published=published, context=[])
    assert (full_name(resolution.place_id) if resolution.place_id else resolution.reason) == expected


def test_earlier_places_of_the_article_settle_a_bare_level_and_a_shared_name():
    figures = [
        {"organization": "Đảng bộ huyện Ngọc Lặc"},
        {"organization": "toàn huyện"},
        {"organization": "xã Lam Sơn"},  # one in Ngọc Lặc, one elsewhere? the district named first decides
        {"organization": "Đảng bộ xã"},
    ]
    resolutions, about = resolve_figures(figures, published="2023-05-01", title="Ngọc Lặc kết nạp đảng viên")
    names = [full_name(r.place_id) for r in resolutions]
    assert names == ["Huyện Ngọc Lặc", "Huyện Ngọc Lặc", "Xã Lam Sơn", "Xã Lam Sơn"]
    assert G.places[resolutions[2].place_id].parent_id == resolutions[0].place_id
    assert [full_name(p) for p in about] == ["Huyện Ngọc Lặc", "Xã Lam Sơn"]


def test_the_title_names_the_article_s_places():
    _, about = resolve_figures([], published="2023-01-12", title="Xã Định Tân phát triển kinh tế nông nghiệp")
    assert [full_name(p) for p in about] == ["Xã Định Tân"]


def test_a_new_commune_s_lineage_reaches_its_old_communes_and_their_district():
    related = {(r, rel) for p, r, rel in lineage(G) if p == G.named("commune", "Thọ Xuân", "xã")[0].id}
    relations = {rel for _, rel in related}
    assert {"self", "predecessor", "predecessor's district"} <= relations
    assert ("district:395", "predecessor's district") in related  # huyện Thọ Xuân


def test_one_query_about_a_new_commune_finds_the_old_district_s_figures(tmp_path):
    """A 2021 figure of Đảng bộ huyện Thọ Xuân and a 2026 one of the new xã Thọ Xuân, found together."""
    db = open_database(tmp_path / "places.db")
    articles = [
        ("910001", "2021-06-01T08:00:00+07:00", "Đảng bộ huyện Thọ Xuân", 1200),
        ("910002", "2026-02-01T08:00:00+07:00", "Đảng bộ xã Thọ Xuân", 410),
    ]
    for article_id, published, organization, value in articles:
        figures = [{"metric": "members_total", "value": value, "unit": "count", "kind": "actual",
                    "qualifier": "exact", "organization": organization}]  # fmt: skip
        from crawler.places import place_figures

        places = place_figures(figures, published=published, title=None)
        save_articles(db, [{"id": article_id, "title": organization, "body": "…", "published_at": published,
                            "figures": figures, "documents": [], "places": places}])  # fmt: skip
    db.close()
    new_commune = G.named("commune", "Thọ Xuân", "xã")[0].id
    found = rows(
        tmp_path / "places.db",
        "select figure_place, relation, year, value from place_history where place_id = ? order by year",
        (new_commune,),
    )
    assert found == [
        {"figure_place": "Huyện Thọ Xuân", "relation": "predecessor's district", "year": 2021, "value": 1200},
        {"figure_place": "Xã Thọ Xuân", "relation": "self", "year": 2026, "value": 410},
    ]
    assert rows(tmp_path / "places.db", "select article_id, place_id from article_places order by article_id") == [
        {"article_id": "910001", "place_id": "district:395"},
        {"article_id": "910002", "place_id": new_commune},
    ]


def test_the_previous_release_s_database_gets_places_on_upgrade(tmp_path):
    from tests.test_migrations import FIXTURE

    db_path = tmp_path / "old.db"
    db_path.write_bytes(FIXTURE.read_bytes())
    conn = sqlite3.connect(db_path)
    organizations = [r[0] for r in conn.execute("select distinct organization from figures") if r[0]]
    conn.close()
    open_database(db_path).close()  # upgrades in place
    resolved = rows(db_path, "select organization, place_id, place_reason from figures where organization is not null")
    assert resolved and {r["organization"] for r in resolved} == set(organizations)
    assert all(r["place_reason"] for r in resolved)
    assert any(r["place_id"] for r in resolved)


def test_the_blind_set_of_organizations_resolves_without_a_wrong_place():
    """evaluation/places_blind.jsonl, written without seeing the resolver (its first score is in the README)."""
    from evaluation.places import score
    from tests.support import PROJECT_ROOT

    counts, misses = score(PROJECT_ROOT / "evaluation" / "places_blind.jsonl")
    assert counts["wrong"] == 0 and counts["none_given_a_place"] == 0, misses
    assert counts["recall"] >= 0.95 and counts["reason_agrees"] == counts["none_expected"], misses
