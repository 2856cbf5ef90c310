"""The hostile site: each fault served by the test server, and what the crawler must do about it."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import zlib

import pytest

from crawler.rendering import find_chromium
from crawler.sites.baothanhhoa import SITE
from demo.server import Fault
from tests.support import (
    last_run,
    page_for,
    pool_workers,
    rows,
    run_crawl,
    start_paced_crawl,
    to_cp1258,
    wait_for_articles,
)

THO_XUAN = "/tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm"
CHI_BO = "/chi-bo-khu-pho-3-lam-tot-cong-tac-phat-trien-dang-161020.htm"
FAST = {"RETRY_TIMES": "2", "DOWNLOAD_TIMEOUT": "2"}


def crawl_urls(base_url, db, *paths, settings=None):
    urls = ",".join(base_url + p for p in paths)
    return run_crawl(base_url, db, urls=urls, settings={**FAST, **(settings or {})})


def crashed(stderr: str) -> bool:
    """Did a callback or a pipeline raise? (Spidermon's own report of a failed monitor is no crash.)"""
    return "Spider error processing" in stderr or "Error processing" in stderr or "Unhandled error" in stderr


def failures(db):
    return rows(db, "select url, kind, status, reason from failures order by id")


def run_stats_of(db):
    run_id = last_run(db)["id"]
    return {r["key"]: r["value"] for r in rows(db, "select key, value from run_stats where run_id = ?", (run_id,))}


def test_5xx_is_retried_until_it_succeeds(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=503, times=2)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert result.returncode == 0, result.stderr[-2000:]
    assert state.requests.count(THO_XUAN) == 3
    assert rows(tmp_path / "db", "select extraction_status from articles") == [{"extraction_status": "ok"}]
    assert failures(tmp_path / "db") == []


def test_a_page_that_keeps_failing_is_recorded_and_the_crawl_goes_on(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=500)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert state.requests.count(THO_XUAN) == 3  # the first try and RETRY_TIMES=2
    assert [r["id"] for r in rows(tmp_path / "db", "select id from articles")] == ["161020"]
    (failure,) = failures(tmp_path / "db")
    assert (failure["url"], failure["kind"], failure["status"]) == (base_url + THO_XUAN, "http_error", 500)
    assert last_run(tmp_path / "db")["failures"] == 1
    assert result.returncode == 0  # one failure is under HEALTH_MAX_ERRORS


def test_timeouts_are_retried_then_recorded(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(delay=3)
    crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO, settings={"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1"})
    assert state.requests.count(THO_XUAN) == 2
    assert [(f["kind"], f["status"]) for f in failures(tmp_path / "db")] == [("timeout", None)]
    assert rows(tmp_path / "db", "select count(*) n from articles")[0]["n"] == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_article_is_recorded_as_gone(site, tmp_path, status):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=status, body=b"<html><body>Not found</body></html>")
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert state.requests.count(THO_XUAN) == 1  # not retried
    assert [(f["kind"], f["status"]) for f in failures(tmp_path / "db")] == [("gone", status)]
    assert result.returncode == 0


def test_a_response_over_the_size_limit_is_refused(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(body=b"<html><body>" + b"x" * 3_000_000 + b"</body></html>")
    crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO, settings={"DOWNLOAD_MAXSIZE": "1000000"})
    assert [f["kind"] for f in failures(tmp_path / "db")] == ["too_large"]
    assert rows(tmp_path / "db", "select id from articles") == [{"id": "161020"}]


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped to about a thousandth of that."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def test_a_compression_bomb_is_refused_without_blowing_up_memory(site, tmp_path):
    base_url, state = site
    bomb = gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB
    assert len(bomb) < 2_000_000
    state.faults[THO_XUAN] = Fault(body=bomb, headers={"Content-Encoding": "gzip"})
    crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert [f["kind"] for f in failures(tmp_path / "db")] == ["too_large"]
    stats = run_stats_of(tmp_path / "db")
    assert int(stats["memusage/max"]) < 400 * 1024 * 1024  # far from the 1 GiB it would take inflated
    assert rows(tmp_path / "db", "select id from articles") == [{"id": "161020"}]


