"""When the markup is not what the site module expects: the generic stages read the articles, and
the run says loudly that the layout drifted (exit status 5)."""

from __future__ import annotations

import lxml.html
import pytest
from scrapy.http import HtmlResponse

import demo.drift
from crawler import outcome
from crawler.generic import GenericReading
from crawler.ledger import RunLedger
from crawler.loaders import load_article
from crawler.sites.baothanhhoa import SITE
from demo.drift import DRIFT_SITE, articles, path_of
from demo.server import serve
from evaluation import drift_blind
from evaluation.drift import FIELDS, score_loader, token_f1
from tests.support import last_run, rows, run_crawl

GOLD = {str(a["id"]): a for a in articles()}


def expected(article: dict) -> dict:
    return {"title": article["title"], "lead": article["lead"], "published_at": article["published"],
            "author": article["author"], "section": article["section"], "body": article["body"]}  # fmt: skip


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_a_drifted_page_is_read_whole_by_the_generic_stages(article_id):
    """The saved drifted twin (demo/drift/): no layout of the site matches, every field is right."""
    article = GOLD[article_id]
    url = "http://127.0.0.1" + path_of(article)
    body = (DRIFT_SITE / path_of(article).lstrip("/")).read_bytes()
    result = load_article(HtmlResponse(url=url, body=body, encoding="utf-8"), url, SITE)
    assert result.layout == "unknown"
    found = {name: result.item.get(name) for name in expected(article)}
    assert found == expected(article)
    assert ("body", "generic") in result.fallbacks and ("published_at", "generic") in result.fallbacks


@pytest.mark.parametrize(("markups", "pages"), [(demo.drift, 24), (drift_blind, 32)])
def test_every_drifted_markup_gives_clean_bodies_and_every_field(markups, pages):
    """Each article in each drifted markup (ours, and the blind ones written without seeing the
    loader): bodies whole with no comment, teaser or footer text, and every field right."""
    score = score_loader(markups)
    assert score.pages == pages
    assert min(score.body_f1) == 1.0 and score.with_furniture == 0, score.misses
    assert all(score.right[name] == pages for name in FIELDS), score.misses


ARTICLE = "http://127.0.0.1/bai-viet-123456.htm"
PARAGRAPH = "Năm 2024, Đảng bộ xã kết nạp 14 đảng viên mới, vượt chỉ tiêu nghị quyết đề ra cho cả năm."


@pytest.mark.parametrize(
    ("page", "body", "author"),
    [
        # an inline link to another article inside a paragraph: the paragraph stays
        (f'<h1>Tiêu đề</h1><div class="c"><p>{PARAGRAPH} Xem <a href="/khac-654321.htm">bài này</a>.</p>'
         f"<p>{PARAGRAPH}</p><p><b>Hà Linh</b></p></div>",
         [f"{PARAGRAPH} Xem bài này.", PARAGRAPH], "Hà Linh"),
        # a furniture heading amid the body's own block: it and what follows are cut
        (f'<h1>Tiêu đề</h1><div class="c"><p>{PARAGRAPH}</p><p>Bài và ảnh: Hà Linh</p><h3>Tin liên quan</h3>'
         f'<p>{PARAGRAPH.replace("14", "15")}</p></div>',
         [PARAGRAPH], "Hà Linh"),
        # paragraphs as one block cut by blank lines, the byline after the last one
        (f"<h1>Tiêu đề</h1><div>{PARAGRAPH}<br><br>{PARAGRAPH}<br /><br /><strong>Theo Hà Linh</strong></div>",
         [PARAGRAPH, PARAGRAPH], "Hà Linh"),
        # paragraphs inside a link in a block: each its own paragraph (a review found the body lost)
        (f'<h1>Tiêu đề</h1><div class="c"><a href="/amp/x-123.htm"><p>{PARAGRAPH}</p><p>{PARAGRAPH[:90]}</p></a></div>',
         [PARAGRAPH, PARAGRAPH[:90]], None),
        # a footer with the paper's address is never the body, however short the body
        (f'<h1>Tiêu đề</h1><div class="x"><p>{PARAGRAPH[:70]}</p></div>'
         '<div class="y">Bản quyền thuộc Báo X. Địa chỉ: số 1 đường Y, phường Z, thành phố Thanh Hóa.</div>',
         [PARAGRAPH[:70]], None),
    ],
)  # fmt: skip
def test_the_generic_body_and_byline(page, body, author):
    reading = GenericReading(lxml.html.fromstring(f"<html><body>{page}</body></html>"), SITE, ARTICLE)
    assert (reading.body, reading.author) == (body, author)


def _page_with_teasers(n: int) -> str:
    teasers = "".join(
        f'<div class="t"><a href="/tin-lien-quan-{700000 + i}.htm">Tin liên quan {i}</a><p>Tóm tắt {i}.</p></div>'
        for i in range(n)
    )
    return (f'<html><body><nav><a href="/">Trang chủ</a></nav><h1>Tiêu đề</h1><div class="c"><p>{PARAGRAPH}</p>'
            f'<p>{PARAGRAPH}</p><p>Hà Linh</p></div><div class="r">{teasers}</div></body></html>')  # fmt: skip


