"""Every Cypher statement allegraph sends passes Neo4j's own linter.

No Neo4j server can run here, so the statements are recorded from a real sync and real
queries against FalkorDB (the text is the same for both backends; only the schema DDL
differs, and Neo4j's is added) and checked with `@neo4j-cypher/language-support`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph import queries as q
from graph.property import cypher
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from graph.sync import n10s
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders import discover
from loaders.synthetic import write_corpus
from ontology import StatementKind
from tests.conftest import ROOT, SEED_YAML

LINTER = ROOT / "tests" / "neo4j_lint"


class Recording:
    """A real backend that also keeps every statement it is asked to run."""

    def __init__(self, backend: Any) -> None:
        self.backend, self.statements = backend, set()
        self.dialect, self.name = backend.dialect, backend.name

    def read(self, query: str, parameters: Any = None, timeout_ms: Any = None) -> Any:
        self.statements.add(query)
        return self.backend.read(query, parameters, timeout_ms)

    def write(self, query: str, parameters: Any = None) -> Any:
        self.statements.add(query)
        return self.backend.write(query, parameters)

    def ensure_schema(self) -> None:
        self.backend.ensure_schema()

    def clear(self) -> None:
        self.statements.add(cypher.CLEAR)
        self.backend.clear()

    def graph_builder(self) -> None:
        """None, as Neo4j's backend answers: every write is a Cypher statement."""
        return None


def lint(statements: list[str]) -> list[dict[str, Any]]:
    if shutil.which("node") is None or not (LINTER / "node_modules").exists():
        pytest.fail(
            "Neo4j's linter is not installed: run `make setup` (npm ci in tests/neo4j_lint)"
        )
    done = subprocess.run(
        ["node", "lint.mjs"],
        cwd=LINTER,
        input=json.dumps(statements),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def test_the_linter_catches_a_bad_statement() -> None:
    [bad, good] = lint(["MATCH (n RETURN n", "MATCH (n:Resource {iri: $iri}) RETURN n"])
    assert any(d["severity"] == 1 for d in bad["diagnostics"])
    assert good["diagnostics"] == []


def test_every_statement_allegraph_emits_is_valid_neo4j_cypher(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    write_corpus(60, tmp_path / "corpus", seed=9)
    ingest_paths(store, [SEED_YAML, *discover([tmp_path / "corpus"])], shacl=False)
    recording = Recording(graph_db)
    sync_documents(store, recording, full=True)  # type: ignore[arg-type]
    sync_documents(store, recording)  # type: ignore[arg-type]  # asks whether anything is synced
    # An incremental sync that withdraws, rewrites and adds documents: the statements that
    # keep the rolled-up network up to date.
    store.remove_graph(document_iri("doc-000002"))
    write_corpus(8, tmp_path / "again", seed=10)  # doc-000001 … 8 again, other versions
    ingest_paths(store, discover([tmp_path / "again"]), shacl=False)
    sync_documents(store, recording)  # type: ignore[arg-type]
    differences(store, recording)  # type: ignore[arg-type]
    rolled_up = {
        cypher.DOOMED_ACTORS,
        cypher.WITHDRAWN_ACCUSATIONS,
        cypher.WITHDRAWN_LINKS,
        cypher.ROLLING_UP_INTO,
        cypher.CLOSURES,
        cypher.ACCUSATIONS_BETWEEN,
        cypher.ACCUSATIONS_BY,
        cypher.ACCUSATIONS_OF,
        cypher.ROLLED_UP_BETWEEN,
        cypher.ROLLED_UP_FROM,
        cypher.ROLLED_UP_INTO,
        cypher.MERGE_ROLLED_UP,
        cypher.MERGE_MIRRORS,
        cypher.ALL_ACCUSATIONS,
        cypher.ALL_CLOSURES,
        cypher.ALL_ROLLED_UP,
        cypher.CREATE_ROLLED_UP,
        cypher.DELETE_DERIVED,
        cypher.ROLLED_UP_EXACT,
        cypher.SET_ROLLED_UP_EXACT,
        cypher.mirrors_maintained(),
    }
    assert rolled_up - recording.statements == set()  # each was sent, so each is linted
    made = {cypher.DELETE_ROLLED_UP, cypher.DELETE_MIRRORS}  # sent only when pairs go
    actors = [r["a"].value for r in store.solutions("SELECT DISTINCT ?a { ?a ag:accused ?b }")]
    for same in (True, False):
        for roll in (True, False):
            q.mirrors_cypher(recording, same, roll)  # type: ignore[arg-type]
    for hops in range(1, 9):
        for kinds in (["accusation"], list(q.SHORTCUT_KINDS)):
            q.chains_cypher(recording, actors[0], actors[1], hops, kinds)  # type: ignore[arg-type]
    for kinds in (["accusation"], list(q.SHORTCUT_KINDS)):
        types = q.chain_types(kinds)
        chains = {cypher.chain_edge(types), cypher.chain_steps(types), cypher.chain_ends(types)}
        assert chains <= recording.statements  # each was sent, so each is linted below
    for depth in range(0, 4):
        q.neighbourhood_cypher(recording, actors[0], depth)  # type: ignore[arg-type]
    q.timeline_cypher(recording, actors[0])  # type: ignore[arg-type]
    q.timeline_months_cypher(recording, actors[0])  # type: ignore[arg-type]
    for role in ("claimant", "target"):
        q.top_actors_cypher(recording, role, StatementKind.accusation, 8)  # type: ignore[arg-type]
    statements = sorted(recording.statements | made | set(cypher.NEO4J.schema))
    assert len(statements) > 40
    failures = [
        (r["query"], r["diagnostics"])
        for r in lint(statements)
        if any(d["severity"] == 1 for d in r["diagnostics"])
    ]
    assert failures == []


def test_every_statement_of_the_n10s_shape_is_valid_neo4j_cypher(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    write_corpus(20, tmp_path / "corpus", seed=4)
    ingest_paths(store, [SEED_YAML, *discover([tmp_path / "corpus"])], shacl=False)
    recording = Recording(graph_db)
    n10s.sync_n10s(store, recording)  # type: ignore[arg-type]
    n10s.sync_n10s(store, recording)  # type: ignore[arg-type]  # finds nothing to do
    n10s.differences(store, recording)  # type: ignore[arg-type]
    # FalkorDB has no `datetime`: the statements that make date-times are Neo4j's alone.
    temporal = (("ag__statedOn", "datetime"), ("dct__issued", "localdatetime"))
    labels = ("ag__Statement", "ag__Accusation")
    made = {cypher.n10s_create_nodes(labels, temporal), cypher.n10s_update_nodes(labels, temporal)}
    statements = sorted(recording.statements | made | set(cypher.NEO4J.n10s_schema))
    assert cypher.N10S_DECLARE_PREFIXES in statements and len(statements) > 20
    failures = [
        (r["query"], r["diagnostics"])
        for r in lint(statements)
        if any(d["severity"] == 1 for d in r["diagnostics"])
    ]
    assert failures == []
