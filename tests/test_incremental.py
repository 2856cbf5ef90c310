"""Scheduled runs: incremental crawls, reruns on given URLs, history of changes, resume.

Requests are counted at the test server, not in the crawler's own stats.
"""

from __future__ import annotations

import shutil
import signal

import pytest

from crawler.sites.baothanhhoa import SITE
from demo.server import SAMPLE_SITE, Fault, serve
from tests.support import last_run, rows, run_crawl, start_paced_crawl, wait_for_articles

# Every test here runs whole crawls.
pytestmark = pytest.mark.slow

SECTIONS = "xay-dung-dang,chinh-tri"
CHANGED = "/phuong-quang-thang-nang-cao-chat-luong-dang-vien-160412.htm"
NEW = ("/chi-bo-thon-4-ket-nap-dang-vien-tre-170001.htm", "/dang-bo-xa-hoang-dat-kiem-tra-giam-sat-170002.htm")
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Xây dựng Đảng - Báo Thanh Hóa</title>
{items}
</channel></rss>
"""


def feed_items(site, paths):
    items = []
    for path in paths:
        html = (site / path.lstrip("/")).read_text("utf-8")
        title = html.split('class="article__title">', 1)[1].split("<", 1)[0]
        items.append(f"<item><title>{title}</title><link>https://baothanhhoa.vn{path}</link></item>")
    return "\n".join(items)


@pytest.fixture
def live_site(tmp_path):
    """A copy of the sample site that the test can change between runs, with a section feed."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    (root / "rss").mkdir()
    page1 = ["/chi-bo-khu-pho-3-lam-tot-cong-tac-phat-trien-dang-161020.htm", CHANGED]
    (root / "rss" / "xay-dung-dang.xml").write_text(FEED.format(items=feed_items(root, page1)), "utf-8")
    with serve(root) as (base_url, state):
        yield root, base_url, state


def publish_two_and_correct_one(root):
    template = (root / "tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm").read_text("utf-8")
    stories = []
    for n, path in enumerate(NEW, 1):
        article_id = path.rsplit("-", 1)[1].removesuffix(".htm")
        title = f"Bài mới số {n} về công tác xây dựng Đảng"
        page = template.replace("152030", article_id).replace(
            "Thọ Xuân trao Huy hiệu Đảng cho đảng viên lão thành", title
        )
        page = page.replace("218 đảng viên", f"{100 + n} đảng viên")
        page = page.replace("tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh", path[1:].rsplit("-", 1)[0])
        (root / path.lstrip("/")).write_text(page, "utf-8")
        stories.append(f'<div class="story"><h3 class="story__title"><a href="{path}">{title}</a></h3></div>')
    listing = root / "xay-dung-dang.htm"
    html = listing.read_text("utf-8").replace(
        '<div class="story-list">', '<div class="story-list">\n' + "\n".join(stories)
    )
    old_title = "Phường Quảng Thắng nâng cao chất lượng đội ngũ đảng viên"
    new_title = "Phường Quảng Thắng nâng cao chất lượng đảng viên (đã đính chính)"
    listing.write_text(html.replace(old_title, new_title), "utf-8")
    changed = root / CHANGED.lstrip("/")
    changed.write_text(changed.read_text("utf-8").replace(old_title, new_title).replace("15,2%", "15,8%"), "utf-8")
    feed = root / "rss" / "xay-dung-dang.xml"
    feed.write_text(FEED.format(items=feed_items(root, [*NEW, CHANGED])), "utf-8")


def article_requests(requests):
    return sorted(p for p in requests if SITE.article_id(p))


def test_incremental_runs_fetch_only_what_is_new_or_changed(live_site, tmp_path):
    root, base_url, state = live_site
    db = tmp_path / "db"
    first = run_crawl(base_url, db, sections=SECTIONS)
    assert first.returncode == 0, first.stderr[-2000:]
    assert rows(db, "select count(*) n from articles")[0]["n"] == 8
    first_requests = len(state.requests)

    publish_two_and_correct_one(root)
    state.requests.clear()
    second = run_crawl(base_url, db, sections=SECTIONS)
    assert second.returncode == 0, second.stderr[-2000:]
    assert sorted(state.requests) == sorted(
        ["/robots.txt", "/rss/xay-dung-dang.xml", "/rss/chinh-tri.xml", "/xay-dung-dang.htm", "/chinh-tri.htm",
         *NEW, CHANGED]
    )  # fmt: skip
    run = last_run(db)
    assert (run["articles_new"], run["articles_changed"], run["health"]) == (2, 1, "ok")
    (version,) = rows(db, "select * from article_versions")
    assert (version["article_id"], version["run_id"]) == ("160412", run["id"])
    assert version["title"] == "Phường Quảng Thắng nâng cao chất lượng đội ngũ đảng viên"
    assert "15,2%" in version["body"]
    current = rows(db, "select title, body from articles where id = '160412'")[0]
    assert current["title"].endswith("(đã đính chính)") and "15,8%" in current["body"]
    values = [r["value"] for r in rows(db, "select value from figures where article_id = '160412' order by start")]
    assert 15.8 in values and 15.2 not in values  # figures follow the current version
    second_requests = len(state.requests)

    state.requests.clear()
    third = run_crawl(base_url, db, sections=SECTIONS)
    assert third.returncode == 0, third.stderr[-2000:]
    assert article_requests(state.requests) == []
    assert sorted(state.requests) == sorted(
        ["/robots.txt", "/rss/xay-dung-dang.xml", "/rss/chinh-tri.xml", "/xay-dung-dang.htm", "/chinh-tri.htm"]
    )
    run = last_run(db)
    assert (run["articles_new"], run["articles_changed"], run["health"]) == (0, 0, "ok")
    assert rows(db, "select count(*) n from articles")[0]["n"] == 10
    print(f"requests per run: first {first_requests}, second {second_requests}, third {len(state.requests)}")


