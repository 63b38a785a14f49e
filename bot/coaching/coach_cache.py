"""The built offline Coach on disk: a new process loads it (a fraction of a second) instead of building it.

Building the coach (lessons, search indexes, the kind model, the spelling dictionaries) takes seconds, and
every `crmcoach` command, web and worker process does it. Everything the coach holds is read-only once built,
so one pickled copy serves them all. The file's key covers whatever could make a loaded coach differ from a
built one: the content fingerprint (shared.py: lessons, kinds, coach terms) and the code key. The code key
is taken once, when this module is imported: the source of bot/coaching, bot/i18n.py and bot/paths.py
(the languages and where prompts/ is), where it is installed (lessons remember their file's path), Python's
version and the versions of the libraries whose objects are in the pickle. A key that does not match is a
miss, and the coach is built (and written) again.

A process writes only while the code on disk is still the code it imported: after an in-place upgrade an
old process would otherwise store a coach made by its old classes where new processes look for theirs.
A loaded coach must also answer one fixed question exactly as it did when it was stored, or it is not used.

Pickle runs code from the file it loads, so only files this module wrote are read: from its own folder
(made 0700), owned by this user and writable by nobody else, with a checksum over the pickled bytes that
must match before anything is unpickled. A file that fails any of this, a folder that cannot be read or
written, or a coach that fails to load is logged (a warning once per process, then at DEBUG) and the coach
is built instead: the cache only ever saves time, load() and store() never raise. Writes go to a temporary
file that is then renamed, so a reader never sees half a file. Nothing is written next to the code.

Several installs (code folders or Python environments) may share one folder: each names its file after its
install id and removes only its own older files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from bot.coaching.coach import Coach

log = logging.getLogger(__name__)

FORMAT = b"crmcoach coach cache 2\n"  # the header's first line; a new layout gets a new number
PREFIX, SUFFIX = "coach-", ".pickle"
SOURCE_DIR = Path(__file__).parent  # bot/coaching: its code is what built the pickled objects
BOT_DIR = SOURCE_DIR.parent
# Outside bot/coaching, the modules whose values shape a built coach (its languages, where prompts/ is).
SHARED_MODULES = ("i18n.py", "paths.py")
# The distributions whose classes are in the pickle (or shape what the coach computes).
LIBRARIES = ("crmcoach", "numpy", "scipy", "bm25s", "PyStemmer", "pyspellchecker", "PyYAML")
CHECKSUM_SIZE = 32
ABANDONED_SECONDS = 3600  # no write takes this long
# Asked of every coach before it is stored and after it is loaded: the two answers must be the same.
PROBE_QUESTION = "how do I run a weekly pipeline review?"


class CacheFileError(Exception):
    """The file is not one this module wrote for this key; the message says why."""


def source_fingerprint(root: Path = BOT_DIR) -> str:
    """A hash of the Python files under root/coaching and root's shared modules (names and bytes)."""
    digest = hashlib.blake2b(digest_size=16)
    paths = [*sorted((root / "coaching").glob("*.py")), *(root / name for name in SHARED_MODULES)]
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """What on disk decides how a coach is built and unpickled: the source, its place, the versions."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (str(SOURCE_DIR), sys.version, source_fingerprint(), *map(_version, LIBRARIES)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return f"{distribution}={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return f"{distribution}=none"


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _code_at_import() -> str:
    try:
        return code_fingerprint()
    except OSError as error:  # a key that matches nothing: every load misses, no store passes its check
        log.warning("coach cache: cannot read the source (%s); the coach is built every time", _reason(error))
        return f"unreadable-{os.urandom(8).hex()}"


CODE_KEY = _code_at_import()  # the code this process runs, whatever is on disk later
# This install (code folder and Python environment): its files are named after it, others' are left alone.
INSTALL_ID = hashlib.blake2b(f"{SOURCE_DIR}\0{sys.prefix}".encode(), digest_size=6).hexdigest()

_reported: set[str] = set()  # what was logged as a warning once in this process


def cache_key(content_fingerprint: str) -> str:
    """A hash of the content fingerprint and the code this process imported."""
    return hashlib.blake2b(f"{content_fingerprint}\0{CODE_KEY}".encode(), digest_size=16).hexdigest()


class CoachCache:
    """One folder of cached coaches; load() and store() never raise (a failure means: build it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{PREFIX}{INSTALL_ID}-{key}{SUFFIX}"

    def load(self, key: str) -> Coach | None:
        """The coach stored under `key`, or None when there is none or it cannot be used (logged)."""
        path = self.path(key)
        started = time.perf_counter()
        try:
            payload = _payload(path, key)
        except FileNotFoundError:
            log.debug("coach cache: no coach stored for this content and code yet (%s)", path)
            return None
        except Exception as error:  # an unreadable folder or a foreign file: built instead, never a crash
            _cannot_use(path, error)
            return None
        try:
            coach = _working_coach(payload)
        except Exception as error:  # written by other code, or its coach does not work with this one
            _cannot_use(path, error)
            return None
        log.debug("coach cache: loaded %s in %.2f s", path, time.perf_counter() - started)
        return coach

    def store(self, key: str, coach: Coach) -> None:
        """Write `coach` under `key` (atomically), remove this install's older files; failures are logged."""
        if not _code_unchanged():
            return
        try:
            payload = pickle.dumps((coach, _probe(coach)), protocol=pickle.HIGHEST_PROTOCOL)
            self._write(key, payload)
        except Exception as error:  # a full disk or a read-only folder costs time, not the answer
            _warn_once(
                f"{self.folder} {type(error).__name__}",
                "cannot write to %s (%s); the next start builds the coach again",
                self.folder,
                _reason(error),
            )
            return
        log.info("coach cache: stored %s (%.1f MB)", self.path(key), len(payload) / 1e6)
        try:
            self._remove_older(key)
        except Exception as error:  # another process removed them first, or the folder went read-only
            _warn_once(
                f"{self.folder} {type(error).__name__}",
                "cannot tidy %s (%s)",
                self.folder,
                _reason(error),
            )

    def _write(self, key: str, payload: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_owned(self.folder)
        checksum = hashlib.blake2b(payload, digest_size=CHECKSUM_SIZE).digest()
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".coach-", suffix=".tmp")  # 0600
        try:
            # No fsync (a second on a busy disk): a file a crash left half-written fails its checksum.
            with os.fdopen(handle, "wb") as file:
                file.write(FORMAT + key.encode() + b"\n" + checksum)
                file.write(payload)
            Path(temporary).replace(self.path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _remove_older(self, key: str) -> None:
        """This install's coaches of older content or code are never read again (a process that has one
        open keeps it). A temporary file an hour old, whoever wrote it, was left by a writer that died."""
        for other in self.folder.glob(f"{PREFIX}{INSTALL_ID}-*{SUFFIX}"):
            if other != self.path(key):
                other.unlink(missing_ok=True)
        for temporary in self.folder.glob(".coach-*.tmp"):
            if time.time() - temporary.stat().st_mtime > ABANDONED_SECONDS:
                temporary.unlink(missing_ok=True)


def _code_unchanged() -> bool:
    """True while the code on disk is the code this process imported (an upgrade replaces it under us)."""
    try:
        unchanged = code_fingerprint() == CODE_KEY
    except Exception:  # unreadable now: it cannot be shown to be ours
        unchanged = False
    if not unchanged:
        _warn_once(
            "stale code",
            "the code on disk is not the code this process started with (upgraded since?): its coach is "
            "not stored; restart the process to run the new code",
        )
    return unchanged


def _probe(coach: Coach) -> tuple[str, tuple[str, ...]]:
    """The kind of the fixed question and the lessons that answer it, from what the pickle holds (the
    answer's wording comes from the running code and the message files): a coach whose objects do not fit
    the code that loaded them fails here or finds other lessons."""
    answer = coach.answer(PROBE_QUESTION, language="en", stats=None, offline=True)
    return coach.classifier.classify(PROBE_QUESTION).kind, tuple(lesson.id for lesson in answer.lessons)


def _working_coach(payload: bytes) -> Coach:
    stored = pickle.loads(payload)  # noqa: S301 - only our own, checksummed files
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], Coach)):
        raise CacheFileError(f"holds a {type(stored).__name__}, not a Coach")
    coach: Coach = stored[0]
    answered = stored[1]
    if _probe(coach) != answered:
        raise CacheFileError("its coach answers differently than when it was stored")
    return coach


