"""Whole crawls of the sample site through the local test server, asserting what ends up in SQLite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from crawler.storage import open_database
from demo.server import PROJECT_ROOT
from tests.support import FURNITURE, rows, run_crawl

TEXT_COLUMNS = ("title", "lead", "body", "author", "section", "image_caption", "tags")


@pytest.fixture
def crawled(site, tmp_path):
    """A crawl of both sections for a test that changes the database or the site."""
    base_url, state = site
    db = tmp_path / "crawl.db"
    result = run_crawl(base_url, db, sections="xay-dung-dang,chinh-tri")
    assert result.returncode == 0, result.stderr[-3000:]
    return db, state, result


@pytest.fixture
def crawled_once(sample_crawl):
    """The session's crawl of the sample site, for the tests that only read what it stored."""
    return sample_crawl


def test_crawl_stores_every_article_once_with_gold_fields(crawled_once, gold):
    db, state, _ = crawled_once
    articles = {r["id"]: r for r in rows(db, "select * from articles")}
    assert sorted(articles) == sorted(gold)
    for article_id, g in gold.items():
        a = articles[article_id]
        assert (a["url"], a["title"], a["lead"], a["author"], a["published_at"], a["section"]) == (
            g["url"],
            g["title"],
            g["lead"],
            g["author"],
            g["published"],
            g["section"],
        )
        assert a["body"] == g["body"]  # the script-written one (151204) too, rendered in Chromium
    assert {a["extraction_status"] for a in articles.values()} == {"ok"}
    # The Thường Xuân article is linked from two sections, once by its old-scheme URL with tracking
    # parameters: it is requested once.
    assert sum(1 for p in state.requests if p.endswith("141203.htm")) == 2  # the 301 and its target
    assert sum(1 for p in state.requests if "141203" in p and "/xay-dung-dang/" not in p) == 1


def test_crawl_output_is_clean_text(crawled_once):
    db, _, _ = crawled_once
    for article in rows(db, "select * from articles"):
        for column in TEXT_COLUMNS:
            value = article[column] or ""
            assert unicodedata.is_normalized("NFC", value), (article["id"], column)
            assert "\u00a0" not in value and "\u200b" not in value
        for marker in FURNITURE:
            assert marker not in (article["body"] or ""), (article["id"], marker)
        assert article["title"] not in (article["body"] or "")
        tags = [r["tag"] for r in rows(db, "select tag from article_tags where article_id = ?", (article["id"],))]
        assert sorted(tags) == sorted(t for t in (article["tags"] or "").split(", ") if t)


def test_crawl_run_is_recorded(crawled_once):
    db, _, _ = crawled_once
    (run,) = rows(db, "select * from crawl_runs")
    assert run["finish_reason"] == "finished"
    assert (run["articles_new"], run["articles_changed"], run["articles_unchanged"]) == (8, 0, 0)
    assert run["articles_incomplete"] == 0
    assert run["errors"] == 0
    assert run["pages"] >= 11
    assert "sections=xay-dung-dang,chinh-tri" in run["arguments"]
    # WAL while it crawls; at rest a rollback journal, which a reader who cannot write opens `mode=ro`
    assert rows(db, "pragma journal_mode")[0]["journal_mode"] == "delete"
    assert not Path(f"{db}-wal").exists()


def test_second_crawl_changes_nothing(crawled, site):
    db, _, _ = crawled
    before = rows(db, "select * from articles order by id")
    result = run_crawl(site[0], db, sections="xay-dung-dang,chinh-tri", refetch="true")
    assert result.returncode == 0, result.stderr[-3000:]
    after = rows(db, "select * from articles order by id")
    strip = lambda rs: [{k: v for k, v in r.items() if k != "last_crawled_at"} for r in rs]  # noqa: E731
    assert strip(after) == strip(before)
    runs = rows(db, "select * from crawl_runs order by id")
    assert len(runs) == 2
    assert (runs[1]["articles_new"], runs[1]["articles_changed"], runs[1]["articles_unchanged"]) == (0, 0, 8)
    assert rows(db, "select count(*) n from article_versions")[0]["n"] == 0


def test_changed_article_keeps_previous_version(crawled, site, tmp_path):
    db, _, _ = crawled
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update articles set title = 'Tiêu đề cũ', content_hash = 'old' where id = '152030'")
    conn.close()
    result = run_crawl(site[0], db, sections="xay-dung-dang,chinh-tri", refetch="true")
    assert result.returncode == 0
    (run,) = rows(db, "select * from crawl_runs order by id desc limit 1")
    assert (run["articles_changed"], run["articles_unchanged"]) == (1, 7)
    (version,) = rows(db, "select * from article_versions")
    assert (version["article_id"], version["title"], version["run_id"]) == ("152030", "Tiêu đề cũ", run["id"])
    assert rows(db, "select title from articles where id = '152030'")[0]["title"].startswith("Thọ Xuân")


