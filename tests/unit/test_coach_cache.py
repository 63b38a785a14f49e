"""The built coach cached on disk (coaching/coach_cache.py): a loaded coach answers exactly like a built one,
new content or code misses the cache, a damaged file or one whose coach does not answer as it did is rebuilt
with a log line, installs sharing a folder keep their own files, and a disabled cache writes nothing.
(Unreadable folders, failed writes, symlinks, other users' files, upgrades: test_coach_cache_failures.py.)"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from bot.coaching import shared
from bot.coaching.coach import Coach
from bot.coaching.coach_cache import (
    BOT_DIR,
    INSTALL_ID,
    PROBE_QUESTION,
    SHARED_MODULES,
    CoachCache,
    cache_key,
    source_fingerprint,
)
from bot.coaching.lessons import LESSONS_DIR
from bot.coaching.shared import CONTENT_DIRS, content_fingerprint, shared_coach
from bot.config import ConfigError, Settings
from bot.container import build_coach
from bot.crm.base import ManagerStats

# Every kind, both languages, typos and a German compound: each path a loaded coach must answer the same.
QUESTIONS = (
    ("how do I get my reps to log their calls without nagging?", "en"),
    ("half my team's deals have no next step, what now?", "en"),
    ("how many deals are overdue?", "en"),
    ("where do I click in HubSpot's report builder?", "en"),
    ("pause the messages until next month", "en"),
    ("who won the game last night?", "en"),
    ("asdf jkl qwer", "en"),
    ("Wie bringe ich mein Team dazu, die Abschlusstermine aktuell zu halten?", "de"),
    ("meine Pipline ist voller alter Deals, was tun?", "de"),
    ("Forecastcall jede Woche, aber keiner glaubt den Zahlen", "en"),
)


def _answers(coach: Coach, stats: ManagerStats) -> list[tuple[str, ...]]:
    results = []
    for question, language in QUESTIONS:
        kind = coach.classifier.classify(question)
        answer = coach.answer(question, language=language, stats=stats)  # type: ignore[arg-type]
        results.append((kind.kind, kind.reason, answer.text, answer.language, repr(answer.goal)))
    return results


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """shared_coach() forgets the process's coach for this test (the session's is back afterwards)."""
    monkeypatch.setattr(shared, "_built", {})


def test_a_loaded_coach_answers_exactly_like_the_built_one(
    coach: Coach, anna: ManagerStats, tmp_path: Path
) -> None:
    cache = CoachCache(tmp_path / "cache")
    key = cache_key(content_fingerprint())

    cache.store(key, coach)
    loaded = cache.load(key)

    assert loaded is not None and loaded is not coach
    assert [lesson.id for lesson in loaded.library.lessons] == [lesson.id for lesson in coach.library.lessons]
    assert _answers(loaded, anna) == _answers(coach, anna)
    assert (
        loaded.classifier.classify("i lik my pipline").kind
        == coach.classifier.classify("i lik my pipline").kind
    )


def test_shared_coach_builds_and_stores_once_then_loads(
    fresh: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CoachCache(tmp_path)
    caplog.set_level(logging.DEBUG, logger="bot.coaching.coach_cache")

    built = shared_coach(cache=cache)
    shared._built.clear()  # a new process: nothing built yet
    loaded = shared_coach(cache=cache)

    assert [path.name for path in tmp_path.iterdir()] == [cache.path(cache_key(content_fingerprint())).name]
    assert loaded is not built
    assert "stored" in caplog.text and "loaded" in caplog.text
    question = "what should my weekly pipeline review look like?"
    assert loaded.answer(question, language="en", stats=None) == built.answer(
        question, language="en", stats=None
    )


def test_a_changed_lesson_file_or_source_file_misses_the_cache(coach: Coach, tmp_path: Path) -> None:
    copies = tuple(
        shutil.copytree(folder, tmp_path / str(number)) for number, folder in enumerate(CONTENT_DIRS)
    )
    cache = CoachCache(tmp_path / "cache")
    key = cache_key(content_fingerprint(copies))
    cache.store(key, coach)
    assert key == cache_key(content_fingerprint()) and cache.load(key) is not None

    lesson = next((copies[0] / "en").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("the", "a", 1), encoding="utf-8")
    edited = cache_key(content_fingerprint(copies))

    assert edited != key and cache.load(edited) is None
    cache.store(edited, coach)
    assert [path.name for path in cache.folder.iterdir()] == [cache.path(edited).name]  # the old one is gone
    assert copies[0].name == "0" and CONTENT_DIRS[0] == LESSONS_DIR
    source = tmp_path / "bot"
    shutil.copytree(BOT_DIR / "coaching", source / "coaching", ignore=shutil.ignore_patterns("__pycache__"))
    for name in SHARED_MODULES:
        shutil.copy2(BOT_DIR / name, source / name)
    assert source_fingerprint(source) == source_fingerprint()
    for edited_file in (source / "coaching" / "coach.py", source / "i18n.py"):
        original = edited_file.read_text(encoding="utf-8")
        edited_file.write_text(original + "\n# edited\n", encoding="utf-8")
        assert source_fingerprint(source) != source_fingerprint()
        edited_file.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "not ours"])
def test_a_damaged_cache_file_is_logged_and_the_coach_built_again(
    damage: str, fresh: None, coach: Coach, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CoachCache(tmp_path)
    key = cache_key(content_fingerprint())
    cache.store(key, coach)
    path = cache.path(key)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped byte":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.chmod(0o666)  # anybody could have written it: never unpickled

    with caplog.at_level(logging.WARNING, logger="bot.coaching.coach_cache"):
        rebuilt = shared_coach(cache=cache)

    assert f"cannot use {path}" in caplog.text
    assert rebuilt is not coach
    assert rebuilt.answer("how do I run a pipeline review?", language="en", stats=None).lessons
    if damage != "not ours":  # the rebuilt coach replaced the damaged file
        assert cache.load(key) is not None


@pytest.mark.parametrize("change", ["another answer", "objects of other code"])
def test_a_coach_that_does_not_answer_as_it_did_when_stored_is_not_used(
    change: str, fresh: None, coach: Coach, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CoachCache(tmp_path)
    key = cache_key(content_fingerprint())
    kind = coach.classifier.classify(PROBE_QUESTION).kind
    answer = coach.answer(PROBE_QUESTION, language="en", stats=None)
    lessons = tuple(lesson.id for lesson in answer.lessons)
    if change == "another answer":  # written by code whose coach found other lessons
        stored: tuple[object, ...] = (coach, (kind, lessons[::-1]))
    else:  # its indexes were renamed by the code that wrote it: the first answer would crash
        other = coach.with_writer(None)
        other.__dict__["_old_indexes"] = other.__dict__.pop("_indexes")
        stored = (other, (kind, lessons))
    cache._write(key, pickle.dumps(stored))  # a well-formed file: header, key and checksum are right

    with caplog.at_level(logging.WARNING, logger="bot.coaching.coach_cache"):
        assert cache.load(key) is None
        rebuilt = shared_coach(cache=cache)

    reason = "answers differently" if change == "another answer" else "AttributeError"
    assert f"cannot use {cache.path(key)}" in caplog.text and reason in caplog.text
    assert rebuilt.answer(PROBE_QUESTION, language="en", stats=None) == answer
    assert cache.load(key) is not None  # the rebuilt coach replaced the file


def test_installs_sharing_a_folder_keep_their_own_files(coach: Coach, tmp_path: Path) -> None:
    cache = CoachCache(tmp_path)
    key = cache_key(content_fingerprint())
    others = tmp_path / f"coach-0123456789ab-{key}.pickle"  # another install's (other code or venv)
    older = tmp_path / f"coach-{INSTALL_ID}-{'0' * 32}.pickle"  # this install's, for older content
    writing = tmp_path / ".coach-now.tmp"  # another process is writing it
    abandoned = tmp_path / ".coach-dead.tmp"  # its writer died two hours ago
    for path in (others, older, writing, abandoned):
        path.write_bytes(b"x")
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))

    cache.store(key, coach)

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [".coach-now.tmp", others.name, cache.path(key).name]
    )


def test_a_disabled_cache_never_writes_and_an_enabled_one_does(fresh: None, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    off = Settings(_env_file=None, CRMCOACH_CACHE_DIR=str(folder), CRMCOACH_COACH_CACHE="false")  # type: ignore[call-arg]

    build_coach(off)

    assert not folder.exists()
    shared._built.clear()
    build_coach(off.replaced(CRMCOACH_COACH_CACHE=True))
    assert [path.suffix for path in folder.iterdir()] == [".pickle"]


def test_the_cache_folder_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    def folder(**values: str) -> Path | None:
        values = {"CRMCOACH_COACH_CACHE": "true", **values}
        return Settings(_env_file=None, **values).server.coach_cache_folder()  # type: ignore[call-arg]

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    home = Path.home() / ".cache" / "crmcoach"
    assert folder() == home
    assert folder(CRMCOACH_CACHE_DIR="") == home  # empty (compose, .env) means unset
    assert folder(CRMCOACH_CACHE_DIR="/srv/crmcoach/cache") == Path("/srv/crmcoach/cache")
    assert folder(CRMCOACH_CACHE_DIR="~/coach") == Path.home() / "coach"  # a .env file does not expand ~
    assert folder(CRMCOACH_CACHE_DIR="/srv/crmcoach/cache", CRMCOACH_COACH_CACHE="false") is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/me")
    assert folder() == Path("/var/cache/me/crmcoach")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    assert folder() == home


@pytest.mark.parametrize("value", ["cache", "./cache", "~user-nobody-has/cache"])
def test_a_cache_folder_that_is_not_absolute_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None, CRMCOACH_CACHE_DIR=value)  # type: ignore[call-arg]

    message = str(caught.value)
    assert f"CRMCOACH_CACHE_DIR: {value} " in message and "e.g. /var/cache/crmcoach" in message
