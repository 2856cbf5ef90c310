"""The test session itself: one that cannot exit says why, and fails."""

import os
import subprocess
import sys

from demo.server import PROJECT_ROOT

HELD_OPEN = """
import threading, time

def test_leaves_a_thread_that_never_ends():
    threading.Thread(target=time.sleep, args=(3600,), name="never-ends").start()
"""


def test_a_session_that_cannot_exit_prints_its_threads_and_fails(tmp_path):
    (tmp_path / "test_held_open.py").write_text(HELD_OPEN)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TESTS_EXIT_DEADLINE": "2"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider", "--rootdir",
         str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "1 passed" in result.stdout
    assert result.returncode == 1
    assert "Timeout (0:00:02)!" in result.stderr  # (a warning may come first)
    assert "in _shutdown" in result.stderr  # the main thread, waiting at exit for the one that holds it