def test_a_redirect_off_the_site_is_not_followed(site, elsewhere, tmp_path):
    base_url, state = site
    other_url, other = elsewhere
    state.faults[THO_XUAN] = Fault(status=302, location=other_url + THO_XUAN)
    crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert other.requests == []
    assert [f["kind"] for f in failures(tmp_path / "db")] == ["offsite_redirect"]


def test_a_start_url_that_redirects_off_the_site_is_not_followed(site, elsewhere, tmp_path):
    base_url, state = site
    other_url, other = elsewhere
    state.faults["/xay-dung-dang.htm"] = Fault(status=301, location=other_url + "/xay-dung-dang.htm")
    result = run_crawl(base_url, tmp_path / "db", settings=FAST)
    assert other.requests == []
    assert result.returncode == 1  # no article found: the run is unhealthy
    assert "0 articles found" in last_run(tmp_path / "db")["health_reasons"]


@pytest.mark.parametrize("order", ["the moved one first", "the target first", "the moved one alone"])
def test_an_article_sent_to_another_is_recorded_as_moved_and_the_other_is_stored(site, tmp_path, order):
    """A helper's hostile review: the target's page, reached by the redirect, was an id_mismatch of the
    moved article, and the target's own request was then dropped as a duplicate: neither stored, no
    trace, exit 0. Or, the target fetched first, the moved article vanished without a row."""
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=301, location=CHI_BO)
    paths = {"the moved one first": (THO_XUAN, CHI_BO), "the target first": (CHI_BO, THO_XUAN),
             "the moved one alone": (THO_XUAN,)}[order]  # fmt: skip
    result = crawl_urls(base_url, tmp_path / "db", *paths, settings={"CONCURRENT_REQUESTS": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    stored = rows(tmp_path / "db", "select id, extraction_status from articles")
    assert stored == [{"id": "161020", "extraction_status": "ok"}]
    (moved,) = failures(tmp_path / "db")
    assert moved["kind"] == "moved" and moved["url"].endswith(THO_XUAN)
    assert "article 152030 redirects to article 161020" in moved["reason"]


def test_one_article_sent_between_two_of_its_addresses_is_a_redirect_loop(site, tmp_path):
    """A second review: the hop back was dropped as a duplicate, and the article vanished without a row."""
    base_url, state = site
    other = THO_XUAN.replace("tho-xuan-trao", "tho-xuan-da-trao")
    state.faults[THO_XUAN] = Fault(status=301, location=other)
    state.faults[other] = Fault(status=301, location=THO_XUAN)
    crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert [(f["kind"]) for f in failures(tmp_path / "db")] == ["redirect_loop"]


def test_a_windows_1258_paragraph_in_a_utf8_page_is_stored_as_written(site, tmp_path):
    """Decoded in the worker processes, which must know the codec the spider chose (a second review:
    without it they fell back to UTF-8 with replacement characters, silently)."""
    base_url, state = site
    raw = page_for("152030").read_bytes()
    start = raw.index(b"<p>", raw.index(b"article__body")) + 3
    end = raw.index(b"</p>", start)
    paragraph = raw[start:end].decode()
    state.faults[THO_XUAN] = Fault(body=raw[:start] + to_cp1258(paragraph) + raw[end:])
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert result.returncode == 0, result.stderr[-2000:]
    (article,) = rows(tmp_path / "db", "select body, extraction_status from articles")
    assert "\ufffd" not in article["body"] and article["body"].startswith(paragraph.strip()[:40])
    assert run_stats_of(tmp_path / "db")["spider/encoding/repaired/utf-8-cp1258"] == "1"


def test_each_article_of_a_chain_of_redirects_is_recorded_as_moved(site, tmp_path):
    base_url, state = site
    scripted = "/lang-chanh-nang-cao-chat-luong-to-chuc-co-so-dang-151204.htm"
    state.faults[THO_XUAN] = Fault(status=301, location=scripted)
    state.faults[scripted] = Fault(status=302, location=CHI_BO)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["id"] for r in rows(tmp_path / "db", "select id from articles")] == ["161020"]
    moved = rows(tmp_path / "db", "select article_id, kind from failures order by article_id")
    assert moved == [{"article_id": "151204", "kind": "moved"}, {"article_id": "152030", "kind": "moved"}]


def test_an_article_sent_to_one_written_by_script_is_rendered_as_that_one(site, tmp_path):
    """A review: the browser's request kept the moved article's id, so the rendered page was an
    id_mismatch of it, and the target, counted as requested, was never stored."""
    base_url, state = site
    scripted = "/lang-chanh-nang-cao-chat-luong-to-chuc-co-so-dang-151204.htm"
    state.faults[THO_XUAN] = Fault(status=301, location=scripted)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert result.returncode == 0, result.stderr[-2000:]
    stored = rows(tmp_path / "db", "select id, extraction_status from articles")
    assert stored == [{"id": "151204", "extraction_status": "ok"}]
    assert [f["kind"] for f in failures(tmp_path / "db")] == ["moved"]


def test_two_articles_sent_to_each_other_are_one_loop_not_twenty_fetches(site, tmp_path):
    """A review: each hop, never filtered as a duplicate, went round to the redirect limit (43
    requests), and both articles were recorded to be fetched again by every run."""
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=301, location=CHI_BO)
    state.faults[CHI_BO] = Fault(status=301, location=THO_XUAN)
    crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert [f["kind"] for f in failures(tmp_path / "db")] == ["redirect_loop"]
    assert len([r for r in state.requests if r.endswith((THO_XUAN, CHI_BO))]) <= 3


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x-152030.htm", "data:text/html,hi"])
def test_a_redirect_to_another_scheme_is_not_followed(site, tmp_path, location):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=302, location=location)
    crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    (failure,) = failures(tmp_path / "db")
    assert failure["kind"] == "bad_redirect" and location in failure["reason"]


