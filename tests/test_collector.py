"""The crawl's garbage collector settings: set from the spider's opening, Python's back at the stop."""

from __future__ import annotations

import gc

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.collector import GarbageCollection


def extension(threshold: int) -> GarbageCollection:
    crawler = get_crawler(settings_dict={"GC_THRESHOLD": threshold})
    return GarbageCollection.from_crawler(crawler)


@pytest.fixture(autouse=True)
def pythons_own_settings():
    """Each test starts from, and leaves, Python's settings as the session has them."""
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_the_crawl_freezes_start_up_and_collects_the_young_less_often(pythons_own_settings):
    ext = extension(12_345)
    ext.spider_opened()
    assert gc.get_threshold() == (12_345, *pythons_own_settings[1:])
    frozen = gc.get_freeze_count()
    assert frozen > 1000  # the modules, patterns and settings of start-up
    assert ext.stats.get_value("gc/threshold") == 12_345
    assert ext.stats.get_value("gc/frozen_objects") == frozen
    ext.engine_stopped()
    assert gc.get_threshold() == pythons_own_settings
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("threshold", [0, 12_345])
def test_each_collection_during_the_crawl_is_counted_and_timed(threshold):
    ext = extension(threshold)
    ext.spider_opened()
    gc.collect(0)
    gc.collect(2)
    gc.collect(2)
    ext.engine_stopped()
    gc.collect(2)  # after the crawl: not its own
    stats = ext.stats
    assert stats.get_value("gc/collections/gen0") == 1
    assert stats.get_value("gc/collections/gen2") == 2
    assert stats.get_value("gc/collections/gen1") is None
    assert stats.get_value("gc/seconds") == pytest.approx(
        stats.get_value("gc/seconds/gen0") + stats.get_value("gc/seconds/gen2"), abs=0.002
    )
    assert gc.callbacks.count(ext._count) == 0


def test_python_s_own_settings_stay_with_a_threshold_of_zero(pythons_own_settings):
    ext = extension(0)
    ext.spider_opened()
    assert gc.get_threshold() == pythons_own_settings
    assert gc.get_freeze_count() == 0
    assert ext.stats.get_value("gc/threshold") == pythons_own_settings[0]
    ext.engine_stopped()


def test_two_crawls_in_one_process_restore_python_s_settings_when_the_last_stops(pythons_own_settings):
    first, second = extension(20_000), extension(30_000)
    first.spider_opened()
    second.spider_opened()  # the process is tuned once, by the first
    assert gc.get_threshold()[0] == 20_000
    first.engine_stopped()
    assert gc.get_threshold()[0] == 20_000 and gc.get_freeze_count() > 0  # the second still runs
    second.engine_stopped()
    assert gc.get_threshold() == pythons_own_settings
    assert gc.get_freeze_count() == 0


def test_a_stop_without_an_opening_changes_nothing(pythons_own_settings):
    ext = extension(12_345)
    ext.engine_stopped()  # the spider never opened (a bad argument, a database that cannot be used)
    assert gc.get_threshold() == pythons_own_settings
    assert isinstance(ext.stats, MemoryStatsCollector) and ext.stats.get_value("gc/threshold") is None


def test_a_collection_while_the_stats_are_read_does_not_change_them():
    """A collection may start at any allocation: in the middle of the store's loop over the stats."""
    ext = extension(12_345)
    ext.spider_opened()
    stats = ext.stats.get_stats()
    stats.update({f"spider/key{i}": i for i in range(50)})
    for _ in stats.items():  # as storage.save_run_stats does
        gc.collect(0)
    ext.engine_stopped()
    assert ext.stats.get_value("gc/collections/gen0") >= 50


def test_the_collections_are_in_the_stats_before_the_run_is_recorded():
    from crawler.ledger import RunLedger

    crawler = get_crawler(settings_dict={"GC_THRESHOLD": 12_345})
    ext = GarbageCollection.from_crawler(crawler)
    ledger = RunLedger.of(crawler)
    recorded: dict = {}
    ledger.on_finished(lambda _: recorded.update(crawler.stats.get_stats()))  # as the store records the run
    ext.spider_opened()
    gc.collect(2)
    ledger._spider_closed(None, "finished")
    ext.engine_stopped()
    assert recorded["gc/collections/gen2"] == 1 and recorded["gc/seconds"] >= 0