def test_urls_argument_fetches_just_those_articles(site, tmp_path):
    base_url, state = site
    db = tmp_path / "urls.db"
    urls = ",".join(
        [
            f"{base_url}/xay-dung-dang/huyen-thuong-xuan-nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang/141203.htm",
            "https://baothanhhoa.vn/huyen-thuong-xuan-nang-cao-nang-luc-lanh-dao-suc-chien-dau-cua-to-chuc-co-so-dang-141203.htm?utm_source=fb",
            "https://baothanhhoa.vn/tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm",
        ]
    )
    result = run_crawl(base_url, db, urls=urls)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r["id"] for r in rows(db, "select id from articles order by id")] == ["141203", "152030"]
    assert not any(p.endswith("xay-dung-dang.htm") for p in state.requests)


def test_urls_file_argument(site, tmp_path):
    base_url, _ = site
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# one a line\nhttps://baothanhhoa.vn/chi-bo-khu-pho-3-lam-tot-cong-tac-phat-trien-dang-161020.htm\n\n"
    )
    db = tmp_path / "file.db"
    result = run_crawl(base_url, db, urls_file=str(listing))
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r["id"] for r in rows(db, "select id from articles")] == ["161020"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"urls": "file:///etc/passwd"}, "'file:///etc/passwd'"),
        ({"urls": "https://example.com/tin-123456.htm,data:text/html,hi"}, "'https://example.com/tin-123456.htm'"),
        ({"urls": "http://127.0.0.1:22/x-123456.htm"}, "'http://127.0.0.1:22/x-123456.htm'"),
        ({"urls": "not a url"}, "'not a url'"),
        ({"sections": "xay-dung-dang,khong-co"}, "khong-co"),
        ({"max_pages": "ten"}, "max_pages"),
        ({"max_pages": "0"}, "max_pages"),
        ({"base_url": "ftp://baothanhhoa.vn"}, "base_url"),
        ({"mode": "everything"}, "mode"),
        ({"refetch": "maybe"}, "refetch"),
        ({"urls_file": "/nonexistent/urls.txt"}, "/nonexistent/urls.txt"),
    ],
)
def test_bad_arguments_are_rejected_before_fetching(site, tmp_path, args, message):
    base_url, state = site
    db = tmp_path / "bad.db"
    args = {"base_url": base_url, **args}
    result = run_crawl(args.pop("base_url"), db, **args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert state.requests == []
    assert not db.exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("WORKER_PROCESSES", "many", "WORKER_PROCESSES must be a number or 'auto'"),
     ("WORKER_PROCESSES", "1.5", "WORKER_PROCESSES must be a number or 'auto'"),
     ("WORKER_PROCESSES", "", "WORKER_PROCESSES must be a number or 'auto'"),
     ("WORKER_NICENESS", "20", "WORKER_NICENESS must be a whole number from 0 to 19"),
     ("TWISTED_REACTOR", "twisted.internet.epollreactor.EPollReactor", "TWISTED_REACTOR must be twisted"),
     ("TWISTED_REACTOR", "", "TWISTED_REACTOR must be twisted"),
     ("WORKER_PROCESSES", "100000", "WORKER_PROCESSES must be 'auto' or a number from 0 to"),
     ("WORKER_PROCESSES", "-3", "WORKER_PROCESSES must be 'auto' or a number from 0 to"),
     ("SQLITE_BATCH_SIZE", "abc", "SQLITE_BATCH_SIZE must be a whole number of 1 or more"),
     ("SQLITE_BATCH_SIZE", "0", "SQLITE_BATCH_SIZE must be a whole number of 1 or more"),
     ("SQLITE_BUSY_TIMEOUT", "-1", "SQLITE_BUSY_TIMEOUT must be a number from 0 to 2147483"),
     ("SQLITE_BUSY_TIMEOUT", "inf", "SQLITE_BUSY_TIMEOUT must be a number from 0 to 2147483"),
     ("SQLITE_BUSY_TIMEOUT", "1e300", "SQLITE_BUSY_TIMEOUT must be a number from 0 to 2147483"),
     ("HEALTH_MAX_FALLBACK_SHARE", "abc", "HEALTH_MAX_FALLBACK_SHARE must be a number from 0 to 1"),
     ("HEALTH_MAX_FALLBACK_SHARE", "nan", "HEALTH_MAX_FALLBACK_SHARE must be a number from 0 to 1"),
     ("HEALTH_MAX_ERRORS", "2.5", "HEALTH_MAX_ERRORS must be a whole number of 0 or more")],
)  # fmt: skip
def test_a_bad_worker_setting_is_rejected_before_fetching(site, tmp_path, name, value, message):
    base_url, state = site
    db = tmp_path / "bad.db"
    result = run_crawl(base_url, db, settings={name: value})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert state.requests == []
    assert not db.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [("WORKER_PROCESSES", "many"), ("WORKER_NICENESS", "20"),
     ("TWISTED_REACTOR", "twisted.internet.pollreactor.PollReactor")],
)  # fmt: skip
def test_runspider_refuses_a_bad_worker_setting_in_one_line(site, tmp_path, name, value):
    """`scrapy runspider` in the project makes a crawler with the worker pool too: the same one line
    and status 2 as `scrapy crawl`, not a traceback."""
    base_url, state = site
    db = tmp_path / "bad.db"
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(PROJECT_ROOT / "bench" / "spider.py"),
           "-a", f"base_url={base_url}", "-s", f"SQLITE_DB={db}", "-s", f"{name}={value}"]  # fmt: skip
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert f"{name} must be" in result.stderr
    assert "Traceback" not in result.stderr
    assert state.requests == []
    assert not db.exists()


