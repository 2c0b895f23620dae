"""The graph database starts on its own thread while the server answers (`api.graph_start`):
store-only reads at once, graph reads and writes 503 with Retry-After until it is ready, the
reason of a failed start, `/health` without waiting, and a shutdown that leaves nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from api.forward import RunningServer
from api.services import Services
from api.settings import Settings
from graph.property.backend import CypherBackend, open_backend
from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from loaders.errors import BackendError
from tests.api_server import running_api
from tests.conftest import API_KEY, SEED_YAML

Opener = Callable[[str | None, Path, threading.Event], CypherBackend]
CYPHER = {"query": "MATCH (a:Actor) RETURN count(a) AS n"}


def _seeded_settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    with RDFStore.in_data_dir(data) as opened:
        assert ingest_paths(opened, [SEED_YAML]).ok
    return Settings(data=data, api_key=API_KEY, query_timeout_s=1)


def _opening_when(gate: threading.Event) -> Opener:
    """The real opener, held back until `gate` opens (or the server stops): a graph
    database slow to load its snapshot."""

    def opener(kind: str | None, data: Path, stop: threading.Event) -> CypherBackend:
        while not (gate.is_set() or stop.is_set()):
            time.sleep(0.02)
        return open_backend(kind, data, stop)

    return opener


def _falkordb_processes(data: Path) -> list[int]:
    """Pids of redis-server processes serving this data directory."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "redis-server" in command and str(data.resolve()) in command:
            found.append(int(proc.name))
    return found


def _assert_retry_later(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"] == "application/problem+json"
    assert "graph database is starting" in answer.json()["detail"]


def test_store_reads_answer_while_the_graph_starts_and_graph_reads_wait_for_it(
    tmp_path: Path,
) -> None:
    settings, gate = _seeded_settings(tmp_path), threading.Event()
    opened = Services(settings, open_graph=_opening_when(gate))
    with running_api(settings, opened, graph_started=False) as url, httpx.Client() as client:
        assert client.get(f"{url}/actors", params={"limit": 1}).status_code == 200
        started = time.monotonic()
        health = client.get(f"{url}/health")
        assert time.monotonic() - started < 0.5  # told, not waited for
        assert health.status_code == 503
        assert health.json()["status"] == "starting"
        assert health.json()["checks"]["graph"]["state"] == "starting"
        live = client.get(f"{url}/health/live")  # a liveness probe must not restart it
        assert live.status_code == 200 and live.json() == {"status": "alive"}
        _assert_retry_later(client.post(f"{url}/cypher", json=CYPHER))
        _assert_retry_later(client.get(f"{url}/mirrors"))
        written = client.delete(f"{url}/documents/svr-nato-false-flag", headers=_key())
        _assert_retry_later(written)
        assert client.get(f"{url}/documents").json()["total"] == 1  # refused before writing
        gate.set()
        answer = client.post(f"{url}/cypher", json=CYPHER, timeout=30)  # waits for the sync
        assert answer.status_code == 200 and answer.json()["rows"][0]["n"] > 0
        health = client.get(f"{url}/health").json()
        assert health["status"] == "ok" and health["checks"]["graph"]["state"] == "ready"


def test_a_graph_that_fails_to_open_is_a_503_with_the_reason(tmp_path: Path) -> None:
    def failing(kind: str | None, data: Path, stop: threading.Event) -> CypherBackend:
        raise BackendError("cannot start the embedded FalkorDB: out of luck")

    settings, told = _seeded_settings(tmp_path), list[str]()
    opened = Services(settings, open_graph=failing, report_failure=told.append)
    with running_api(settings, opened) as url, httpx.Client() as client:
        assert client.get(f"{url}/actors", params={"limit": 1}).status_code == 200
        answer = client.post(f"{url}/cypher", json=CYPHER)
        assert answer.status_code == 503 and "retry-after" not in answer.headers
        assert (
            "could not be opened: cannot start the embedded FalkorDB: out of luck"
            in (answer.json()["detail"])
        )
        health = client.get(f"{url}/health").json()
        assert health["status"] == "unavailable"
        assert health["checks"]["graph"]["state"] == "failed"
        assert "out of luck" in health["checks"]["graph"]["error"]
        assert client.get(f"{url}/mirrors").status_code == 503
    assert len(told) == 1 and "out of luck" in told[0]


def test_a_command_write_waits_for_the_graph_to_start(tmp_path: Path) -> None:
    settings, gate = _seeded_settings(tmp_path), threading.Event()
    opened = Services(settings, open_graph=_opening_when(gate))
    with running_api(settings, opened, graph_started=False):
        opening = threading.Timer(1.5, gate.set)
        opening.start()
        with RunningServer.find(settings.data) as server:  # type: ignore[union-attr]
            assert server.remove(["svr-nato-false-flag"]) == ["svr-nato-false-flag"]
        assert gate.is_set()
        opening.join()


def test_stopping_while_the_graph_starts_leaves_no_database_behind(tmp_path: Path) -> None:
    settings = _seeded_settings(tmp_path)
    opened = Services(settings, open_graph=_opening_when(threading.Event()))  # never opens
    with running_api(settings, opened, graph_started=False) as url:
        assert httpx.get(f"{url}/health").json()["status"] == "starting"
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 10
    assert _falkordb_processes(settings.data) == []


def test_a_stopped_start_kills_the_half_started_server(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(BackendError, match="stopped while it started"):
        open_backend("falkordb", tmp_path / "data", stop)
    assert _falkordb_processes(tmp_path / "data") == []


def _key() -> dict[str, str]:
    return {"X-API-Key": API_KEY}
