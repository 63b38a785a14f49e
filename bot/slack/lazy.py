"""Where the work after an ack runs: threads of the web process, or worker processes of their own.

`InProcess` runs it on a thread pool next to the listeners (tests, the demo). `WorkerProcesses`
(`crmcoach serve`) hands it to a few processes that build their own container from Settings: CRM,
LLM and rendering work is CPU time under the GIL, and in the web process it would hold up every
other user's ack. Each worker process runs its jobs on threads (most of the wait is network I/O).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.container import Container, build_container
from bot.i18n import Language
from bot.logs import configure_logging
from bot.slack.background import Background
from bot.slack.caller import Caller
from bot.slack.commands import ROUTER
from bot.slack.messages import answer_in_background
from bot.slack.router import Command, run_later

log = logging.getLogger(__name__)
WORKER_PROCESSES = 2
# When CPU is short the web process goes first: an ack costs it about a millisecond and must be back within
# 3 s, while a reply may take a few seconds. At 5 the workers still took a third of the CPU from acks
# under load (ack benchmark p50 1.1-1.2x the bare app's); at 15 they take what the web process leaves.
WORKER_NICENESS = 15


class InProcess:
    def __init__(self, container: Container, background: Background | None = None) -> None:
        self._container = container
        self._background = background or Background()

    def command(self, route_name: str, command: Command, *, first_contact: bool) -> None:
        route = ROUTER.route_named(route_name)
        run_later(route, command, self._background, first_contact=first_contact)

    def direct_message(self, event: dict[str, Any], *, event_id: str, caller: Caller) -> None:
        answer_in_background(self._container, self._background, event, event_id=event_id, caller=caller)


@dataclass(frozen=True, slots=True)
class _CommandJob:
    """A Command without its container: what crosses into a worker process."""

    route_name: str
    first_contact: bool
    caller: Caller
    word: str
    rest: str
    language: Language
    body: dict[str, Any]


SHUTDOWN_GRACE_SECONDS = 8.0


class WorkerProcesses:
    def __init__(self, settings: Settings, *, processes: int = WORKER_PROCESSES) -> None:
        # spawn, not fork: a forked child would share the parent's database connections and locks.
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings,),
        )
        for _ in range(processes):  # start them now, not on the first user's request
            self._pool.submit(_ready).add_done_callback(_report)
        self._replies = 0  # replies submitted and not finished yet
        self._replies_lock = threading.Lock()

    def command(self, route_name: str, command: Command, *, first_contact: bool) -> None:
        job = _CommandJob(
            route_name,
            first_contact,
            command.caller,
            command.word,
            command.rest,
            command.language,
            command.body,
        )
        self._track(self._pool.submit(_run_command, job))

    def direct_message(self, event: dict[str, Any], *, event_id: str, caller: Caller) -> None:
        self._track(self._pool.submit(_run_direct_message, event, event_id, caller))

    def _track(self, reply: Future[None]) -> None:
        with self._replies_lock:
            self._replies += 1
        reply.add_done_callback(self._finished)

    def _finished(self, reply: Future[None]) -> None:
        with self._replies_lock:
            self._replies -= 1
        _report(reply)

    def shutdown(self, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop taking work; replies already being prepared get `grace_seconds` to be sent.

        A worker still starting (or stuck) is then stopped, so the platform's stop never hangs on it.
        """
        with self._replies_lock:
            preparing = self._replies > 0
        self._pool.shutdown(wait=False, cancel_futures=True)
        if not preparing:  # nobody waits for a reply: a worker still starting up is not worth waiting for
            grace_seconds = 0.0
        deadline = time.monotonic() + grace_seconds
        for child in multiprocessing.active_children():
            child.join(max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                if preparing:
                    stop = "worker process %s did not stop within %.0f s; terminating it"
                    log.warning(stop, child.pid, grace_seconds)
                child.terminate()


def _report(future: Future[None]) -> None:
    """A worker process that died (or failed to start) must show in the log; user errors never get here."""
    if not future.cancelled() and (error := future.exception()) is not None:
        log.error("the worker process could not take the job", exc_info=error)


# --- inside a worker process -----------------------------------------------------------------------
_worker: tuple[Container, InProcess] | None = None


def _start_worker(settings: Settings) -> None:
    global _worker  # noqa: PLW0603 - one container per worker process, built once
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    if hasattr(os, "nice"):  # not on Windows
        os.nice(WORKER_NICENESS)
    configure_logging(settings.server.log_level)
    container = build_container(settings)
    _worker = (container, InProcess(container))


def _exit_with_parent() -> None:
    """A web process killed by its supervisor (SIGTERM, SIGKILL) must not leave its workers behind."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _ready() -> None:
    assert _worker is not None


def _run_command(job: _CommandJob) -> None:
    assert _worker is not None
    container, runner = _worker
    command = Command(
        container=container,
        caller=job.caller,
        word=job.word,
        rest=job.rest,
        language=job.language,
        body=job.body,
    )
    runner.command(job.route_name, command, first_contact=job.first_contact)


def _run_direct_message(event: dict[str, Any], event_id: str, caller: Caller) -> None:
    assert _worker is not None
    _worker[1].direct_message(event, event_id=event_id, caller=caller)
