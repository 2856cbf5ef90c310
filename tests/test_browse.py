"""The database as people explore it: Datasette with the project's metadata, search, views,
canned queries and the chart page (in a real headless Chromium)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import sqlite3
import subprocess
import time
import zlib
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from crawler.browse import TEMPLATES, datasette_command, metadata_for
from crawler.rendering import CHROMIUM_ARGS, find_chromium
from crawler.storage import close_database, open_database, save_articles
from tests.support import rows, run_crawl


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from demo.server import SAMPLE_SITE, serve

    db = tmp_path_factory.mktemp("browse") / "demo.db"
    with serve(SAMPLE_SITE) as (base_url, _):
        result = run_crawl(base_url, db, sections="xay-dung-dang,chinh-tri")
    assert result.returncode == 0, result.stderr[-2000:]
    return db


def get(db, path):
    datasette = Datasette([str(db)], metadata=metadata_for(db), template_dir=str(TEMPLATES))
    return asyncio.run(datasette.client.get(path))


def get_json(db, path):
    response = get(db, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


@pytest.mark.slow
def test_every_table_and_view_renders(demo_db):
    names = [r["name"] for r in rows(demo_db, "select name from sqlite_master where type in ('table', 'view')")]
    assert {"articles", "figures", "documents", "figures_with_articles", "organization_timeline", "latest_totals",
            "documents_cited", "crawl_runs", "run_stats", "failures", "article_tags"} <= set(names)  # fmt: skip
    for name in names:
        response = get(demo_db, f"/demo/{quote(name)}")
        assert response.status_code == 200, name
    home = get(demo_db, "/demo")
    assert "figures_with_articles" in home.text and "articles_fts_data" not in home.text
    assert "Số liệu / Figures" in get(demo_db, "/demo/figures").text


def test_tables_carry_titles_descriptions_and_newest_first(demo_db):
    page = get(demo_db, "/demo/articles").text
    assert "Bài báo / Articles" in page and "dang vien" in page
    data = get_json(demo_db, "/demo/articles.json?_shape=objects")
    dates = [r["published_at"] for r in data["rows"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(("table", "facet"), [("figures", "metric"), ("figures", "year"), ("figures", "organization"),
                                              ("articles", "section")])  # fmt: skip
def test_facets(demo_db, table, facet):
    data = get_json(demo_db, f"/demo/{table}.json?_facet={facet}")
    results = data["facet_results"]
    facets = results.get("results", results)
    values = facets[facet]["results"]
    assert values and sum(v["count"] for v in values) > 0


def search(db, query):
    data = get_json(db, f"/demo/articles.json?_search={quote(query)}&_shape=objects")
    return sorted(r["id"] for r in data["rows"])


@pytest.mark.parametrize(
    ("plain", "accented"),
    [("dang vien", "đảng viên"), ("Thuong Xuan", "Thường Xuân"), ("to chuc co so dang", "tổ chức cơ sở đảng"),
     ("kiem tra giam sat", "kiểm tra, giám sát")],
)  # fmt: skip
def test_search_finds_the_same_articles_with_and_without_diacritics(demo_db, plain, accented):
    found = search(demo_db, plain)
    assert found and found == search(demo_db, accented)


def test_search_index_follows_inserts_updates_and_reruns(demo_db, tmp_path):
    db_path = tmp_path / "demo.db"
    shutil.copy(demo_db, db_path)
    assert search(db_path, "Quang Thang") == ["160412"]
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("update articles set title = 'Phường Điện Biên đổi mới sinh hoạt chi bộ', "
                     "lead = '', body = 'Đổi mới' where id = '160412'")  # fmt: skip
    conn.close()
    assert search(db_path, "Quang Thang") == []
    assert search(db_path, "Dien Bien") == ["160412"]
    db = open_database(db_path)
    save_articles(db, [{"id": "900001", "title": "Đảng bộ xã Định Hòa kết nạp đảng viên", "body": "Nội dung"}])
    save_articles(db, [{"id": "900001", "title": "Đảng bộ xã Định Hòa kết nạp đảng viên", "body": "Nội dung mới"}])
    db.close()
    assert search(db_path, "dinh hoa") == ["900001"]
    indexed = rows(db_path, "select count(*) n from articles_fts_docsize")[0]["n"]
    assert indexed == rows(db_path, "select count(*) n from articles")[0]["n"]


@pytest.mark.parametrize(
    ("query", "params", "check"),
    [
        ("district_totals", {"name": ""}, lambda r: any(x["organization"] == "Đảng bộ huyện Thường Xuân"
                                                         and x["members"] == 5322 for x in r)),
        ("district_totals", {"name": "Thường Xuân"}, lambda r: len(r) == 1),
        ("ratings_over_time", {"organization": "Thọ Thanh"}, lambda r: {x["year"] for x in r} >= {2015, 2020}),
        ("articles_citing", {"number": "22-nq/tw"}, lambda r: [x["id"] for x in r] == ["141203"]),
        ("place_over_time", {"place": "Thường Xuân"},
         lambda r: any(x["place"] == "Huyện Thường Xuân" and x["relation"] == "self" and x["value"] == 5322
                       for x in r)),
        ("compare_places", {"metric": "members_total", "year": "2021", "level": "commune"},
         lambda r: [(x["place"], x["value"]) for x in r][:1] == [("Thị trấn Thường Xuân", 687)]),
    ],
)  # fmt: skip
def test_canned_queries(demo_db, query, params, check):
    data = get_json(
        demo_db, f"/demo/{query}.json?_shape=array&" + "&".join(f"{k}={quote(v)}" for k, v in params.items())
    )
    assert check(data), data


@pytest.mark.parametrize(
    "evil", ["' or 1=1 --", "%'; drop table articles; --", "22-NQ/TW' union select * from run_stats --"]
)
def test_canned_queries_take_parameters_not_sql(demo_db, evil):
    for query, param in (("articles_citing", "number"), ("ratings_over_time", "organization")):
        data = get_json(demo_db, f"/demo/{query}.json?_shape=array&{param}={quote(evil)}")
        assert data == []
    assert rows(demo_db, "select count(*) n from articles")[0]["n"] == 8


@pytest.mark.slow
def test_a_title_with_a_script_is_shown_escaped(demo_db, tmp_path):
    db_path = tmp_path / "demo.db"
    shutil.copy(demo_db, db_path)
    db = open_database(db_path)
    save_articles(db, [{"id": "999999", "title": "<script>alert('x')</script> Chi bộ", "body": "<b>đậm</b>"}])
    db.close()
    for path in ("/demo/articles/999999", "/demo/articles?_search=chi+bo", "/demo/figures_with_articles"):
        page = get(db_path, path).text
        assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in get(db_path, "/demo/articles/999999").text


def test_latest_totals_take_whole_counts_not_breakdowns(demo_db):
    totals = {(r["organization"], r["metric"]): r["value"] for r in rows(demo_db, "select * from latest_totals")}
    assert totals[("Đảng bộ thị trấn Thường Xuân", "cells_total")] == 19  # not the 11 cells of khu phố
    assert totals[("Đảng bộ huyện Thường Xuân", "members_total")] == 5322
    assert ("Đảng bộ xã Thọ Thanh", "cells_total") not in totals  # only a breakdown by kind was given


def test_human_columns_are_not_json(demo_db):
    article = rows(demo_db, "select tags from articles where id = '141203'")[0]
    assert article["tags"] == "Thường Xuân, tổ chức cơ sở đảng, xây dựng Đảng"
    run = rows(demo_db, "select arguments from crawl_runs")[0]
    assert not run["arguments"].startswith("{") and "sections=xay-dung-dang,chinh-tri" in run["arguments"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png_colours(png: bytes) -> int:
    """How many distinct byte values the image data holds: 1 or 2 for a blank picture."""
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(data)))


@pytest.mark.slow
def test_the_chart_page_draws_a_metric_over_time_in_chromium(demo_db, tmp_path):
    if find_chromium(None) is None:
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with datasette_served(demo_db, tmp_path) as base:
        url = f"{base}/chart?organization={quote('Đảng bộ xã Thọ Thanh')}&metric=cells_rated_good"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(None), args=CHROMIUM_ARGS, chromium_sandbox=False)
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(url)
            page.wait_for_selector("#chart svg circle", timeout=15000)
            assert page.locator("#chart svg circle").count() == 3
            assert page.locator("#chart svg polyline").count() == 1
            assert "Thọ Thanh" in page.locator("#chart svg").text_content()
            assert page.locator("#chart-points tbody tr").count() == 3
            shot = page.locator("#chart svg").screenshot(path=str(tmp_path / "chart.png"))
            browser.close()
    assert png_colours(shot) > 10


@pytest.mark.slow
def test_the_map_draws_the_places_and_a_marker_links_to_the_place_s_history(demo_db, tmp_path):
    """`make browse`'s map (datasette-cluster-map over place_map) in a real Chromium; map tiles come
    from the internet and are missing here: the markers must not depend on them."""
    if find_chromium(None) is None:
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    places = rows(demo_db, "select place_id, place from place_map order by place_id")
    assert {"Huyện Thường Xuân", "Phường Quảng Thắng", "Xã Thọ Thanh"} <= {p["place"] for p in places}
    with datasette_served(demo_db, tmp_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(None), args=CHROMIUM_ARGS, chromium_sandbox=False)
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(f"{base}/demo/place_map")
        page.wait_for_selector(".leaflet-marker-icon", timeout=15000)
        assert page.locator(".leaflet-marker-icon").count() >= 1
        page.goto(f"{base}/demo/place_map?place_id={quote('district:396')}")
        page.wait_for_selector(".leaflet-marker-icon", timeout=15000)
        page.locator(".leaflet-marker-icon").first.click()
        link = page.wait_for_selector(".leaflet-popup-content a", timeout=10000)
        assert "place_history?place_id=district:396" in link.get_attribute("href")
        assert "Huyện Thường Xuân" in page.locator(".leaflet-popup-content").text_content()
        link.click()
        page.wait_for_load_state()
        assert "place_history" in page.url and "Huyện Thường Xuân" in page.content()
        page.goto(f"{base}/chart?place={quote('district:396')}&metric=members_total")
        page.wait_for_selector("#chart svg circle", timeout=15000)
        assert page.locator("#chart svg circle").count() == 1
        assert "Huyện Thường Xuân" in page.locator("#chart svg").text_content()
        browser.close()


@contextlib.contextmanager
def datasette_served(db, tmp_path):
    """Datasette as `make browse` runs it, on a free port; its base URL."""
    metadata = tmp_path / "metadata.json"
    metadata.write_text(__import__("json").dumps(metadata_for(db)), "utf-8")
    port = free_port()
    server = subprocess.Popen(datasette_command(db, metadata, host="127.0.0.1", port=port),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Datasette did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_browsing_a_database_that_is_not_there_is_status_3(tmp_path, capsys):
    """As `reextract`, `migrate` and `backup` answer for the same file (it used to be 1, "unhealthy")."""
    from crawler.browse import main

    for missing in (tmp_path / "missing.db", tmp_path):
        assert main([str(missing)]) == 3
        assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.parametrize("option", [["--host", ""], ["--host", " "], ["--port", "0"], ["--port", "99999"]])
def test_browse_refuses_an_address_it_should_not_listen_on(tmp_path, option):
    """An empty host made Datasette listen on every address; a bad port printed Click's usage after the banner."""
    from crawler.browse import main

    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "any.db"), *option])
    assert exc.value.code == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "no-such-host.invalid", "192.0.2.1"])
def test_browse_says_when_it_cannot_listen_before_datasette_starts(tmp_path, capsys, host):
    """A port in use made Datasette exit 3, the status of an unusable database; a name that does not
    resolve or an address of another machine ended in its traceback. Now one line, status 2."""
    from crawler.browse import main

    db = tmp_path / "crawl.db"
    close_database(open_database(db))
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main([str(db), "--host", host, "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    expected = {
        "127.0.0.1": f"port {port} on 127.0.0.1 is in use",
        "no-such-host.invalid": "this machine cannot resolve it",
        "192.0.2.1": "not an address of this machine",
    }[host]
    assert expected in err
