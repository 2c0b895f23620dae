"""Fixtures that build real things: a data directory, a real Oxigraph store, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore

ROOT = Path(__file__).resolve().parent.parent
SEED_YAML = ROOT / "examples" / "svr-nato-false-flag.yaml"
SEED_TEXT = ROOT / "examples" / "sources" / "svr-nato-false-flag.txt"  # the seed, as given
ALLEGRAPH = Path(sys.executable).parent / "allegraph"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RDFStore]:
    with RDFStore.in_data_dir(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def seed_store(store: RDFStore) -> RDFStore:
    report = ingest_paths(store, [SEED_YAML])
    assert report.ok, [e.describe() for e in report.failed]
    return store


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the installed `allegraph` console script against a fresh data directory."""
    data = tmp_path / "cli-data"

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        done = subprocess.run(
            [str(ALLEGRAPH), "--data", str(data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
        return Run(done.returncode, done.stdout, done.stderr)

    run.data = data  # type: ignore[attr-defined]
    return run


@pytest.fixture
def graph_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real embedded FalkorDB, started by the app's own code in a fresh data directory."""
    from graph.property.backend import open_backend

    backend = open_backend("falkordb", tmp_path / "data")
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def other_graph(graph_db):  # type: ignore[no-untyped-def]
    """A second graph on `graph_db`'s server (to compare two ways of building one), dropped
    afterwards."""
    from graph.property.falkordb_backend import FalkorDBBackend

    other = FalkorDBBackend(graph_db.address, graph="other")
    try:
        yield other
    finally:
        other.clear()
        other.close()


def graph_dump(backend) -> tuple[list[object], list[object]]:  # type: ignore[no-untyped-def]
    """Every node and relationship with labels, type and properties, in a stable order.

    `documents` lists are sorted: they are sets, kept in the order documents were synced."""
    nodes = backend.read(
        "MATCH (n:Resource) RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props"
    )
    edges = backend.read(
        "MATCH (a)-[r]->(b) RETURN a.iri AS a, type(r) AS t, b.iri AS b, properties(r) AS props"
    )
    return sorted(
        (sorted(n["labels"]), n["iri"], _sorted_documents(n["props"])) for n in nodes
    ), sorted(
        (e["a"], e["t"], e["b"], repr(sorted(_sorted_documents(e["props"]).items()))) for e in edges
    )


def _sorted_documents(props: dict[str, Any]) -> dict[str, Any]:
    return props | {"documents": sorted(props["documents"])} if "documents" in props else props


API_KEY = "test-key-0123456789"


@pytest.fixture(scope="module")
def seed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn serving the seed article (ingested, synced) with a write key set."""
    from api.settings import Settings
    from tests.api_server import running_api

    data = tmp_path_factory.mktemp("api") / "data"
    with RDFStore.in_data_dir(data) as opened:
        assert ingest_paths(opened, [SEED_YAML]).ok
    settings = Settings(data=data, api_key=API_KEY, query_timeout_s=5, result_cap=500)  # type: ignore[arg-type]
    with running_api(settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through playwright (installed by `make setup`)."""
    from viz.browser import CHROMIUM, chromium

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (installs Debian's chromium)")
    with chromium() as opened:
        yield opened
