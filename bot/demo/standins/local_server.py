"""Run a WSGI app under waitress on a free local port, in a background thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from waitress.server import TcpWSGIServer, create_server

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


class LocalServer:
    """A waitress server in a thread; close() stops it without the loop tripping over its own socket."""

    def __init__(self, wsgi: WSGIApplication, *, threads: int) -> None:
        server = create_server(wsgi, host="127.0.0.1", port=0, threads=threads)
        assert isinstance(server, TcpWSGIServer) and server.socket is not None
        self._server = server
        self._closing = threading.Event()
        self.url = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
        threading.Thread(target=self._run, name="local-wsgi", daemon=True).start()

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            if not self._closing.is_set():
                raise
            # closing the listening socket under a running select() is how waitress stops here

    def close(self) -> None:
        # Let requests in flight finish first: closing under them breaks their wake-up pipe.
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
        self._closing.set()
        with contextlib.suppress(OSError):
            self._server.close()


def start_local_server(wsgi: WSGIApplication, *, threads: int = 4) -> tuple[str, LocalServer]:
    """Returns the base URL and the server; call server.close() to stop it."""
    server = LocalServer(wsgi, threads=threads)
    return server.url, server


@contextmanager
def local_server(wsgi: WSGIApplication, *, threads: int = 4) -> Iterator[str]:
    server = LocalServer(wsgi, threads=threads)
    try:
        yield server.url
    finally:
        server.close()
