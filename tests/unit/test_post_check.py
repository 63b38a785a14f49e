"""The session-wide check in tests/conftest.py: a test whose Slack stand-in received a chat.postMessage
without an idempotency key in its metadata fails, whatever else it asserts."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.conftest import CHECK_EVERY_POST

# posts "one", "two"
UNKEYED_POSTS = "tests/unit/slack_standin/test_api.py::test_declared_channels_take_posts"


def _run(test: str, project_root: Path, *, check_every_post: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != CHECK_EVERY_POST}
    if check_every_post:
        env[CHECK_EVERY_POST] = "1"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", test]
    return subprocess.run(
        command, check=False, cwd=project_root, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_post_without_an_idempotency_key_fails_the_test(project_root: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # two pytest runs that wait mostly on start-up
        checking = pool.submit(_run, UNKEYED_POSTS, project_root, check_every_post=True)
        exempting = pool.submit(_run, UNKEYED_POSTS, project_root, check_every_post=False)
        checked, exempt = checking.result(), exempting.result()

    assert checked.returncode == 1, checked.stdout
    assert "2 chat.postMessage call(s) without an idempotency key: ['one', 'two']" in checked.stdout
    assert exempt.returncode == 0, exempt.stdout  # the stand-in's own tests are marked and pass
