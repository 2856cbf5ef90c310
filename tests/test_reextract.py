"""Re-extraction over a stored database: the same result on one core or on every core."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from bench.reextract import build
from crawler.reextract import main, reextract
from tests.support import rows


def test_workers_give_the_same_figures_as_one_process(tmp_path):
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    build(one, 40)
    shutil.copy(one, many)
    report_one, report_many = reextract(one, workers=1, batch_size=7), reextract(many, workers=2, batch_size=7)
    assert report_one == report_many
    assert report_one["articles"] == 40 and report_one["articles_changed"] == 40 and report_one["figures_after"] > 100
    query = "select article_id, metric, value, unit, year, organization, place_id, start from figures order by 1, 8"
    assert rows(one, query) == rows(many, query)
    assert reextract(many, workers=2)["articles_changed"] == 0  # a second pass changes nothing


def test_the_places_an_article_is_about_are_rewritten_when_only_they_changed(tmp_path):
    db = tmp_path / "db"
    build(db, 12)
    reextract(db)
    places = rows(db, "select article_id, place_id from article_places order by 1, 2")
    assert places
    conn = sqlite3.connect(db)
    conn.execute("delete from article_places")  # figures and documents unchanged: only the places differ
    conn.commit()
    conn.close()
    assert reextract(db)["articles_changed"] == len({p["article_id"] for p in places})
    assert rows(db, "select article_id, place_id from article_places order by 1, 2") == places


def test_a_write_that_fails_stops_at_its_page_with_the_pages_before_done(tmp_path, monkeypatch):
    """The next page is read by the workers while this one is written: a failed write must still
    leave the pages before it done and every page from it as it was, and end at once."""
    import crawler.reextract as module
    from crawler.storage import StorageError

    db = tmp_path / "db"
    build(db, 40)
    real, calls = module.replace_extractions_batch, []

    def fail_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise StorageError("database or disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "replace_extractions_batch", fail_third)
    try:
        reextract(db, workers=2, batch_size=7)
    except module.WriteFailedError as exc:
        assert "disk is full" in str(exc) and "run it again to finish" in str(exc)
    else:
        raise AssertionError("the failed write was not reported")
    done = rows(db, "select count(distinct article_id) as n from figures")[0]["n"]
    assert done == 14  # two pages of seven
    monkeypatch.setattr(module, "replace_extractions_batch", real)
    assert reextract(db, workers=2, batch_size=7)["articles_changed"] == 26  # run again: the rest


def test_the_benchmark_times_the_command_in_a_process_of_its_own(tmp_path):
    """Run in the benchmark's own process after another run, the workers forked its grown heap and
    read a third slower than a user's `reextract` does: each run is the command, as a user runs it."""
    from bench.reextract import timed

    db = tmp_path / "db"
    build(db, 6)
    result = timed(db, 2)
    assert (result["workers"], result["articles"], result["changed"]) == (2, 6, 6)
    assert result["figures"] == rows(db, "select count(*) as n from figures")[0]["n"] > 0
    assert result["cores_busy"] > 0  # the command's and its workers' CPU, not this process's


def test_a_reextract_started_from_a_crawl_s_process_keeps_its_workers(tmp_path):
    """A process that ran a crawl's worker pool names that crawl (its pid, its start) in its
    environment, and a reextract it starts inherits them: its workers watch their own parent, and
    took the crawl's start time for their parent's, found it gone and exited at once."""
    import os
    import subprocess
    import sys

    from crawler.workers import CRAWL_PID, CRAWL_STARTED
    from demo.server import PROJECT_ROOT

    db = tmp_path / "db"
    build(db, 6)
    env = {**os.environ, CRAWL_PID: "1", CRAWL_STARTED: "12345"}
    done = subprocess.run([sys.executable, "-m", "crawler.reextract", "--db", str(db), "--workers", "2"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"articles_changed": 6' in done.stdout


@pytest.mark.parametrize("workers", ["0", "100000", "99999999999999999999"])
def test_a_number_of_workers_the_machine_cannot_hold_is_refused(tmp_path, capsys, workers):
    """100000 used to fork worker after worker until memory ran out."""
    db = tmp_path / "db"
    build(db, 5)
    assert main(["--db", str(db), "--workers", workers]) == 2
    assert "--workers must be from 1 to" in capsys.readouterr().err


def test_a_body_stored_as_bytes_by_another_tool_is_read_not_a_crash(tmp_path):
    """A helper's sweep: `update articles set body = x'fffe'` stopped reextract with a worker's traceback."""
    plain, odd = tmp_path / "plain.db", tmp_path / "odd.db"
    build(plain, 5)
    shutil.copy(plain, odd)
    with sqlite3.connect(odd) as conn:
        first = conn.execute("select id from articles order by id limit 1").fetchone()[0]
        conn.execute("update articles set body = cast(body as blob) where id = ?", (first,))
        conn.execute("update articles set title = x'fffe' where id <> ?", (first,))
    conn.close()
    assert reextract(odd, workers=2)["articles"] == 5
    reextract(plain, workers=1)
    figures_of_first = "select metric, value, year from figures where article_id = ? order by id"
    assert rows(odd, figures_of_first, (first,)) == rows(plain, figures_of_first, (first,)) != []
