"""The defaults stay polite to the real site and safe against it; tests change them only with -s."""

import os

import pytest
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler.workers import cpu_quota, worker_count, worker_niceness


def test_defaults_are_polite_and_safe(monkeypatch):
    """The settings a crawl runs with: the project's, and the defaults its add-ons register."""
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    addons = settings.getdict("ADDONS")
    first = min(addons, key=addons.get)
    assert first == "crawler.defaults.Defaults"  # first: the others read what it registers
    load_object(first)().update_settings(settings)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 0.5 <= settings.getfloat("DOWNLOAD_DELAY") <= 2
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert "baothanhhoa-party-crawler" in settings.get("USER_AGENT")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024
    assert not settings.getbool("DOWNLOAD_FAIL_ON_DATALOSS")
    assert settings.get("SQLITE_DB") == "data/baothanhhoa.db"


@pytest.mark.parametrize(("value", "expected"), [("auto", 4), ("AUTO ", 4), ("0", 0), (2, 2), ("3", 3)])
def test_worker_count(value, expected, monkeypatch, tmp_path):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert worker_count(value, tmp_path) == expected  # tmp_path: a cgroup with no quota


@pytest.mark.parametrize("value", ["many", "1.5", "", None])
def test_a_bad_worker_count_says_what_is_wanted(value):
    with pytest.raises(ValueError, match="WORKER_PROCESSES must be a number or 'auto'"):
        worker_count(value)


@pytest.mark.parametrize(("value", "expected"), [(10, 10), ("0", 0), ("19", 19), (" 5 ", 5), (5.0, 5)])
def test_worker_niceness(value, expected):
    assert worker_niceness(value) == expected


@pytest.mark.parametrize("value", ["-1", "20", "low", "2.5", 2.5, "", None])
def test_a_bad_worker_niceness_says_what_is_wanted(value):
    with pytest.raises(ValueError, match="WORKER_NICENESS must be a whole number from 0 to 19"):
        worker_niceness(value)


@pytest.mark.parametrize(
    ("files", "quota", "workers"),
    [
        ({"cpu.max": "max 100000\n"}, None, 4),  # cgroup v2, no limit
        ({"cpu.max": "150000 100000\n"}, 1.5, 2),  # cgroup v2, one and a half CPUs
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None, 4),  # v1, no limit
        ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1.0, 1),  # v1, one CPU
        ({"cpu.max": "800000 100000\n"}, 8.0, 4),  # a quota above the cores: the cores
        ({"cpu.max": "garbage"}, None, 4),
        ({}, None, 4),  # no cgroup files at all
    ],
)
def test_a_container_s_cpu_quota_bounds_auto_workers(tmp_path, monkeypatch, files, quota, workers):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cpu_quota(tmp_path) == quota
    assert worker_count("auto", tmp_path) == workers
