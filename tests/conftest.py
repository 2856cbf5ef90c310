"""Fixtures only; the helpers the tests share are in tests/support.py."""

import faulthandler
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.server import SAMPLE_SITE, SiteState, serve
from tests.support import load_gold, run_crawl


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return load_gold()


@pytest.fixture(scope="session")
def sample_crawl(tmp_path_factory) -> tuple[Path, SiteState, subprocess.CompletedProcess]:
    """One crawl of the sample site's two sections, as `make demo` runs it, shared by every test that
    only reads what it stored (a test that changes the database or the site runs its own)."""
    with serve(SAMPLE_SITE) as (base_url, state):
        db = tmp_path_factory.mktemp("sample-crawl") / "crawl.db"
        result = run_crawl(base_url, db, sections="xay-dung-dang,chinh-tri")
    assert result.returncode == 0, result.stderr[-3000:]
    return db, state, result


@pytest.fixture
def site() -> Iterator[tuple[str, SiteState]]:
    with serve(SAMPLE_SITE) as served:
        yield served


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, SiteState]]:
    """A second server on another loopback address: the off-site host nothing may reach."""
    with serve(SAMPLE_SITE, host="127.0.0.2") as served:
        yield served


# Tests that serve the sample site and run whole crawls in subprocesses: `make quick` leaves them out.
SLOW_FIXTURES = frozenset({"site", "elsewhere", "sample_crawl", "crawled", "crawled_once", "crawled_demo"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# A session must also end: should something keep the process alive once the tests are done (a
# thread, a child it waits for), every thread's stack is printed and it exits 1 after this many
# seconds, rather than holding CI until CI's own limit with nothing said.
EXIT_DEADLINE = float(os.environ.get("TESTS_EXIT_DEADLINE", "120"))


def pytest_unconfigure(config: pytest.Config) -> None:
    # Only when pytest is the program: a tool that runs pytest.main() in its own process goes on.
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if (spec is not None and spec.name.split(".")[0] == "pytest") or Path(sys.argv[0]).name in ("pytest", "py.test"):
        faulthandler.dump_traceback_later(EXIT_DEADLINE, exit=True, file=sys.__stderr__)
