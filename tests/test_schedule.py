"""The scheduled-run wrapper: a lock so two runs never overlap, a log file, an honest exit status."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from demo.server import PROJECT_ROOT
from tests.support import rows

SCRIPT = PROJECT_ROOT / "deploy" / "run-crawl.sh"
LOCAL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RENDER_ENABLED=false"]


def run(tmp_path, *args):
    env = {
        "PATH": "/usr/bin:/bin",
        "CRAWL_LOCK": str(tmp_path / "crawl.lock"),
        "CRAWL_LOG": str(tmp_path / "crawl.log"),
        "CRAWL_SCRAPY": str(Path(sys.executable).parent / "scrapy"),
    }
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_second_run_does_not_start_while_one_holds_the_lock(tmp_path, site):
    with open(tmp_path / "crawl.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run(tmp_path, "-a", f"base_url={site[0]}", "-s", f"SQLITE_DB={tmp_path / 'db'}", *LOCAL)
    assert result.returncode == 75
    assert site[1].requests == []


def test_a_scheduled_run_logs_to_a_file_and_exits_with_the_crawl_status(tmp_path, site):
    result = run(tmp_path, "-a", f"base_url={site[0]}", "-s", f"SQLITE_DB={tmp_path / 'db'}", *LOCAL)
    assert result.returncode == 0, (tmp_path / "crawl.log").read_text()[-2000:]
    log = (tmp_path / "crawl.log").read_text()
    assert "scrapy crawl baothanhhoa" in log and "Spider closed (finished)" in log
    assert rows(tmp_path / "db", "select health from crawl_runs") == [{"health": "ok"}]
    bad = run(tmp_path, "-a", "sections=nope", "-s", f"SQLITE_DB={tmp_path / 'db'}")
    assert bad.returncode == 2
