"""The rolled-up accusation network the sync keeps: after every kind of change, its mirrors
equal the ones computed from scratch (the old per-question Cypher and the SPARQL form)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import queries as q
from graph.property import cypher
from graph.rdf.curation import merge_actors, split_actor
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from graph.sync import rolled_up, rolled_up_graph
from graph.sync.mapping import relationship_type
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders import discover
from loaders.synthetic import write_corpus
from ontology import AG
from tests.docs import write

ACTOR = "https://w3id.org/allegraph/id/actor/"
FALSE_FLAG = "https://w3id.org/allegraph/ns#FalseFlag"


def assert_exact(store: RDFStore, backend: Any) -> list[q.Mirror]:
    """The maintained mirrors, both ways of asking, equal the ones computed from scratch;
    `sync --verify`'s check of the network finds nothing wrong. Returns the typed ones.

    (Not the whole of `sync --verify`: after `actors split` its label counts differ, with
    or without the network, see test_generated_corpus_added_to_removed_from_and_curated.)"""
    assert rolled_up_graph.is_exact(backend)
    for same in (True, False):
        kept = q.mirrors_maintained(backend, same)
        assert kept == q.mirrors_recomputed(backend, same)
        assert kept == q.mirrors_sparql(store, same, True)
        assert kept == q.mirrors_cypher(backend, same, True)
    assert rolled_up_graph.differences(backend) == []
    return q.mirrors_maintained(backend)


# documents made to order ------------------------------------------------------------------

KINDS = {"P": "Person", "Q": "Person"}  # the others are organisations


def doc(
    name: str,
    accusations: list[tuple[str, str, str]] = (),  # type: ignore[assignment]  # act "": none
    links: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """A native document: `accusations` (claimant, target, act type slug) and `links`
    (actor, organisation it is part of / speaks for), actors named by one letter."""
    text = ""
    mentions: dict[str, list[dict[str, int]]] = {}
    statements: list[dict[str, Any]] = []
    acts: dict[str, dict[str, Any]] = {}

    def say(letter: str) -> None:
        nonlocal text
        mentions.setdefault(letter, []).append({"start": len(text), "end": len(text) + 5})
        text += f"Actor{letter} "

    for i, (claimant, target, act) in enumerate(accusations):
        start = len(text)
        say(claimant)
        text += "accused "
        say(target)
        text += f"of {act}. "
        statement = {
            "id": f"s{i}",
            "kind": "accusation",
            "claimant": claimant,
            "targets": [target],
            "quote": {"start": start, "end": len(text) - 1},
            "date": "2024-01-02",
            "modality": "asserted",
        }
        if act:  # else an accusation of no act, so of no act type
            acts.setdefault(act, {"id": f"act{len(acts)}", "label": act, "types": [act]})
            statement["act"] = acts[act]["id"]
        statements.append(statement)
    for child, _ in links:
        for letter in (child, _):
            say(letter)
    entities = [
        {"id": a, "kind": KINDS.get(a, "Organization"), "name": f"Actor{a}", "mentions": m}
        for a, m in sorted(mentions.items())
    ]
    relations = [
        {"kind": "speaks-for" if KINDS.get(c) == "Person" else "part-of", "source": c, "target": p}
        for c, p in links
    ]
    return {
        "id": name,
        "title": name,
        "text": text,
        "entities": entities,
        "acts": list(acts.values()),
        "statements": statements,
        "relations": relations,
    }


def ingest(store: RDFStore, tmp_path: Path, *documents: dict[str, Any]) -> None:
    paths = [write(tmp_path / f"{d['id']}.json", d) for d in documents]
    report = ingest_paths(store, paths, shacl=False)
    assert report.ok, [e.describe() for e in report.failed]


def actor(letter: str) -> str:
    return f"{ACTOR}actor{letter.lower()}"


# the counts themselves --------------------------------------------------------------------


def test_counts_by_differences_equal_counts_whole() -> None:
    """Taking back a pair's old contribution and adding its new one gives what computing the
    whole network again gives, whatever changed: act types, a pair gone, a roll-up moved."""
    before = {("c", "t"): frozenset({"k1"}), ("t", "c"): frozenset({"k1", "k2"})}
    after = {("c", "t"): frozenset({"k2"}), ("u", "c"): frozenset({"k1"})}
    up_before = {"c": frozenset({"c", "o"}), "t": frozenset({"t"}), "u": frozenset({"u"})}
    up_after = {"c": frozenset({"c"}), "t": frozenset({"t", "o", "b"}), "u": frozenset({"u", "o"})}
    counts = rolled_up.whole(before, up_before)
    pairs = set(before) | set(after)
    rolled_up.contributions(pairs, before, up_before, counts, -1)
    rolled_up.contributions(pairs, after, up_after, counts, +1)
    assert rolled_up.edges(counts) == rolled_up.edges(rolled_up.whole(after, up_after))
    network = rolled_up.edges(rolled_up.whole(after, up_after))
    assert network["o", "c"] == rolled_up.Edge("o", "c", 1, ("k1",), (1,))
    assert ("o", "o") not in network  # an actor does not accuse itself
    assert rolled_up.mirrors(network) == {("c", "o"): ()}  # no act type both ways
    assert rolled_up.mirrors(rolled_up.edges(rolled_up.whole(before, up_before))) == {
        ("c", "t"): ("k1",),
        ("o", "t"): ("k1",),
    }


def test_a_count_below_nothing_is_refused() -> None:
    with_negative: Counter[rolled_up.Key] = Counter({("a", "b", None): -1})
    try:
        rolled_up.edges(with_negative)
    except ValueError as error:
        assert "a → b" in str(error)
    else:
        raise AssertionError("a negative count was taken")


def test_roll_up_types_are_the_mapping_s() -> None:
    assert relationship_type(str(AG.partOf)) in cypher.ROLL_UP_TYPES
    assert relationship_type(str(AG.speaksFor)) in cypher.ROLL_UP_TYPES
    assert len(cypher.ROLL_UP_TYPES) == 2


# after each kind of change ----------------------------------------------------------------


def test_a_member_joining_and_leaving_makes_and_unmakes_a_mirror(
    store: RDFStore,
    graph_db: Any,
    tmp_path: Path,
) -> None:
    """Z accuses P; the organisation O accuses Z. They mirror only while one document says P
    speaks for O; and O's bloc B mirrors Z while another says O is part of B."""
    ingest(store, tmp_path, doc("acc1", [("Z", "P", "false-flag")]))
    ingest(store, tmp_path, doc("acc2", [("O", "Z", "false-flag")]))
    sync_documents(store, graph_db)
    assert assert_exact(store, graph_db) == []
    assert differences(store, graph_db) == []
    ingest(store, tmp_path, doc("join", links=[("P", "O")]), doc("bloc", links=[("O", "B")]))
    report = sync_documents(store, graph_db)
    assert not report.built_in_bulk and report.added == 2
    assert {(m.a, m.b) for m in assert_exact(store, graph_db)} == {
        (actor("O"), actor("Z")),
        (actor("B"), actor("Z")),
    }
    ingest(store, tmp_path, doc("join-again", links=[("P", "O")]))
    store.remove_graph(document_iri("join"))
    sync_documents(store, graph_db)  # still said by one document
    assert len(assert_exact(store, graph_db)) == 2
    store.remove_graph(document_iri("join-again"))
    sync_documents(store, graph_db)  # P has left O
    assert assert_exact(store, graph_db) == []