def test_a_truncated_page_gives_what_can_be_read_and_a_status(site, tmp_path):
    base_url, state = site
    page = page_for("141203").read_bytes()
    cut = page.index("Qua đánh giá xếp loại".encode())  # in the middle of the second paragraph
    path = "/huyen-thuong-xuan-nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-141203.htm"
    state.faults[path] = Fault(truncate_to=cut)
    result = crawl_urls(base_url, tmp_path / "db", path)
    (article,) = rows(tmp_path / "db", "select * from articles")
    assert article["extraction_status"] == "truncated"
    assert article["title"].startswith("Huyện Thường Xuân")
    assert article["body"].startswith("Thực hiện Nghị quyết số 22-NQ/TW")
    assert not crashed(result.stderr)


@pytest.mark.parametrize("cut", [True, False])
def test_a_page_sent_without_a_length_and_cut_short_is_truncated(site, tmp_path, cut):
    """A helper's hostile review: with no Content-Length the body ends where the connection closes,
    and half an article was stored as `ok`, never fetched again. A whole page so sent is `ok`."""
    base_url, state = site
    page = page_for("141203").read_bytes()
    path = "/huyen-thuong-xuan-nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-141203.htm"
    at = page.index("Qua đánh giá xếp loại".encode()) if cut else len(page)
    state.faults[path] = Fault(truncate_to=at, length=False)
    result = crawl_urls(base_url, tmp_path / "db", path)
    (article,) = rows(tmp_path / "db", "select * from articles")
    assert article["extraction_status"] == ("truncated" if cut else "ok")
    assert article["body"].startswith("Thực hiện Nghị quyết số 22-NQ/TW")
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_page_read_past_the_time_limit_is_a_failure_and_the_crawl_goes_on(site, tmp_path):
    """PAGE_TIME_LIMIT, so short here that no page can be read within it: each page fails in its
    worker, is recorded for the next run, and the crawl ends (a page read for minutes held it)."""
    base_url, _ = site
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO, settings={"PAGE_TIME_LIMIT": "0.000001"})
    assert result.returncode == 1 and not crashed(result.stderr)
    found = failures(tmp_path / "db")
    assert [f["kind"] for f in found] == ["parse_error", "parse_error"]
    assert all("PAGE_TIME_LIMIT" in f["reason"] for f in found)


