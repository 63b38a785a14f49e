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
        # Start them now, not on the first user's request. The queue is first in, first out: a worker
        # takes a user's job only after one of these, so while none is done no reply can be under way.
        self.ready = tuple(self._pool.submit(_ready) for _ in range(processes))  # done: that worker is up
        for started in self.ready:
            started.add_done_callback(_report)

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
        self._pool.submit(_run_command, job).add_done_callback(_report)

    def direct_message(self, event: dict[str, Any], *, event_id: str, caller: Caller) -> None:
        self._pool.submit(_run_direct_message, event, event_id, caller).add_done_callback(_report)

    def shutdown(self, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stop taking work; replies already being prepared get `grace_seconds` to be sent.

        A worker still starting (or stuck) is then stopped, so the platform's stop never hangs on it.
        """
        # A job returns once its reply runs on the worker's own threads, so the pool cannot tell whether
        # a reply is under way; a worker exits only after its replies are done, which the grace waits for.
        # Only while no worker has started yet is there certainly nothing to wait for.
        started = any(ready.done() for ready in self.ready)
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + (grace_seconds if started else 0.0)
        for child in multiprocessing.active_children():
            # The ended process's sentinel, not is_alive(): the pool's own thread may reap it first, and
            # is_alive() then reports a process that has exited as running.
            ended = multiprocessing.connection.wait([child.sentinel], max(0.0, deadline - time.monotonic()))
            if not ended:
                if started:
                    stop = "worker process %s did not stop within %.0f s; terminating it"
                    log.warning(stop, child.pid, grace_seconds)
                child.terminate()
        # Let the pool's manager thread end now: left running, it may close its wake-up pipe while the
        # interpreter's exit hook writes to it (CPython 3.11 race), a traceback after a clean exit message.
        self._pool.shutdown(wait=True)


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
