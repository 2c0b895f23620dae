"""Running as a service: `/health`, `/metrics` (read with Prometheus's own parser) and one JSON
log line per request with its id, on a real server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.settings import Settings
from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from tests.api_server import running_api
from tests.conftest import ALLEGRAPH, API_KEY, ROOT, SEED_YAML

KEY = {"X-API-Key": API_KEY}


def _seeded(tmp: Path) -> Path:
    data = tmp / "data"
    with RDFStore.in_data_dir(data) as opened:
        assert ingest_paths(opened, [SEED_YAML]).ok
    return data


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = _seeded(tmp_path_factory.mktemp("operations"))
    with running_api(Settings(data=data, api_key=API_KEY)) as url:  # type: ignore[call-arg]
        yield url


def _samples(url: str, headers: dict[str, str] | None = None) -> dict[tuple[str, str], float]:
    """Every sample of /metrics as (name, labels as sorted JSON) → value."""
    response = httpx.get(url + "/metrics", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, json.dumps(sample.labels, sort_keys=True)): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _labels(**labels: str) -> str:
    return json.dumps(labels, sort_keys=True)


def test_health_answers_when_store_and_graph_do(api: str) -> None:
    response = httpx.get(api + "/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "store": True,
        "graph": True,
    }


def test_metrics_count_requests_by_route_template(api: str) -> None:
    before = _samples(api)
    for _ in range(3):  # the second and third come from the cached pages, before routing
        assert httpx.get(api + "/actors/svr").status_code == 200
    assert httpx.get(api + "/actors/nobody-at-all").status_code == 404
    assert httpx.get(api + "/no/such/path").status_code == 404
    after = _samples(api)
    ok = (
        "allegraph_http_requests_total",
        _labels(method="GET", route="/actors/{actor_id}", status="200"),
    )
    missing = (ok[0], _labels(method="GET", route="/actors/{actor_id}", status="404"))
    unmatched = (ok[0], _labels(method="GET", route="(unmatched)", status="404"))
    assert after[ok] - before.get(ok, 0) == 3
    assert after[missing] - before.get(missing, 0) == 1
    assert after[unmatched] - before.get(unmatched, 0) == 1
    timed = (
        "allegraph_http_request_duration_seconds_count",
        _labels(method="GET", route="/actors/{actor_id}"),
    )
    assert after[timed] - before.get(timed, 0) == 4
    assert not any("nobody-at-all" in labels for _, labels in after)  # ids are not labels


def test_metrics_tell_what_the_store_holds_and_the_sync_lag(api: str) -> None:
    samples = _samples(api)
    assert samples[("allegraph_documents", "{}")] == 1
    assert samples[("allegraph_statements", "{}")] >= 5
    assert samples[("allegraph_sync_pending_documents", "{}")] == 0
    synced_at = samples[("allegraph_sync_last_success_timestamp_seconds", "{}")]
    assert time.time() - 600 < synced_at <= time.time()


def test_closed_reads_close_metrics_not_health(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path / "data", api_key=API_KEY, open_reads=False)  # type: ignore[call-arg]
    with running_api(settings) as url:
        assert httpx.get(url + "/metrics").status_code == 401
        assert _samples(url, KEY)[("allegraph_documents", "{}")] == 0
        assert httpx.get(url + "/health").status_code == 200


def test_health_names_the_graph_database_when_it_is_down(tmp_path: Path) -> None:
    data = _seeded(tmp_path)
    with running_api(Settings(data=data)) as url:  # type: ignore[call-arg]
        state = json.loads((data / "falkordb" / "server.json").read_text())
        os.kill(int(state["pid"]), signal.SIGKILL)
        started = time.monotonic()
        response = httpx.get(url + "/health", timeout=30)
        assert time.monotonic() - started < 5
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["store"]["ok"] and not body["checks"]["graph"]["ok"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_one_json_line_per_request_and_per_ingested_document(tmp_path: Path) -> None:
    data, port = _seeded(tmp_path), _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        serve = subprocess.Popen(
            [ALLEGRAPH, "--data", str(data), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=ROOT,
            env={**os.environ, "ALLEGRAPH_API_KEY": API_KEY},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/health")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        given = httpx.get(url + "/actors/svr", headers={"X-Request-ID": "probe-42"})
        made = httpx.get(url + "/statements", params={"kind": "nonsense"})
        forged = httpx.get(url + "/actors", headers={"X-Request-ID": 'x" injected'})
        seed = SEED_YAML.read_bytes().replace(b"id: svr-nato-false-flag", b"id: logged", 1)
        uploaded = httpx.post(
            url + "/documents",
            files={"file": ("logged.yaml", seed, "application/yaml")},
            headers={**KEY, "X-Request-ID": "upload-7"},
            timeout=120,
        )
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    assert given.headers["X-Request-ID"] == "probe-42"
    assert len(made.headers["X-Request-ID"]) == 32 and made.status_code == 422
    assert forged.headers["X-Request-ID"] != 'x" injected'
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    by_id = {line["request_id"]: line for line in lines if line.get("message") == "request"}
    first = by_id["probe-42"]
    assert first["route"] == "/actors/{actor_id}" and first["status"] == 200
    assert first["method"] == "GET" and first["path"] == "/actors/svr"
    assert first["duration_ms"] >= 0 and first["time"].endswith("+00:00")
    second = by_id[made.headers["X-Request-ID"]]
    assert second["route"] == "/statements" and second["status"] == 422
    assert forged.headers["X-Request-ID"] in by_id
    assert uploaded.status_code == 201 and by_id["upload-7"]["status"] == 201
    [ingested] = [line for line in lines if line.get("message") == "ingested"]
    assert ingested["request_id"] == "upload-7" and ingested["document"] == "logged"
    assert ingested["source"].endswith("logged.yaml") and ingested["triples"] > 100
    assert ingested["replaced"] is False
