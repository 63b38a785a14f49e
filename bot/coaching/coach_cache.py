"""The built offline Coach on disk: a new process loads it (a fraction of a second) instead of building it.

Building the coach (lessons, search indexes, the kind model, the spelling dictionaries) takes seconds, and
every `crmcoach` command, web and worker process does it. Everything the coach holds is read-only once built,
so one pickled copy serves them all. The file's key covers whatever could make a loaded coach differ from a
built one: the content fingerprint (shared.py: lessons, kinds, coach terms), the installed package's
version, the source of bot/coaching and where it is installed (lessons remember their file's path),
Python's version and the versions of the libraries whose objects are in the pickle. A key that does not
match is a miss, and the coach is built (and written) again.

Pickle runs code from the file it loads, so only files this module wrote are read: from its own folder
(made 0700), owned by this user and writable by nobody else, with a checksum over the pickled bytes that
must match before anything is unpickled. A file that fails any of this, or fails to load, is logged and
the coach is built instead: the cache only ever saves time. Writes go to a temporary file that is then
renamed, so a reader never sees half a file. Nothing is written next to the code (site-packages).
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

FORMAT = b"crmcoach coach cache 1\n"  # the header's first line; a new layout gets a new number
PREFIX, SUFFIX = "coach-", ".pickle"
SOURCE_DIR = Path(__file__).parent  # bot/coaching: its code is what built the pickled objects
# The distributions whose classes are in the pickle (or shape what the coach computes).
LIBRARIES = ("crmcoach", "numpy", "scipy", "bm25s", "PyStemmer", "pyspellchecker", "PyYAML")
CHECKSUM_SIZE = 32
ABANDONED_SECONDS = 3600  # no write takes this long


class CacheFileError(Exception):
    """The file is not one this module wrote for this key; the message says why."""


def cache_key(content_fingerprint: str) -> str:
    """A hash of the content fingerprint, the code and the versions that built the coach."""
    digest = hashlib.blake2b(digest_size=16)
    code = (str(SOURCE_DIR), source_fingerprint())
    for part in (content_fingerprint, sys.version, *code, *map(_version, LIBRARIES)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def source_fingerprint(directory: Path = SOURCE_DIR) -> str:
    """A hash of bot/coaching's Python files (names and bytes): an edited module misses the cache."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(directory.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class CoachCache:
    """One folder of cached coaches; load() and store() never raise (a failure means: build it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{PREFIX}{key}{SUFFIX}"

    def load(self, key: str) -> Coach | None:
        """The coach stored under `key`, or None when there is none or it cannot be used (logged)."""
        path = self.path(key)
        if not path.exists():
            log.debug("coach cache: no coach stored for this content and code yet (%s)", path)
            return None
        started = time.perf_counter()
        try:
            coach = pickle.loads(_payload(path, key))  # noqa: S301 - only our own, checksummed files
            if not isinstance(coach, Coach):
                raise CacheFileError(f"holds a {type(coach).__name__}, not a Coach")
        except Exception as error:  # any unusable file: the coach is built instead, never a crash
            log.warning("coach cache: cannot use %s (%s); building the coach instead", path, _reason(error))
            return None
        log.debug("coach cache: loaded %s in %.2f s", path, time.perf_counter() - started)
        return coach

    def store(self, key: str, coach: Coach) -> None:
        """Write `coach` under `key` (atomically) and remove the files of other keys; failures are logged."""
        try:
            payload = pickle.dumps(coach, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _check_owned(self.folder)
            header = (
                FORMAT + key.encode() + b"\n" + hashlib.blake2b(payload, digest_size=CHECKSUM_SIZE).digest()
            )
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".coach-", suffix=".tmp")  # 0600
            try:
                # No fsync (a second on a busy disk): a file a crash left half-written fails its checksum.
                with os.fdopen(handle, "wb") as file:
                    file.write(header)
                    file.write(payload)
                Path(temporary).replace(self.path(key))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except Exception as error:  # a full disk or a read-only folder costs time, not the answer
            log.warning(
                "coach cache: cannot write to %s (%s); the next start builds the coach again",
                self.folder,
                _reason(error),
            )
            return
        log.info("coach cache: stored %s (%.1f MB)", self.path(key), len(payload) / 1e6)
        try:
            self._remove_others(key)
        except OSError as error:  # another process removed them first, or the folder went read-only
            log.warning("coach cache: cannot tidy %s (%s)", self.folder, _reason(error))

    def _remove_others(self, key: str) -> None:
        """Coaches of older content or code are never read again (a process that has one open keeps it);
        a temporary file an hour old was left by a writer that died."""
        for other in self.folder.glob(f"{PREFIX}*{SUFFIX}"):
            if other != self.path(key):
                other.unlink(missing_ok=True)
        for temporary in self.folder.glob(".coach-*.tmp"):
            if time.time() - temporary.stat().st_mtime > ABANDONED_SECONDS:
                temporary.unlink(missing_ok=True)


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


def _version(distribution: str) -> str:
    try:
        return f"{distribution}={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return f"{distribution}=none"


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
