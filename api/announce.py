"""A running server announces itself in its data directory, so the CLI can send it writes.

While `allegraph serve` runs, the store is the server's (Oxigraph allows one writer), so
`allegraph ingest`, `remove` and `actors merge/split` on the same data directory cannot
open it. Once listening, the server writes `DATA/server.json`: its URL, its process id and
a random token made for this run, readable by its owner only (mode 0600). A command that
finds the store held reads it and sends its work to that server (`api.forward`), proving
with the token that it could read the data directory, which is all a local command could
do anyway. The file goes when the server stops; one left by a server that was killed is
stale, and told by its process id, the store's lock being free, and the server not
answering with that id.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

SERVER_FILE = "server.json"
TOKEN_HEADER = "Authorization"  # "Bearer <token>"


@dataclass(frozen=True)
class ServerFile:
    """What a running server tells the data directory's other processes."""

    url: str
    token: str
    pid: int
    max_body: int  # the largest request body it takes (ALLEGRAPH_MAX_UPLOAD_BYTES)


def write_server_file(data_dir: Path, announced: ServerFile) -> None:
    """Write the file readable by this user only, in one rename (never half a file)."""
    path = data_dir / SERVER_FILE
    partial = path.with_name(f".{SERVER_FILE}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(asdict(announced), out)
    partial.replace(path)


def remove_server_file(data_dir: Path, token: str) -> None:
    """Remove the file if it is still this run's (a newer server may have replaced it)."""
    found = read_server_file(data_dir)
    if found is not None and secrets.compare_digest(found.token, token):
        (data_dir / SERVER_FILE).unlink(missing_ok=True)


def read_server_file(data_dir: Path) -> ServerFile | None:
    """The announced server, or None when there is no file, it is unreadable, or the
    process that wrote it is gone."""
    try:
        raw: Any = json.loads((data_dir / SERVER_FILE).read_text(encoding="utf-8"))
        found = ServerFile(
            url=str(raw["url"]),
            token=str(raw["token"]),
            pid=int(raw["pid"]),
            max_body=int(raw["max_body"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if _alive(found.pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's: its token is not ours to use
        return False
    return True


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, writing the data directory's server file once it listens and
    removing it when it stops. The token is put on the app's state, where the local write
    routes (`api.routes.admin`) check it."""

    def __init__(self, config: uvicorn.Config, app: FastAPI, data_dir: Path, max_body: int):
        super().__init__(config)
        self.data_dir, self.max_body = data_dir, max_body
        self.token = secrets.token_urlsafe(32)
        app.state.write_token = self.token

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.should_exit or not self.servers:
            return
        listening = self.servers[0].sockets[0].getsockname()
        announced = ServerFile(_url(listening), self.token, os.getpid(), self.max_body)
        write_server_file(self.data_dir, announced)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        with contextlib.suppress(OSError):
            remove_server_file(self.data_dir, self.token)
        await super().shutdown(sockets)


def _url(address: Any) -> str:
    """A URL this machine's processes can reach the server at (loopback for a wildcard)."""
    host, port = address[0], address[1]
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