@pytest.mark.parametrize("teasers", [50, 400])
def test_the_generic_reading_of_a_page_of_teasers_costs_in_proportion_to_its_links(monkeypatch, teasers):
    """Each teaser used to test every link of the list it stands in (and read the list's text): a
    40 KB page of 250 teasers in an unknown layout took 1.5 s, a 156 KB one 43 s. Counted, not timed:
    the site is asked about each address once, and the page is read as before."""
    asked = []
    real = type(SITE).article_id
    monkeypatch.setattr(type(SITE), "article_id", lambda site, url: asked.append(url) or real(site, url))
    reading = GenericReading(lxml.html.fromstring(_page_with_teasers(teasers)), SITE, ARTICLE)
    assert reading.body == [PARAGRAPH, PARAGRAPH] and reading.author == "Hà Linh"
    assert len(asked) <= teasers + 5  # each teaser's address once, and the page's own (old code: 50 → 2,600)
    assert all(reading.is_excluded(t) for t in reading.root.iter("a") if "tin-lien-quan" in t.get("href"))


def test_a_reading_of_part_of_a_page_knows_the_furniture_around_that_part():
    """A teaser's block may hold the part being read: its links and its exclusion come from the whole page."""
    page = lxml.html.fromstring(
        '<html><body><div class="t"><a href="/khac-654321.htm"></a><div id="sub"><a href="/khac-111111.htm">Tin</a>'
        "</div></div><p>Đoạn văn của bài.</p></body></html>"
    )
    sub = page.get_element_by_id("sub")
    reading = GenericReading(sub, SITE, ARTICLE)
    assert reading.is_excluded(sub[0]) and sub in reading.excluded


@pytest.mark.parametrize(
    ("found", "wanted", "f1"),
    [("a b c", "a b c", 1.0), ("a b", "a b c d", 2 / 3), ("", "a", 0.0), ("", "", 1.0), ("x y", "a b", 0.0)],
)
def test_token_f1(found, wanted, f1):
    assert token_f1(found, wanted) == pytest.approx(f1)


class _Stats:
    def __init__(self) -> None:
        self.values: dict = {}

    def inc_value(self, key, n=1):
        self.values[key] = self.values.get(key, 0) + n

    def set_value(self, key, value):
        self.values[key] = value

    def get_value(self, key, default=None):
        return self.values.get(key, default)


@pytest.mark.parametrize(
    ("fallback_pages", "drifted"),
    [(0, []), (2, []), (3, [("body", 3)]), (10, [("body", 10)])],
)
def test_drift_is_a_share_of_the_pages_read_over_the_setting(fallback_pages, drifted):
    stats = _Stats()
    ledger = RunLedger(stats)
    for i in range(10):
        ledger.record_page("current", [("body", "generic")] if i < fallback_pages else [("image_url", "metadata")])
    assert ledger.drift(["title", "body", "published_at"], 0.2) == drifted
    assert stats.values["loader/layout/current"] == 10 and ledger.pages_read == 10


@pytest.mark.parametrize(("expects_health", "status"), [(True, outcome.UNHEALTHY), (False, outcome.OK)])
def test_a_run_whose_health_checks_never_ran_does_not_exit_0(expects_health, status):
    ledger = RunLedger(_Stats(), expects_health=expects_health)
    finished = []
    ledger.on_finished(finished.append)
    ledger._spider_closed(None, "finished")
    ledger._engine_stopped()  # the monitors raised: the health was never recorded
    assert finished == [ledger] and ledger.health == "unchecked"
    assert ledger.exit_status() == status


@pytest.mark.parametrize(
    ("storage_error_at", "health", "drifted_only", "status"),
    [
        (None, "ok", False, outcome.OK),
        (None, "failed", True, outcome.DRIFTED),
        (None, "failed", False, outcome.UNHEALTHY),
        ("write", "failed", True, outcome.STORAGE_FAILED),
        ("open", "unchecked", False, outcome.DATABASE_UNUSABLE),
    ],
)
def test_exit_status(storage_error_at, health, drifted_only, status):
    assert outcome.exit_status(storage_error_at=storage_error_at, health=health, drifted_only=drifted_only) == status


@pytest.mark.slow
def test_a_crawl_of_the_drifted_site_stores_every_article_and_says_the_layout_drifted(tmp_path):
    with serve(DRIFT_SITE) as (base_url, _):
        result = run_crawl(base_url, tmp_path / "db", settings={"RENDER_ENABLED": "false"})
    assert result.returncode == outcome.DRIFTED, result.stderr[-3000:]
    assert "layout drifted" in result.stderr
    stored = {r["id"]: r for r in rows(tmp_path / "db", "select * from articles")}
    assert sorted(stored) == sorted(GOLD)  # the listing's story list is gone: its links are found all the same
    for article_id, article in GOLD.items():
        row = stored[article_id]
        assert {name: row[name] for name in expected(article)} == expected(article), article_id
        assert row["extraction_status"] == "ok"
    run = last_run(tmp_path / "db")
    assert (run["health"], run["exit_status"]) == ("failed", outcome.DRIFTED)
    reasons = run["health_reasons"]
    assert reasons.startswith("layout drifted from fallback stages: ")
    assert all(f"{name} in 8 of 8 articles (100%)" in reasons for name in ("title", "body", "published_at"))
