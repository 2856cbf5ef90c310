from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo import crawl_command
from crawler.sampleserver import PROJECT_ROOT, SAMPLE_SITE, SiteState, serve

TESTS = Path(__file__).resolve().parent
GOLD_DEV = TESTS / "gold" / "dev.jsonl"


def load_gold(path: Path = GOLD_DEV) -> dict[str, dict]:
    return {
        str(d["id"]): d for d in (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    }


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return load_gold()


@pytest.fixture
def site() -> Iterator[tuple[str, SiteState]]:
    with serve(SAMPLE_SITE) as served:
        yield served


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, SiteState]]:
    """A second server on another loopback address: the off-site host nothing may reach."""
    with serve(SAMPLE_SITE, host="127.0.0.2") as served:
        yield served


def run_crawl(
    base_url: str, db: Path, *, timeout: int = 120, settings: dict[str, str] | None = None, **spider_args: str
) -> subprocess.CompletedProcess:
    """A whole `scrapy crawl` in a subprocess, as a user runs it."""
    cmd = crawl_command(base_url, db, spider_args=spider_args, settings={"LOG_LEVEL": "INFO", **(settings or {})})
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False)
