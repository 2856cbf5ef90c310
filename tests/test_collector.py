"""The crawl's garbage collector settings: set from the spider's opening, Python's back at the stop."""

from __future__ import annotations

import gc
import time

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler import collector
from crawler.collector import GarbageCollection


def extension(threshold: int) -> GarbageCollection:
    crawler = get_crawler(settings_dict={"GC_THRESHOLD": threshold})
    return GarbageCollection.from_crawler(crawler)


@pytest.fixture(autouse=True)
def pythons_own_settings():
    """Each test starts from, and leaves, Python's settings as the session has them (a test that
    fails half-way leaves no crawl counted as running, nor its callback)."""
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    callbacks = list(gc.callbacks)
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()
    gc.callbacks[:] = callbacks
    collector._TUNING.crawls, collector._TUNING.saved = 0, None


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


def test_the_seconds_counted_are_the_collections_cpu_time():
    ext = extension(12_345)
    ext.spider_opened()
    heap = [[i] for i in range(300_000)]  # a heap that takes a full collection milliseconds
    began = time.thread_time()
    gc.collect(2)
    took = time.thread_time() - began
    ext.engine_stopped()
    del heap
    assert 0 < ext.stats.get_value("gc/seconds/gen2") <= took + 0.001


class _BrokenStats(MemoryStatsCollector):
    def set_value(self, key, value, spider=None):
        if key.startswith("gc/collections"):
            raise RuntimeError("the stats cannot be written")
        super().set_value(key, value)


def test_python_s_settings_come_back_even_when_the_counts_cannot_be_written(pythons_own_settings):
    crawler = get_crawler(settings_dict={"GC_THRESHOLD": 12_345})
    ext = GarbageCollection(12_345, _BrokenStats(crawler))
    ext.spider_opened()
    gc.collect(0)
    with pytest.raises(RuntimeError):
        ext.engine_stopped()
    assert gc.get_threshold() == pythons_own_settings and gc.get_freeze_count() == 0
    assert ext._count not in gc.callbacks


def test_a_component_that_cannot_write_its_counts_leaves_the_run_recorded(caplog):
    from crawler.ledger import RunLedger

    ledger = RunLedger(MemoryStatsCollector(get_crawler()))
    recorded = []
    ledger.before_finished(lambda: 1 / 0)
    ledger.on_finished(recorded.append)
    ledger._spider_closed(None, "finished")
    assert recorded == [ledger]
    assert "could not write its counts" in caplog.text
