"""The offline Coach, built once per process and per content of the lesson files.

Building it (lessons, vocabulary, search indexes, the classifier's word lists) takes seconds, and every
`crmcoach` command, web process and worker process builds a container. Everything the Coach holds is
read-only once built, so one instance serves every container and thread of a process. The key is a hash
of the files under prompts/lessons, prompts/kinds (term lists, the kind model's examples) and prompts/coach:
a file edited while a process runs is seen by the next build.

With a CoachCache (coach_cache.py), a process loads the coach another one built for the same content and
code from disk instead of building it again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from bot.coaching.asked import forget_terms
from bot.coaching.asked_model import forget_metric_model, metric_model
from bot.coaching.coach import AnswerWriter, Coach
from bot.coaching.coach_cache import CoachCache, cache_key
from bot.coaching.kind_lists import term_lists
from bot.coaching.language import warm_up
from bot.coaching.lessons import LESSONS_DIR, LessonLibrary
from bot.paths import PROMPTS_DIR

log = logging.getLogger(__name__)

# Every folder the coach reads its content from when it is built.
CONTENT_DIRS = (LESSONS_DIR, PROMPTS_DIR / "kinds", PROMPTS_DIR / "coach")

_lock = threading.Lock()
_built: dict[str, Coach] = {}  # at most one entry: the coach for the files as they are now


def lessons_fingerprint(directory: Path = LESSONS_DIR) -> str:
    """A hash of every file's name and bytes under `directory` (a few milliseconds)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(path for path in directory.rglob("*") if path.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def content_fingerprint(directories: tuple[Path, ...] = CONTENT_DIRS) -> str:
    """A hash of the files under every folder the coach is built from."""
    return "-".join(lessons_fingerprint(directory) for directory in directories if directory.is_dir())


def shared_coach(writer: AnswerWriter | None = None, *, cache: CoachCache | None = None) -> Coach:
    """The process's coach for the shipped lessons, answering through `writer` (the LLM) when given;
    loaded from `cache` when it holds one for these files and this code, else built (and stored there).

    Raises LessonError for invalid lesson files (and builds again on the next call)."""
    key = content_fingerprint()
    with _lock:  # two threads starting at once build it once
        coach = _built.get(key)
        if coach is None:
            if _built:  # the files changed: the term lists are read again too
                term_lists.cache_clear()
                forget_terms()
                forget_metric_model()
            coach = _loaded_or_built(key, cache)
            _built.clear()
            _built[key] = coach
    return coach if writer is None else coach.with_writer(writer)


def _loaded_or_built(content_key: str, cache: CoachCache | None) -> Coach:
    key = cache_key(content_key) if cache is not None else ""
    loaded = cache.load(key) if cache is not None else None
    if loaded is not None:
        warm_up()  # as a built coach does: the language models are not in the file (a Rust object)
        metric_model()  # nor is the asked-metric model (module-level, learned in about a second)
        return loaded
    coach = Coach(library=LessonLibrary.load())
    if cache is None:
        return coach
    if content_fingerprint() == content_key:
        cache.store(key, coach)
    else:  # it may hold some of the new files: not for the old key (the next call builds for the new one)
        log.info("coach cache: lesson or term files changed while the coach was built; not storing it")
    return coach
