"""The embedded FalkorDB: shared between processes, clear when it cannot start, and a sync
cut off by its death is repaired by the next one."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.falkordb_server import SERVER_DIR, ensure_server, release_server
from loaders.errors import BackendError
from loaders.synthetic import write_corpus
from tests.conftest import ROOT


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/status").read_text().count("zombie")


def test_a_second_process_reuses_the_running_server(tmp_path: Path) -> None:
    address = ensure_server(tmp_path)
    script = (
        f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); "
        "from pathlib import Path; from graph.falkordb_server import ensure_server; "
        f"a = ensure_server(Path({str(tmp_path)!r})); print(json.dumps([a.port, a.pid]))"
    )
    other = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
    )
    assert other == [address.port, address.pid]
    release_server(address, tmp_path)
    assert address.pid is not None and not _alive(address.pid)


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BackendError, match=f"port {port} on 127.0.0.1 is taken"):
            ensure_server(tmp_path, port=port)


def test_unreachable_neo4j_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"ALLEGRAPH_NEO4J_URI": f"neo4j://127.0.0.1:{port}"}
    done = cli("sync", "--backend", "neo4j", env=env)
    assert done.code == 3
    assert done.stderr.startswith(f"error: cannot reach Neo4j at neo4j://127.0.0.1:{port}")
    assert "Traceback" not in done.stderr
    missing = cli("sync", "--backend", "neo4j", env={"ALLEGRAPH_NEO4J_URI": ""})
    assert missing.code == 3 and "set ALLEGRAPH_NEO4J_URI" in missing.stderr


def test_server_killed_mid_sync_is_repaired_by_the_next_sync(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_corpus(1500, tmp_path / "corpus", seed=4)
    assert cli("ingest", "--no-shacl", str(tmp_path / "corpus")).code == 0
    data, state = cli.data, cli.data / SERVER_DIR / "server.json"
    sync = subprocess.Popen(
        [str(Path(sys.executable).parent / "allegraph"), "--data", str(data), "sync"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # let it write part of the graph
    os.kill(json.loads(state.read_text())["pid"], signal.SIGKILL)
    _, stderr = sync.communicate(timeout=120)
    assert sync.returncode == 3, stderr
    assert stderr.startswith("error: FalkorDB") and "Traceback" not in stderr
    repaired = cli("sync", "--verify")
    assert repaired.code == 0, repaired.stderr
    assert "verified" in repaired.stdout