def test_a_page_cut_before_its_article_is_truncated_not_a_layout_change(site, tmp_path):
    """A helper's hostile review: a download cut before `<article>` (Scrapy knew data was lost) was
    stored as `missing_body`, and the run exited 1 blaming the layout ("layout changed?"). Nor is it
    sent to the browser, which waited 30 s on the same cut and recorded a network failure."""
    base_url, state = site
    page = page_for("141203").read_bytes()
    path = "/huyen-thuong-xuan-nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-141203.htm"
    state.faults[path] = Fault(truncate_to=page.index(b"<article"))
    result = crawl_urls(base_url, tmp_path / "db", path)
    (article,) = rows(tmp_path / "db", "select * from articles")
    assert article["extraction_status"] == "truncated"
    assert result.returncode == 0, result.stderr[-2000:]
    assert "layout" not in (last_run(tmp_path / "db")["health_reasons"] or "")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"<html><head><title>x</title></head><body><div class='article__body'><p>Chi b\xe1\xbb\x99", "ok"),
        (b"\x00\x01\x02garbage\xff\xfe<<<>>>", "missing_title_body"),
        (
            b"<html><body><h1 class='article__title'>Ti\xc3\xaau \xc4\x91\xe1\xbb\x81</h1><p><b><i>unclosed",
            "missing_body",
        ),
        (b"<div>" * 100_000, "missing_title_body"),
        (b"", "missing_title_body"),
    ],
)
def test_malformed_html_gives_what_can_be_read_and_a_status(site, tmp_path, body, status):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(body=body)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert not crashed(result.stderr)
    statuses = {r["id"]: r["extraction_status"] for r in rows(tmp_path / "db", "select * from articles")}
    assert statuses == {"161020": "ok", "152030": status}


def test_a_page_the_loader_cannot_parse_is_recorded_not_raised(monkeypatch, caplog):
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    import crawler.spider
    import spiders.baothanhhoa as module

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(crawler.spider, "read_page", broken)
    crawler = get_crawler(module.BaothanhhoaSpider)
    spider = module.BaothanhhoaSpider.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    url = "https://baothanhhoa.vn/x-152030.htm"
    response = HtmlResponse(url=url, body=b"<html></html>", request=Request(url))

    async def collect():
        return await spider.parse_article(response, requested_id="152030")

    (item,) = asyncio.run(collect())
    assert (item["kind"], item["article_id"]) == ("parse_error", "152030")
    assert "RecursionError" in item["reason"]
    # Said with its traceback as a warning: the failure itself counts toward HEALTH_MAX_ERRORS, once.
    (record,) = [r for r in caplog.records if "cannot parse" in r.getMessage()]
    assert record.levelname == "WARNING" and record.exc_info
    assert spider.ledger.errors == 1


def gold_fields(db, article_id):
    return rows(db, "select title, lead, body, author, published_at, section from articles where id = ?", (article_id,))


@pytest.mark.parametrize(
    ("name", "make_body", "content_type"),
    [
        ("UTF-8 labelled ISO-8859-1", lambda raw: raw, "text/html; charset=iso-8859-1"),
        ("UTF-8 labelled windows-1252", lambda raw: raw, "text/html; charset=windows-1252"),
        ("UTF-8 with no label", lambda raw: raw, "text/html"),
        ("Windows-1258 labelled so", lambda raw: to_cp1258(raw.decode()), "text/html; charset=windows-1258"),
        ("Windows-1258 labelled UTF-8", lambda raw: to_cp1258(raw.decode()), "text/html; charset=utf-8"),
    ],
)
def test_wrong_charset_labels_give_the_same_text_as_utf8(site, tmp_path, name, make_body, content_type):
    base_url, state = site
    reference = tmp_path / "ref.db"
    crawl_urls(base_url, reference, THO_XUAN)
    raw = page_for("152030").read_bytes().replace(b'<meta charset="utf-8">', b"")
    state.faults[THO_XUAN] = Fault(body=make_body(raw), headers={"Content-Type": content_type})
    crawl_urls(base_url, tmp_path / "db", THO_XUAN)
    assert gold_fields(tmp_path / "db", "152030") == gold_fields(reference, "152030"), name