def test_a_document_rewritten_with_its_actors_alone_in_it_keeps_their_mirrors(
    store: RDFStore,
    graph_db: Any,
    tmp_path: Path,
) -> None:
    """Re-syncing a document deletes the actors only it has and writes them again: the
    network's edges at them, which went with the nodes, are written again too."""
    first = doc("d", [("X", "Y", "false-flag"), ("Y", "X", "false-flag")])
    ingest(store, tmp_path, first)
    sync_documents(store, graph_db)
    mirrors = assert_exact(store, graph_db)
    assert len(mirrors) == 1
    ingest(store, tmp_path, first | {"title": "d, corrected"})
    assert sync_documents(store, graph_db).changed == 1
    assert assert_exact(store, graph_db) == mirrors


def test_generated_corpus_added_to_removed_from_and_curated(
    store: RDFStore,
    graph_db: Any,
    tmp_path: Path,
) -> None:
    write_corpus(160, tmp_path / "corpus", seed=11)
    paths = sorted(discover([tmp_path / "corpus"]))
    assert ingest_paths(store, paths[:120], shacl=False).ok
    assert sync_documents(store, graph_db).built_in_bulk
    first = assert_exact(store, graph_db)
    assert len(first) > 20
    assert ingest_paths(store, paths[120:], shacl=False).ok
    assert sync_documents(store, graph_db).added == 40
    assert assert_exact(store, graph_db) != first
    for name in ("doc-000003", "doc-000050", "doc-000151"):
        store.remove_graph(document_iri(name))
    assert sync_documents(store, graph_db).removed == 3
    assert_exact(store, graph_db)
    assert differences(store, graph_db) == []
    busiest = store.solutions(
        "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ag:accused ?b } GROUP BY ?a ORDER BY DESC(?n) ?a"
    )
    keep, merged = busiest[0]["a"].value, busiest[3]["a"].value
    assert merge_actors(store, keep, merged).documents
    sync_documents(store, graph_db)
    merged_mirrors = assert_exact(store, graph_db)
    assert all(merged not in (m.a, m.b) for m in merged_mirrors)
    assert differences(store, graph_db) == []
    split_actor(store, merged)
    sync_documents(store, graph_db)
    # The split leaves one actor node with a label no document gives it any more (a
    # `label:…` count differs by one, as it does without the network): not checked here.
    assert assert_exact(store, graph_db) != merged_mirrors