def test_figures_are_stored_column_by_column_with_missing_ones_null(tmp_path):
    from crawler.storage import save_articles

    db = open_database(tmp_path / "x.db")
    whole = {"metric": "members_total", "value": 412, "value_max": None, "unit": "count", "of_total": None,
             "kind": "stock", "qualifier": None, "year": 2023, "period": None, "organization": "Đảng bộ xã Thọ Phú",
             "category": None, "start": 10, "end": 30, "sentence_start": 0, "sentence_end": 80,
             "place_id": None, "place_reason": "not found", "extra": "not a column"}  # fmt: skip
    partial = {"metric": "cells_total", "value": 14, "unit": "count"}
    save_articles(db, [{"id": "1", "title": "a", "body": "b", "figures": [whole, partial], "documents": []}])
    sql = "select metric, value, year, organization, place_reason, start from figures order by id"
    stored = rows(tmp_path / "x.db", sql)
    assert stored == [
        {"metric": "members_total", "value": 412, "year": 2023, "organization": "Đảng bộ xã Thọ Phú",
         "place_reason": "not found", "start": 10},
        {"metric": "cells_total", "value": 14, "year": None, "organization": None, "place_reason": None, "start": None},
    ]  # fmt: skip


def test_store_keeps_one_row_per_article_across_batches(tmp_path):
    db = open_database(tmp_path / "x.db")
    from crawler.storage import save_articles

    save_articles(db, [{"id": "1", "title": "a", "body": "b"}, {"id": "2", "title": "c", "body": "d"}])
    result = save_articles(db, [{"id": "1", "title": "a", "body": "b"}])
    assert (result.new, result.unchanged) == ([], ["1"])
    assert db["articles"].count == 2


def test_figures_and_documents_are_stored_with_the_articles(crawled_once, gold):
    from evaluation.score import Score, score_article

    db, _, _ = crawled_once
    score = Score()
    for article_id, g in gold.items():
        found = rows(db, "select * from figures where article_id = ?", (article_id,))
        score_article(score, article_id, g["figures"], found)
        docs = rows(db, "select kind, number, issuer, date from documents where article_id = ?", (article_id,))
        assert sorted(docs, key=str) == sorted(g["documents"], key=str)
    assert score.f1 == 1.0 and score.attribute_accuracy == 1.0, score.summary()
    indexes = {
        r["name"] for r in rows(db, "select name from sqlite_master where type = 'index' and tbl_name = 'figures'")
    }
    assert {"idx_figures_metric", "idx_figures_organization", "idx_figures_year"} <= indexes


def test_figures_are_replaced_not_appended_on_a_second_crawl(crawled, site):
    db, _, _ = crawled
    before = rows(db, "select count(*) n from figures")[0]
    conn = sqlite3.connect(db)
    with conn:  # a stale figure: the second crawl must replace it, not keep it beside new ones
        conn.execute("update figures set value = 999 where article_id = '161020' and metric = 'members_total'")
    conn.close()
    result = run_crawl(site[0], db, sections="xay-dung-dang,chinh-tri", refetch="true")
    assert result.returncode == 0
    after = rows(db, "select count(*) n from figures")[0]
    assert after["n"] == before["n"] > 0
    assert rows(db, "select value from figures where article_id = '161020' and metric = 'members_total'") == [
        {"value": 52}
    ]
    assert rows(db, "select count(*) n from documents")[0]["n"] == 3
    assert rows(db, "pragma foreign_key_check") == []


def test_reextract_updates_stored_figures_without_fetching(crawled, gold):
    from crawler.reextract import reextract

    db, state, _ = crawled
    with_cells = {a for a, g in gold.items() if any(f["metric"] == "cells_total" for f in g["figures"])}
    cells = sum(f["metric"] == "cells_total" for g in gold.values() for f in g["figures"])
    requests = len(state.requests)
    assert reextract(db)["articles_changed"] == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("delete from figures where metric = 'cells_total'")
        conn.execute(
            "insert into figures (article_id, metric, value, unit) values ('161020', 'cells_total', 99, 'count')"
        )
    conn.close()
    dry = reextract(db, dry_run=True)
    assert dry["articles_changed"] == len(with_cells | {"161020"})
    assert rows(db, "select count(*) n from figures where value = 99")[0]["n"] == 1
    report = reextract(db)
    assert report["added"] == {"cells_total": cells} and report["removed"] == {"cells_total": 1}
    assert rows(db, "select count(*) n from figures where value = 99")[0]["n"] == 0
    assert reextract(db)["articles_changed"] == 0
    assert len(state.requests) == requests


@pytest.mark.slow
def test_reextract_command_rejects_a_missing_database(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "crawler.reextract", "--db", str(tmp_path / "none.db")],
                            capture_output=True, text=True, cwd=PROJECT_ROOT)  # fmt: skip
    assert result.returncode == 3 and "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()
