"""A real uvicorn serving the real app on a free loopback port, for the API tests: the same
server `allegraph serve` runs, announcing itself in the data directory (`api.announce`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from api.announce import AnnouncingServer
from api.app import create_app
from api.graph_start import GraphState
from api.services import Services
from api.settings import Settings


@contextmanager
def running_api(
    settings: Settings, opened: Services | None = None, graph_started: bool = True
) -> Iterator[str]:
    """Start the app (store, embedded FalkorDB, sync) and yield its base URL, once the graph
    has started (or failed to) unless `graph_started` is off; `opened` as for `create_app`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings, opened)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = AnnouncingServer(config, app, settings.data, settings.max_upload_bytes)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.05)
    while graph_started and app.state.services.starting_graph.state is GraphState.starting:
        if time.monotonic() > deadline:
            raise RuntimeError("the graph database did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