def test_bulk_off_and_full_builds_give_the_same_network(
    store: RDFStore,
    graph_db: Any,
    other_graph: Any,
    tmp_path: Path,
) -> None:
    write_corpus(50, tmp_path / "corpus", seed=12)
    assert ingest_paths(store, discover([tmp_path / "corpus"]), shacl=False).ok
    sync_documents(store, graph_db)
    sync_documents(store, other_graph, bulk=False)
    network = graph_db.read(cypher.ALL_ROLLED_UP)
    assert network and sorted(map(repr, network)) == sorted(
        map(repr, other_graph.read(cypher.ALL_ROLLED_UP))
    )
    assert_exact(store, other_graph)


def test_an_inexact_network_is_not_read_and_is_built_again(
    seed_store: RDFStore,
    graph_db: Any,
) -> None:
    """A sync cut off leaves the network marked inexact: the questions compute mirrors from
    the accusations meanwhile, verify says so, and the next sync builds it whole."""
    sync_documents(seed_store, graph_db)
    expected = assert_exact(seed_store, graph_db)
    graph_db.write(cypher.DELETE_DERIVED)
    rolled_up_graph.mark(graph_db, False)
    assert q.mirrors_maintained(graph_db) == []
    assert q.mirrors_cypher(graph_db) == expected
    assert any("not marked exact" in line for line in differences(seed_store, graph_db))
    sync_documents(seed_store, graph_db)  # nothing to write, the network to build
    assert assert_exact(seed_store, graph_db) == expected


def test_verify_finds_a_wrong_network(seed_store: RDFStore, graph_db: Any) -> None:
    sync_documents(seed_store, graph_db)
    assert_exact(seed_store, graph_db)
    graph_db.write(f"MATCH ()-[m:{cypher.MIRRORS}]->() DELETE m")
    assert differences(seed_store, graph_db) == [
        "mirrors: the maintained ones differ from a computation whole"
    ]
    graph_db.write(f"MATCH ()-[r:{cypher.ROLLED_UP}]->() SET r.pairs = r.pairs + 1")
    assert any("pairs differ" in line for line in differences(seed_store, graph_db))


# random sequences ---------------------------------------------------------------------------

LETTERS = "ABOPQXYZ"
ACTS = ("false-flag", "cyberattack", "")
accusations = st.lists(
    st.tuples(st.sampled_from(LETTERS), st.sampled_from(LETTERS), st.sampled_from(ACTS)).filter(
        lambda a: a[0] != a[1]
    ),
    max_size=3,
)
links = st.lists(
    st.tuples(st.sampled_from(LETTERS), st.sampled_from(LETTERS)).filter(lambda x: x[0] != x[1]),
    max_size=2,
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 7), accusations, links),
        st.tuples(st.just("remove"), st.integers(0, 7), st.just([]), st.just([])),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_random_adds_and_removes_keep_the_network_exact(
    store: RDFStore,
    graph_db: Any,
    tmp_path: Path,
    sequence: list[tuple[str, int, list[tuple[str, str, str]], list[tuple[str, str]]]],
) -> None:
    """Documents (eight slots) written, rewritten and withdrawn in random order, a sync after
    each step (several per batch too), links forming cycles and chains: the network stays
    exact. The store and graph carry over from one example to the next."""
    for i, (action, slot, said, linked) in enumerate(sequence):
        name = f"slot{slot}"
        if action == "add" and (said or linked):
            ingest(store, tmp_path, doc(name, said, linked))
        else:
            store.remove_graph(document_iri(name))
        if i % 2 or i == len(sequence) - 1:
            sync_documents(store, graph_db)
            assert_exact(store, graph_db)


def test_accusations_of_no_act_type_mirror_only_as_any_type(
    store: RDFStore, graph_db: Any, tmp_path: Path
) -> None:
    """An accusation without an act has no act type: it makes a pair, never a typed mirror."""
    ingest(store, tmp_path, doc("plain", [("X", "Y", ""), ("Y", "X", "")]))
    sync_documents(store, graph_db)
    assert assert_exact(store, graph_db) == []
    assert q.mirrors_maintained(graph_db, False) == [q.Mirror(actor("X"), actor("Y"), None)]
    ingest(store, tmp_path, doc("typed", [("X", "Y", "false-flag"), ("Y", "X", "false-flag")]))
    store.remove_graph(document_iri("plain"))
    sync_documents(store, graph_db)
    assert assert_exact(store, graph_db) == [q.Mirror(actor("X"), actor("Y"), FALSE_FLAG)]
