"""One actor across documents, and an investigator's merge and split kept as data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from graph.queries import chains_sparql
from graph.rdf.actors import resolve_actor
from graph.rdf.curation import CURATION_GRAPH, canonical_actors, merge_actors, split_actor
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders.errors import UsageError
from ontology import AG, ID
from tests.conftest import SEED_YAML
from tests.docs import write

RUSSIA, KREMLIN, NATO = ID["actor/Q159"], ID["actor/kremlin"], ID["actor/Q7184"]
TEXT = "The Kremlin accused NATO of a plot."


def kremlin_doc(name: str = "Kremlin", **entity: Any) -> dict[str, Any]:
    return {
        "id": "kremlin-doc",
        "text": TEXT,
        "entities": [
            {"id": "k", "kind": "State", "name": name, "mentions": [{"text": "Kremlin"}], **entity},
            {"id": "n", "kind": "InternationalOrganization", "name": "NATO"},
        ],
        "statements": [
            {
                "id": "s1",
                "kind": "accusation",
                "claimant": "k",
                "targets": ["n"],
                "quote": {"start": 0, "end": 35},
            }
        ],
    }


def ingest(store: RDFStore, path: Path) -> None:
    report = ingest_paths(store, [path])
    assert report.ok, [e.describe() for e in report.failed]


def mentioned(store: RDFStore, doc_id: str) -> set[str]:
    graph = store.dataset.graph(document_iri(doc_id))
    return {str(o) for o in graph.objects(document_iri(doc_id), AG.mentions)}


@pytest.mark.parametrize(
    ("name", "entity", "expected"),
    [
        ("Syria Civil Defence", {}, "actor/white-helmets"),  # an alias in the seed
        ("the White Helmets", {}, "actor/white-helmets"),  # a leading article
        ("UKRAINE", {}, "actor/Q212"),  # a name of an actor known by its Wikidata id
        ("Ukraine", {"wikidata": "Q999"}, "actor/Q999"),  # another Wikidata id: another actor
        ("Kremlin", {"aliases": ["Moscow"]}, "actor/Q159"),  # an alias of Russia's
    ],
)
def test_the_same_actor_across_documents_is_one_node(
    seed_store: RDFStore, tmp_path: Path, name: str, entity: dict[str, Any], expected: str
) -> None:
    ingest(seed_store, write(tmp_path / "k.json", kremlin_doc(name, **entity)))
    assert str(ID[expected]) in mentioned(seed_store, "kremlin-doc")
    assert str(NATO) in mentioned(seed_store, "kremlin-doc")


def test_two_entities_of_one_document_stay_two_actors(store: RDFStore, tmp_path: Path) -> None:
    doc = kremlin_doc()
    doc["entities"][1] |= {"name": "Kremlin administration", "aliases": ["Kremlin"]}
    ingest(store, write(tmp_path / "k.json", doc))
    assert len(mentioned(store, "kremlin-doc")) == 2


def merged_store(seed_store: RDFStore, tmp_path: Path) -> Path:
    path = write(tmp_path / "k.json", kremlin_doc())
    ingest(seed_store, path)
    assert str(KREMLIN) in mentioned(seed_store, "kremlin-doc")
    done = merge_actors(seed_store, str(RUSSIA), str(KREMLIN))
    assert done.documents == [str(document_iri("kremlin-doc"))]
    return path


def test_merge_rewrites_documents_and_queries_see_one_actor(
    seed_store: RDFStore, tmp_path: Path
) -> None:
    merged_store(seed_store, tmp_path)
    assert mentioned(seed_store, "kremlin-doc") == {str(RUSSIA), str(NATO)}
    assert canonical_actors(seed_store) == {KREMLIN: RUSSIA}
    assert (str(RUSSIA), str(NATO)) in chains_sparql(seed_store, str(RUSSIA), str(NATO), 1)
    assert not seed_store.solutions(
        f"SELECT * WHERE {{ GRAPH ?g {{ <{KREMLIN}> ?p ?o }} FILTER (?g != <{CURATION_GRAPH}>) }}"
    )
    assert resolve_actor(seed_store, "Kremlin") == str(RUSSIA)


def test_merge_survives_reingest_and_split_undoes_it(seed_store: RDFStore, tmp_path: Path) -> None:
    path = merged_store(seed_store, tmp_path)
    ingest(seed_store, path)
    assert mentioned(seed_store, "kremlin-doc") == {str(RUSSIA), str(NATO)}
    done = split_actor(seed_store, str(RUSSIA))
    assert done.actors == [str(KREMLIN)] and done.documents == [str(document_iri("kremlin-doc"))]
    assert mentioned(seed_store, "kremlin-doc") == {str(KREMLIN), str(NATO)}
    assert str(RUSSIA) in mentioned(seed_store, "svr-nato-false-flag")
    assert not canonical_actors(seed_store)
    ingest(seed_store, path)
    assert mentioned(seed_store, "kremlin-doc") == {str(KREMLIN), str(NATO)}
    with pytest.raises(UsageError, match="not merged"):
        split_actor(seed_store, str(RUSSIA))


def test_merging_an_actor_with_itself_is_refused(seed_store: RDFStore) -> None:
    with pytest.raises(UsageError, match="itself"):
        merge_actors(seed_store, str(RUSSIA), str(RUSSIA))


def test_sync_after_merge_has_one_actor(seed_store: RDFStore, graph_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest(seed_store, write(tmp_path / "k.json", kremlin_doc()))
    sync_documents(seed_store, graph_db)
    assert graph_db.read("MATCH (a {iri: $iri}) RETURN a.iri AS iri", {"iri": str(KREMLIN)})
    merge_actors(seed_store, str(RUSSIA), str(KREMLIN))
    report = sync_documents(seed_store, graph_db)
    assert report.changed == 1
    assert not graph_db.read("MATCH (a {iri: $iri}) RETURN a.iri AS iri", {"iri": str(KREMLIN)})
    accused = graph_db.read(
        "MATCH (a {iri: $a})-[r:ACCUSED]->(b {iri: $b}) RETURN r.statement AS s",
        {"a": str(RUSSIA), "b": str(NATO)},
    )
    assert any("kremlin-doc" in row["s"] for row in accused)


def test_cli_merge_and_split(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "k.json", kremlin_doc())
    assert cli("ingest", str(SEED_YAML), str(path)).code == 0
    done = cli("actors", "merge", "Russia", "kremlin")
    assert done.code == 0 and f"merged {KREMLIN} into {RUSSIA}" in done.stdout, done.stderr
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ag:claimant <%s> }"
    rows = json.loads(cli("query", "sparql", count % KREMLIN, "--format", "json").stdout)
    assert rows["results"]["bindings"][0]["n"]["value"] == "0"
    assert cli("actors", "merge", "Russia", "kremlin").code == 2  # no such actor any more
    done = cli("actors", "split", "Moscow")
    assert done.code == 0 and f"split {KREMLIN} from {RUSSIA}" in done.stdout, done.stderr
    rows = json.loads(cli("query", "sparql", count % KREMLIN, "--format", "json").stdout)
    assert rows["results"]["bindings"][0]["n"]["value"] == "1"


def actor_labels(graph_db, iri: URIRef) -> set[str]:  # type: ignore[no-untyped-def]
    rows = graph_db.read("MATCH (a {iri: $iri}) RETURN labels(a) AS labels", {"iri": str(iri)})
    return set(rows[0]["labels"])


def test_split_gives_the_kept_actor_back_only_its_own_labels(  # type: ignore[no-untyped-def]
    seed_store: RDFStore, graph_db, tmp_path: Path
) -> None:
    ingest(seed_store, write(tmp_path / "k.json", kremlin_doc(kind="Organization")))
    sync_documents(seed_store, graph_db)
    merge_actors(seed_store, str(RUSSIA), str(KREMLIN))
    sync_documents(seed_store, graph_db)
    assert "Organization" in actor_labels(graph_db, RUSSIA)
    split_actor(seed_store, str(RUSSIA))
    sync_documents(seed_store, graph_db)
    assert "Organization" not in actor_labels(graph_db, RUSSIA)
    assert "Organization" in actor_labels(graph_db, KREMLIN)
    assert differences(seed_store, graph_db) == []


def test_removing_a_document_takes_back_what_only_it_gave_an_actor(  # type: ignore[no-untyped-def]
    seed_store: RDFStore, graph_db, tmp_path: Path
) -> None:
    doc = kremlin_doc(name="Russia", kind="Organization", aliases=["Rossiya"])
    ingest(seed_store, write(tmp_path / "r.json", doc))
    sync_documents(seed_store, graph_db)
    assert "Organization" in actor_labels(graph_db, RUSSIA)
    seed_store.remove_graph(document_iri("kremlin-doc"))
    sync_documents(seed_store, graph_db)
    assert "Organization" not in actor_labels(graph_db, RUSSIA)
    rows = graph_db.read("MATCH (a {iri: $iri}) RETURN properties(a) AS p", {"iri": str(RUSSIA)})
    assert "Rossiya" not in str(rows[0]["p"])
    assert differences(seed_store, graph_db) == []
