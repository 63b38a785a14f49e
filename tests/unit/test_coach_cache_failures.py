"""The coach cache only ever saves time (coaching/coach_cache.py): a folder that cannot be read or written,
a symlink, another user's file or an upgrade under a running process each mean "build the coach", logged
once, and never a crash or a coach made by other code. Real files and permissions throughout: as root,
whom permissions do not stop, the checks run in a forked child that became an ordinary user."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from bot.coaching import coach_cache, shared
from bot.coaching.coach import Coach
from bot.coaching.coach_cache import BOT_DIR, CoachCache, cache_key
from bot.coaching.shared import content_fingerprint, shared_coach
from bot.config import Settings
from bot.container import build_coach

NOBODY = 65534  # an ordinary user for the child of a root test run
Result = TypeVar("Result")
LOGGER = "bot.coaching.coach_cache"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """shared_coach() forgets the process's coach for this test (the session's is back afterwards)."""
    monkeypatch.setattr(shared, "_built", {})


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A temporary folder other users can reach (pytest's tmp_path is not, when it belongs to root)."""
    folder = Path(tempfile.mkdtemp(prefix="crmcoach-test-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(folder)


def as_ordinary_user(action: Callable[[], Result]) -> Result:
    """`action()` where file permissions apply: here, or as root in a forked child running as NOBODY."""
    if not hasattr(os, "fork"):
        pytest.skip("POSIX file permissions and fork are needed")
    if os.geteuid() != 0:
        return action()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the result or the error, and never return into pytest
        outcome: tuple[str, object] = ("error", "no result")
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = ("result", action())
        except BaseException as error:
            outcome = ("error", repr(error))
        finally:
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(outcome))
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        pytest.fail(f"in the child running as an ordinary user: {value}")
    return value  # type: ignore[no-any-return]


def owned_by_the_ordinary_user(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, NOBODY, NOBODY)


@pytest.mark.parametrize("locked", ["the folder", "a folder above it"])
def test_a_folder_that_cannot_be_searched_is_a_miss_not_a_crash(
    locked: str, coach: Coach, open_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    above = open_folder / "home"
    cache = CoachCache(above / "cache")
    key = cache_key(content_fingerprint())
    cache.store(key, coach)
    owned_by_the_ordinary_user(above, cache.folder)
    (cache.folder if locked == "the folder" else above).chmod(0)  # e.g. HOME=/root for another uid

    def load_and_store() -> tuple[bool, list[str], str]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=LOGGER):
            missed = cache.load(key) is None
            cache.store(key, coach)
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        return missed, warnings, caplog.text

    missed, warnings, logged = as_ordinary_user(load_and_store)

    assert missed
    assert len(warnings) == 1  # the folder is unusable: said once per process, not for reading and writing
    assert f"cannot use {cache.path(key)} (PermissionError" in warnings[0]
    assert f"cannot write to {cache.folder} (PermissionError" in logged  # at DEBUG


def test_a_folder_that_cannot_be_written_is_logged_once_and_nothing_is_stored(
    coach: Coach, open_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CoachCache(open_folder / "read-only")
    cache.folder.mkdir(mode=0o500)
    owned_by_the_ordinary_user(cache.folder)
    key = cache_key(content_fingerprint())

    def store_twice() -> tuple[list[str], list[str]]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=LOGGER):
            cache.store(key, coach)
            cache.store(key, coach)  # the next rebuild in the same process
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        return warnings, [path.name for path in cache.folder.iterdir()]

    warnings, files = as_ordinary_user(store_twice)

    assert len(warnings) == 1 and f"cannot write to {cache.folder} (PermissionError" in warnings[0]
    assert files == []


def test_when_the_cache_cannot_be_written_the_coach_is_built_and_answers(
    fresh: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    taken = tmp_path / "a-file"  # the configured folder is a file: no permission stops root here
    taken.write_text("not a folder")

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        coach = shared_coach(cache=CoachCache(taken))

    assert coach.answer("how do I run a pipeline review?", language="en", stats=None).lessons
    assert f"cannot write to {taken}" in caplog.text
    assert taken.read_text() == "not a folder"


@pytest.mark.parametrize("linked", ["folder", "file"])
def test_a_symbolic_link_is_never_read_or_written_through(
    linked: str, coach: Coach, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    real = CoachCache(tmp_path / "real")
    key = cache_key(content_fingerprint())
    real.store(key, coach)
    if linked == "folder":
        cache = CoachCache(tmp_path / "link")
        cache.folder.symlink_to(real.folder)
    else:
        cache = CoachCache(tmp_path / "own")
        cache.folder.mkdir(mode=0o700)
        cache.path(key).symlink_to(real.path(key))
    before = real.path(key).stat().st_mtime_ns

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        loaded = cache.load(key)
        if linked == "folder":
            cache.store(key, coach)

    assert loaded is None
    assert "is a symbolic link" in caplog.text
    assert [path.name for path in real.folder.iterdir()] == [real.path(key).name]
    assert real.path(key).stat().st_mtime_ns == before  # nothing written through the link


@pytest.mark.parametrize("foreign", ["folder", "file"])
def test_a_folder_or_file_of_another_user_is_never_read_or_written(
    foreign: str, coach: Coach, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    cache = CoachCache(tmp_path / "cache")
    key = cache_key(content_fingerprint())
    cache.store(key, coach)
    os.chown(cache.folder if foreign == "folder" else cache.path(key), NOBODY, NOBODY)
    before = cache.path(key).stat().st_mtime_ns

    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        loaded = cache.load(key)
        cache.store(key, coach)

    assert loaded is None
    assert (
        f"{cache.folder if foreign == 'folder' else cache.path(key)} belongs to another user" in caplog.text
    )
    if foreign == "folder":  # nothing written into it (logged at DEBUG: the load's warning said why)
        assert f"cannot write to {cache.folder}" in caplog.text
        assert cache.path(key).stat().st_mtime_ns == before


def test_no_home_folder_turns_the_cache_off_with_one_log_line_and_the_app_starts(
    fresh: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # An arbitrary container uid: HOME unset and no passwd entry (the lookup Path.home() falls back on).
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("pwd.getpwuid", _no_passwd_entry)
    monkeypatch.setattr("bot.config_groups._reported", set())
    settings = Settings(_env_file=None, CRMCOACH_COACH_CACHE="true")  # type: ignore[call-arg]

    with caplog.at_level(logging.WARNING, logger="bot.config_groups"):
        first = build_coach(settings)
        build_coach(settings)  # a second container of the same process

    assert first.answer("how do I run a pipeline review?", language="en", stats=None).lessons
    assert [record.getMessage() for record in caplog.records] == [
        "coach cache: off, this user has no home folder (HOME is unset); set CRMCOACH_CACHE_DIR to use it"
    ]


def _no_passwd_entry(uid: int) -> object:
    raise KeyError(f"getpwuid(): uid not found: {uid}")


UPGRADED_UNDER_IT = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(message)s")
import bot
from bot.coaching import coach_cache, shared
from bot.paths import PROMPTS_DIR
assert Path(bot.__file__).parent == Path.cwd() / "bot", bot.__file__  # the copy, not the checkout
if sys.argv[2] == "upgrade":  # a deploy lands while the process runs: new code and new lessons
    for path in (coach_cache.SOURCE_DIR / "analysis.py", next((PROMPTS_DIR / "lessons" / "en").glob("*.md"))):
        path.write_text(path.read_text(encoding="utf-8") + "\\n<!-- upgraded -->\\n" * (path.suffix == ".md")
                        + "\\n# upgraded\\n" * (path.suffix == ".py"), encoding="utf-8")
coach = shared.shared_coach(cache=coach_cache.CoachCache(Path(sys.argv[1])))
print(coach.answer("how do I run a pipeline review?", language="en", stats=None).lessons[0].id)
print(coach_cache.INSTALL_ID)
"""


def test_a_process_upgraded_under_it_stores_nothing_and_installs_keep_their_files(
    coach: Coach, tmp_path: Path
) -> None:
    install = tmp_path / "install"  # another install of the same code: the copy is upgraded in place
    shutil.copytree(BOT_DIR, install / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(BOT_DIR.parent / "prompts", install / "prompts")
    folder = tmp_path / "cache"
    ours = CoachCache(folder)
    ours.store(cache_key(content_fingerprint()), coach)

    def run(step: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "PYTHONPATH": str(install), "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run(
            [sys.executable, "-c", UPGRADED_UNDER_IT, str(folder), step],
            cwd=install,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )

    old = run("upgrade")  # imported the old code, built after the new one landed on disk

    assert old.stdout.split()[0]  # it still answers
    assert "the code on disk is not the code this process started with" in old.stderr
    assert [path.name for path in folder.iterdir()] == [ours.path(cache_key(content_fingerprint())).name]

    new = run("start")  # a process started after the upgrade stores its coach; ours stays
    theirs = new.stdout.split()[1]

    assert "coach cache: stored" in new.stderr
    assert theirs != coach_cache.INSTALL_ID
    names = sorted(path.name for path in folder.iterdir())
    assert len(names) == 2 and ours.path(cache_key(content_fingerprint())).name in names
    assert any(name.startswith(f"coach-{theirs}-") for name in names)
    assert "coach cache:" not in run("start").stderr  # a third process loads it (logged at DEBUG only)
