"""The scorer, and the extraction scores pinned so they cannot silently regress."""

from __future__ import annotations

import pytest

from evaluation.score import Score, place_name, score_article, score_file
from tests.support import GOLD

F = {"metric": "members_total", "value": 52, "unit": "count", "of_total": None, "qualifier": "exact",
     "kind": "actual", "year": None, "period": None, "organization": "Chi bộ khu phố 3", "category": None}  # fmt: skip


def test_scorer_counts_matches_misses_and_extras():
    score = Score()
    expected = [F, {**F, "metric": "members_new", "value": 4, "year": 2022}]
    found = [{**F, "organization": "chi bộ KHU PHỐ 3"}, {**F, "metric": "cells_total", "value": 3}]
    score_article(score, "1", expected, found)
    assert (score.expected, score.found, score.matched) == (2, 2, 1)
    assert score.precision == score.recall == score.f1 == 0.5
    assert score.attribute_accuracy == 1.0  # the organization matches after case folding
    assert [m["metric"] for m in score.misses] == ["members_new"]
    assert [e["metric"] for e in score.extras] == ["cells_total"]


def test_each_expected_figure_matches_one_found_figure_with_the_best_attributes():
    score = Score()
    about = {**F, "qualifier": "about", "year": 2015}
    exact = {**F, "year": 2015}
    score_article(score, "1", [about, exact], [exact, about])
    assert score.matched == 2 and score.attribute_accuracy == 1.0


def test_value_must_be_equal():
    score = Score()
    score_article(score, "1", [F], [{**F, "value": 53}])
    assert score.matched == 0 and score.f1 == 0.0


@pytest.mark.parametrize(
    ("org", "place"),
    [
        ("Đảng bộ huyện Thường Xuân", "thường xuân"),
        ("Đảng bộ thành phố Thanh Hóa", "thanh hóa"),
        ("Chi bộ khu phố 3", "3"),
        ("Đảng bộ Công an tỉnh", "công an tỉnh"),
        (None, None),
    ],
)
def test_place_name(org, place):
    assert place_name(org) == place


# Measured with `python -m evaluation.score evaluation/gold/*.jsonl` (spec version 2); raise these when
# the rules improve. Each set's first score is in evaluation/gold/README.md.
FLOORS = {
    "dev.jsonl": (1.0, 1.0, 1.0),
    "own.jsonl": (1.0, 0.99, 1.0),
    "heldout.jsonl": (0.98, 0.98, 1.0),
    "blind.jsonl": (1.0, 1.0, 1.0),
    "blind2.jsonl": (1.0, 1.0, 1.0),
    "realdev.jsonl": (0.99, 0.99, 1.0),
    "blind3.jsonl": (0.96, 0.98, 1.0),
    "blind4.jsonl": (0.95, 0.96, 1.0),
    "blind5.jsonl": (0.965, 0.98, 1.0),  # first score at 8d0bcfa: F1 0.940, attributes 0.967
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_scores_do_not_regress(name):
    f1, attributes, documents = FLOORS[name]
    score = score_file(GOLD / name)
    assert score.f1 >= f1, score.summary()
    assert score.attribute_accuracy >= attributes, score.summary()
    assert score.documents_f1 >= documents, score.summary()
    assert score.f1 >= 0.95 and score.attribute_accuracy >= 0.90  # the bar, whatever the floors say
    assert score.figures_in_no_figure_texts == 0, score.summary()  # texts with no figure stay without one


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not text", b'{"id": 1}', b"[1, 2]", b"null", b'{"id": 1, "body": "x", "figures": [{"metric": "m"}]}',
     b"{not json", b'{"id": 1, "body": "x", "documents": [{"kind": "x", "number": 15}]}'],
)  # fmt: skip
def test_a_gold_file_that_is_not_one_is_one_line_and_status_2(tmp_path, capsys, content):
    """A helper's sweep met a traceback for each of these."""
    from evaluation.score import main

    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(content)
    assert main([str(gold)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {gold}") and err.count("\n") == 1
