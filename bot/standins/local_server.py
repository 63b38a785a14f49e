"""Run a WSGI app under waitress on a free local port, in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from waitress.server import TcpWSGIServer, create_server

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


def start_local_server(wsgi: WSGIApplication, *, threads: int = 4) -> tuple[str, TcpWSGIServer]:
    """Returns the base URL and the server; call server.close() to stop it."""
    server = create_server(wsgi, host="127.0.0.1", port=0, threads=threads)
    assert isinstance(server, TcpWSGIServer) and server.socket is not None
    port = server.socket.getsockname()[1]
    threading.Thread(target=server.run, name="local-wsgi", daemon=True).start()
    return f"http://127.0.0.1:{port}", server


@contextmanager
def local_server(wsgi: WSGIApplication, *, threads: int = 4) -> Iterator[str]:
    base_url, server = start_local_server(wsgi, threads=threads)
    try:
        yield base_url
    finally:
        server.close()