def _payload(path: Path, key: str) -> bytes:
    """The pickled bytes of `path`, once the folder, the file, its header and its checksum check out."""
    _check_owned(path.parent)
    _check_owned(path)
    data = path.read_bytes()
    expected = FORMAT + key.encode() + b"\n"
    if not data.startswith(expected):
        raise CacheFileError("written by another version or for another key")
    checksum = data[len(expected) : len(expected) + CHECKSUM_SIZE]
    payload = data[len(expected) + CHECKSUM_SIZE :]
    if hashlib.blake2b(payload, digest_size=CHECKSUM_SIZE).digest() != checksum:
        raise CacheFileError("truncated or corrupt: the checksum does not match")
    return payload


def _check_owned(path: Path) -> None:
    """Ours alone: not a symlink, owned by this user, writable by nobody else."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise CacheFileError(f"{path} is a symbolic link")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise CacheFileError(f"{path} belongs to another user")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheFileError(f"{path} is writable by others")


def _cannot_use(path: Path, error: Exception) -> None:
    _warn_once(
        f"{path.parent} {type(error).__name__}",
        "cannot use %s (%s); building the coach instead",
        path,
        _reason(error),
    )


def _warn_once(topic: str, message: str, *args: object) -> None:
    """A warning the first time, DEBUG after. The topic is the folder and the kind of error: a folder that
    cannot be read cannot be written either, and every rebuild (or container of a process) would repeat it."""
    level = logging.DEBUG if topic in _reported else logging.WARNING
    _reported.add(topic)
    log.log(level, "coach cache: " + message, *args)