def test_a_layout_change_that_hides_the_body_is_read_generically_and_flagged(site, tmp_path):
    """The body's class renamed and its paragraphs turned into spans: the generic stage still reads
    the text, the article is stored, and the run says the layout drifted (exit status 5)."""
    base_url, state = site
    broken = page_for("152030").read_bytes().replace(b"article__body", b"new-body").replace(b"<p>", b"<span>")
    state.faults[THO_XUAN] = Fault(body=broken)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert result.returncode == 5, result.stderr[-2000:]
    assert "layout drifted" in result.stderr
    run = last_run(tmp_path / "db")
    assert run["health"] == "failed" and run["health_reasons"].startswith("layout drifted")
    assert "body in 1 of 2 articles (50%)" in run["health_reasons"]
    (article,) = rows(tmp_path / "db", "select extraction_status, body from articles where id = '152030'")
    assert article["extraction_status"] == "ok"
    assert article["body"].startswith("Nhân dịp kỷ niệm 92 năm Ngày thành lập Đảng, Huyện ủy Thọ Xuân")


def test_health_fails_when_a_layout_change_empties_bodies(site, tmp_path):
    base_url, state = site
    page = page_for("152030").read_bytes()
    start = page.index(b'<div class="article__body">')
    end = page.index(b"</div>", start) + len(b"</div>")
    state.faults[THO_XUAN] = Fault(body=page[:start] + b'<div class="article__body"></div>' + page[end:])
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO)
    assert result.returncode == 1  # an empty body, and the drift it is: not the drift alone
    assert "health checks" in result.stderr
    run = last_run(tmp_path / "db")
    assert run["health"] == "failed" and "empty body" in run["health_reasons"]
    assert "layout drifted" in run["health_reasons"]
    assert rows(tmp_path / "db", "select extraction_status from articles where id = '152030'")[0] == {
        "extraction_status": "missing_body"
    }


def test_health_fails_when_no_article_is_found(site, tmp_path):
    base_url, state = site
    state.faults["/xay-dung-dang.htm"] = Fault(
        body="<html><body><main>Trang đang bảo trì</main></body></html>".encode()
    )
    result = run_crawl(base_url, tmp_path / "db")
    assert result.returncode == 1
    run = last_run(tmp_path / "db")
    assert run["health"] == "failed" and "0 articles found" in run["health_reasons"]


def test_health_fails_over_the_error_threshold(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=500)
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO, settings={"HEALTH_MAX_ERRORS": "0"})
    assert result.returncode == 1
    assert "errors" in last_run(tmp_path / "db")["health_reasons"]


