"""Re-extraction over a stored database: the same result on one core or on every core."""

from __future__ import annotations

import shutil

from bench.reextract import build
from crawler.reextract import reextract
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