def test_full_mode_walks_every_page(live_site, tmp_path):
    _, base_url, state = live_site
    db = tmp_path / "db"
    run_crawl(base_url, db, sections=SECTIONS)
    state.requests.clear()
    result = run_crawl(base_url, db, sections=SECTIONS, mode="full")
    assert result.returncode == 0
    assert "/xay-dung-dang/trang-2.htm" in state.requests
    assert article_requests(state.requests) == []  # stored articles are not fetched again
    state.requests.clear()
    run_crawl(base_url, db, sections=SECTIONS, mode="full", refetch="true")
    assert len(article_requests(state.requests)) >= 8


def test_a_rerun_on_one_url_updates_its_row_and_figures_in_place(live_site, tmp_path):
    root, base_url, state = live_site
    db = tmp_path / "db"
    run_crawl(base_url, db, sections=SECTIONS)
    before = rows(db, "select * from articles where id = '152030'")[0]
    figure_ids = [r["id"] for r in rows(db, "select id from figures where article_id = '152030'")]
    page = root / "tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm"
    page.write_text(page.read_text("utf-8").replace("218 đảng viên", "219 đảng viên"), "utf-8")
    state.requests.clear()
    result = run_crawl(
        base_url, db, urls="https://baothanhhoa.vn/tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert article_requests(state.requests) == ["/tho-xuan-trao-huy-hieu-dang-cho-dang-vien-lao-thanh-152030.htm"]
    after = rows(db, "select * from articles where id = '152030'")
    assert len(after) == 1 and after[0]["first_seen_at"] == before["first_seen_at"]
    assert after[0]["content_hash"] != before["content_hash"]
    figures = rows(db, "select id, value from figures where article_id = '152030'")
    assert [f["value"] for f in figures] == [219]
    assert not set(figure_ids) & {f["id"] for f in figures}
    assert rows(db, "select count(*) n from articles")[0]["n"] == 8


def test_an_article_missed_by_an_earlier_run_is_picked_up(live_site, tmp_path):
    _, base_url, state = live_site
    db = tmp_path / "db"
    missed = "/lang-chanh-nang-cao-chat-luong-to-chuc-co-so-dang-151204.htm"  # on page 2 of the section
    state.faults[missed] = Fault(status=503)
    run_crawl(base_url, db, sections=SECTIONS, settings={"RETRY_TIMES": "1"})
    assert [r["kind"] for r in rows(db, "select kind from failures")] == ["http_error"]
    del state.faults[missed]
    state.requests.clear()
    result = run_crawl(base_url, db, sections=SECTIONS)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/xay-dung-dang/trang-2.htm" not in state.requests
    assert state.requests.count(missed) >= 1
    assert rows(db, "select extraction_status from articles where id = '151204'") == [{"extraction_status": "ok"}]


def test_an_interrupted_job_resumes_where_it_stopped(live_site, tmp_path):
    _, base_url, state = live_site
    db, job = tmp_path / "db", tmp_path / "job"
    state.article_delay = 0.4
    process = start_paced_crawl(base_url, db, JOBDIR=str(job), RENDER_ENABLED="false")
    wait_for_articles(db, 2)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert last_run(db)["finish_reason"] == "shutdown"
    stored_first = rows(db, "select count(*) n from articles")[0]["n"]
    assert 2 <= stored_first < 8
    assert (job / "spider.state").is_file() and (job / "requests.seen").is_file()  # what the resumed run reads
    state.article_delay = 0
    resumed = start_paced_crawl(base_url, db, JOBDIR=str(job), RENDER_ENABLED="false")
    resumed.communicate(timeout=120)
    assert rows(db, "select count(*) n, count(distinct id) d from articles")[0] == {"n": 8, "d": 8}
    fetched = [p for p in article_requests(state.requests) if not p.startswith("/xay-dung-dang/huyen")]
    assert len(fetched) == len(set(fetched))  # no article page was fetched twice across both runs