def test_a_failed_page_counts_once_toward_the_error_threshold(site, tmp_path):
    base_url, state = site
    state.faults[THO_XUAN] = Fault(status=500)  # retried, given up, recorded: one failed page
    result = crawl_urls(base_url, tmp_path / "db", THO_XUAN, CHI_BO, settings={"HEALTH_MAX_ERRORS": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Gave up retrying" in result.stderr  # still said, as a warning
    run = last_run(tmp_path / "db")
    assert (run["health"], run["failures"]) == ("ok", 1)


def test_a_healthy_run_says_so(crawled_demo):
    db = crawled_demo
    run = last_run(db)
    assert (run["health"], run["health_reasons"]) == ("ok", None)


def test_the_run_records_its_garbage_collector_settings(crawled_demo):
    stats = run_stats_of(crawled_demo)
    assert stats["gc/threshold"] == "10000"  # GC_THRESHOLD's default (crawler/collector.py)
    assert int(stats["gc/frozen_objects"]) > 1000


def test_the_run_records_how_long_its_writes_held_the_crawl(crawled_demo):
    """The batches are written in the crawl's one thread: their CPU and wall-clock time are recorded."""
    stats = run_stats_of(crawled_demo)
    cpu, wall = float(stats["pipeline/store/cpu_seconds"]), float(stats["pipeline/store/seconds"])
    assert 0 < cpu < 30 and 0 < wall < 60
    assert cpu <= wall + 0.01  # the thread's CPU fits in the time it took (the clocks' grain aside)


@pytest.fixture
def crawled_demo(sample_crawl):
    """The session's crawl of the sample site (both sections, rendering on): read only."""
    return sample_crawl[0]


def test_the_script_written_body_is_rendered_in_chromium(crawled_demo, gold):
    if find_chromium(None) is None:
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium")
    (article,) = rows(crawled_demo, "select * from articles where id = '151204'")
    assert article["extraction_status"] == "ok"
    assert article["body"] == gold["151204"]["body"]
    stats = run_stats_of(crawled_demo)
    assert stats["render/requested"] == "1" and stats["render/succeeded"] == "1"
    figures = rows(crawled_demo, "select metric, value from figures where article_id = '151204'")
    assert len(figures) == len(gold["151204"]["figures"])


def test_without_a_browser_the_crawl_finishes_and_says_what_needs_rendering(site, tmp_path):
    base_url, _ = site
    result = run_crawl(base_url, tmp_path / "db", settings={"RENDER_ENABLED": "false"})
    assert result.returncode == 0, result.stderr[-2000:]
    statuses = dict((r["id"], r["extraction_status"]) for r in rows(tmp_path / "db", "select * from articles"))
    assert statuses["151204"] == "needs_rendering"
    assert last_run(tmp_path / "db")["health"] == "ok"
    # The next run, nothing new on the site, reads that article again and only it: a body written by
    # a script is no drift of the layout (a helper's hostile review: every such run exited 5).
    again = run_crawl(base_url, tmp_path / "db", settings={"RENDER_ENABLED": "false"})
    assert again.returncode == 0, again.stderr[-2000:]
    assert last_run(tmp_path / "db")["health"] == "ok"
    assert run_stats_of(tmp_path / "db")["spider/articles/script_body"] == "1"


def test_kill_9_in_the_middle_leaves_a_sound_database_and_the_next_run_completes_it(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.4
    db = tmp_path / "db"
    process = start_paced_crawl(base_url, db)
    seen = wait_for_articles(db, 2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]
    stored = rows(db, "select count(*) n from articles")[0]["n"]
    assert 2 <= max(seen, stored) < 8
    assert rows(db, "select finished_at from crawl_runs") == [{"finished_at": None}]
    state.article_delay = 0
    result = run_crawl(base_url, db, sections="xay-dung-dang,chinh-tri")
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(db, "select count(*) n, count(distinct id) d from articles")[0] == {"n": 8, "d": 8}
    runs = rows(db, "select finish_reason, health from crawl_runs order by id")
    assert runs == [{"finish_reason": "killed (no end recorded)", "health": "failed"},
                    {"finish_reason": "finished", "health": "ok"}]  # fmt: skip


def test_a_worker_killed_mid_crawl_costs_no_page(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.3
    db = tmp_path / "db"
    process = start_paced_crawl(base_url, db)
    deadline = time.monotonic() + 60
    # The pool's workers, not Chromium's processes: the browser's are grandchildren of the crawl too.
    while not (workers := pool_workers(process.pid)):
        assert time.monotonic() < deadline, "no worker process started"
        time.sleep(0.05)
    os.kill(workers[0], signal.SIGKILL)  # what the OOM killer does to the largest process
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-2000:]
    assert rows(db, "select count(*) n from articles")[0]["n"] == 8
    assert failures(db) == []
    assert run_stats_of(db)["workers/pool_restarted"] == "1"


def test_one_sigint_stops_gracefully_and_flushes_what_was_scraped(site, tmp_path):
    base_url, state = site
    state.article_delay = 0.4
    db = tmp_path / "db"
    process = start_paced_crawl(base_url, db, SQLITE_BATCH_SIZE="50")  # nothing is written before the flush
    deadline = time.monotonic() + 60
    # Article pages only (a listing's path such as /xay-dung-dang/trang-2.htm has a hyphen too):
    # with one request at a time, a third article asked for means two were read.
    while sum(1 for p in state.requests if SITE.article_id(p)) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    run = last_run(db)
    assert run["finish_reason"] == "shutdown"
    assert run["health"] == "failed" and process.returncode == 1
    stored = rows(db, "select count(*) n from articles")[0]["n"]
    assert stored == run["articles_new"] > 0
    assert rows(db, "pragma integrity_check") == [{"integrity_check": "ok"}]
