"""The derived graphs always equal what the documents hold: the actor network graph their
actor-to-actor triples, the actors graph their other triples about actors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.network import ACTORS_GRAPH, NETWORK_GRAPH, link_predicates
from graph.rdf.store import JOURNAL, RDFStore
from ontology import ACTORS, shortcut_properties
from tests.conftest import SEED_YAML
from tests.docs import minimal, write

VALUES = "VALUES ?p { " + " ".join(f"<{p}>" for p in sorted(link_predicates())) + " }"
SHORTCUTS = ", ".join(f"<{p}>" for p in sorted(shortcut_properties().values()))


def triples(store: RDFStore, where: str) -> set[tuple[str, ...]]:
    rows = store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}")
    return {tuple(map(str, row)) for row in store.rows(rows)}


def network(store: RDFStore) -> set[tuple[str, ...]]:
    return triples(store, f"GRAPH <{NETWORK_GRAPH}> {{ ?s ?p ?o }}")


def derived(store: RDFStore) -> set[tuple[str, ...]]:
    return triples(store, f"{VALUES} GRAPH ?g {{ ?g a ag:Document . ?s ?p ?o }}")


def held_about_actors(store: RDFStore) -> set[tuple[str, ...]]:
    return triples(store, f"GRAPH <{ACTORS_GRAPH}> {{ ?s ?p ?o }}")


def about_actors(store: RDFStore) -> set[tuple[str, ...]]:
    return triples(
        store,
        "GRAPH ?g { ?g a ag:Document . ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?s), "{ACTORS}") && ?p NOT IN ({SHORTCUTS}))',
    )


def test_network_holds_each_actor_edge_of_the_documents(seed_store: RDFStore) -> None:
    edges = network(seed_store)
    assert edges == derived(seed_store)
    assert held_about_actors(seed_store) == about_actors(seed_store) != set()
    assert len(edges) >= 12  # accusations, denials, the warning, part-of and speaks-for


def test_an_edge_backed_by_two_documents_survives_the_removal_of_one(
    store: RDFStore, tmp_path: Path
) -> None:
    first = write(tmp_path / "a.json", minimal() | {"id": "a"})
    second = write(tmp_path / "b.json", minimal() | {"id": "b"})
    assert ingest_paths(store, [first, second]).ok
    both = network(store)
    assert store.remove_graph(document_iri("a"))
    assert network(store) == both == derived(store)
    assert held_about_actors(store) == about_actors(store)
    assert store.remove_graph(document_iri("b"))
    assert network(store) == set() == derived(store)
    assert held_about_actors(store) == about_actors(store)


def test_replacing_a_document_drops_the_edges_it_no_longer_makes(
    store: RDFStore, tmp_path: Path
) -> None:
    doc = minimal()
    path = write(tmp_path / "d.json", doc)
    assert ingest_paths(store, [path]).ok
    doc["statements"] = doc["statements"][:1]  # the denial goes
    write(path, doc)
    assert ingest_paths(store, [path]).ok
    assert network(store) == derived(store)
    assert held_about_actors(store) == about_actors(store)
    assert not any(p.endswith("#denied") for _, p, _ in network(store))


def test_recovery_from_an_interrupted_load_prunes_the_network(tmp_path: Path) -> None:
    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, [SEED_YAML, write(tmp_path / "d.json", minimal())]).ok
    (tmp_path / JOURNAL).write_text(f"{document_iri('svr-nato-false-flag')}\n", encoding="utf-8")
    with RDFStore.in_data_dir(tmp_path) as store:
        assert store.document_ids() == ["mini"]
        assert network(store) == derived(store) != set()
        assert held_about_actors(store) == about_actors(store)


def test_batches_of_new_and_replaced_documents_keep_the_network_whole(
    store: RDFStore, tmp_path: Path
) -> None:
    """New documents load two batches at a time; a replacement waits for them and runs
    alone, so what it releases from the network is judged against every other graph."""
    paths = {n: write(tmp_path / f"{n}.json", minimal() | {"id": n}) for n in "abcdef"}
    assert ingest_paths(store, [paths["a"], paths["b"]], batch_size=1).ok
    changed = minimal() | {"id": "b"}
    changed["statements"] = changed["statements"][:1]  # b no longer says the denial
    write(paths["b"], changed)
    report = ingest_paths(store, [paths[n] for n in "cbdaef"], batch_size=2)
    assert report.ok and report.ingested == list("cbdaef")  # in input order
    assert network(store) == derived(store)
    assert held_about_actors(store) == about_actors(store)
    assert any(p.endswith("#denied") for _, p, _ in network(store))  # a, c … still say it


def test_a_store_from_before_the_actors_graph_gets_it_when_opened(tmp_path: Path) -> None:
    """Stores written before the actors graph was kept read their actor list from it now;
    opening one writes it, so nobody is missing."""
    from graph.rdf import catalog

    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, [SEED_YAML]).ok
        before = catalog.actors(store)
        store.oxigraph.remove_graph(ox.NamedNode(str(ACTORS_GRAPH)))
        assert catalog.actors(store) == {}
    with RDFStore.in_data_dir(tmp_path) as store:
        assert catalog.actors(store) == before != {}
        assert held_about_actors(store) == about_actors(store)
