"""Ingesting the seed example answers the investigator's questions through SPARQL."""

from __future__ import annotations

import io
from pathlib import Path

from rdflib import Literal

from graph.rdf.ingest import Ingestor, ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from loaders.errors import InputError
from loaders.validation import validate_document
from ontology.namespace import XSD
from tests.conftest import SEED_TEXT, SEED_YAML
from tests.docs import minimal, write


def labels(store: RDFStore, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in store.rows(store.query(sparql))}


def test_svr_accused_nato_and_ukraine(seed_store: RDFStore) -> None:
    accused = labels(
        seed_store,
        """
        SELECT ?b WHERE { ?svr rdfs:label "SVR" ; ag:accused ?t . ?t rdfs:label ?b }""",
    )
    assert {("NATO",), ("Ukraine",)} <= accused


def test_stoltenberg_speaks_for_nato_and_denied_and_warned(seed_store: RDFStore) -> None:
    rows = labels(
        seed_store,
        """
        SELECT ?spoken ?kind ?target WHERE {
          ?s rdfs:label "Jens Stoltenberg" ; ag:speaksFor/rdfs:label ?spoken .
          ?st ag:claimant ?s ; a ?k ; ag:target/rdfs:label ?target .
          ?k rdfs:subClassOf ag:Statement ; rdfs:label ?kind .
        }""",
    )
    assert ("NATO", "Denial", "Russia") in rows
    assert ("NATO", "Warning", "Russia") in rows
    assert labels(
        seed_store,
        """SELECT ?t WHERE { ?s rdfs:label "Jens Stoltenberg" ;
        ag:denied/rdfs:label ?t ; ag:warned/rdfs:label ?w }""",
    ) == {("Russia",)}


def test_the_svr_is_part_of_russia_and_accusations_roll_up(seed_store: RDFStore) -> None:
    rolled = labels(
        seed_store,
        """
        SELECT DISTINCT ?who ?whom WHERE {
          ?a ag:accused ?b .
          ?a ag:partOf*/ag:speaksFor?/ag:partOf* ?top_a .
          ?b ag:partOf*/ag:speaksFor?/ag:partOf* ?top_b .
          ?top_a rdfs:label ?who . ?top_b rdfs:label ?whom .
        }""",
    )
    assert ("Russia", "NATO") in rolled and ("NATO", "Russia") in rolled


def test_every_quote_span_matches_the_source_text(seed_store: RDFStore) -> None:
    source = SEED_TEXT.read_text(encoding="utf-8")
    rows = seed_store.rows(
        seed_store.query("""
        SELECT ?quote ?start ?end ?exact WHERE {
          ?st a ag:Statement ; ag:quote ?quote .
          ?ann oa:hasBody ?st ; oa:hasTarget ?t .
          ?t oa:hasSelector ?p, ?q .
          ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?q a oa:TextQuoteSelector ; oa:exact ?exact .
        }""")
    )
    assert len(rows) == 12
    for quote, start, end, exact in rows:
        assert source[int(start) : int(end)] == str(quote) == str(exact)


def test_hedged_statements_are_marked_hedged(seed_store: RDFStore) -> None:
    hedged = labels(seed_store, """SELECT ?q WHERE { ?s ag:modality ag:Hedged ; ag:quote ?q }""")
    assert any("might play a role" in q for (q,) in hedged)
    assert any("could stage a false flag" in q for (q,) in hedged)


def test_document_graph_holds_metadata_and_content_hash(seed_store: RDFStore) -> None:
    graph = document_iri("svr-nato-false-flag")
    assert seed_store.has_graph(graph)
    digest = seed_store.content_hash(graph)
    assert digest is not None and len(digest) == 64
    [(derived,)] = labels(
        seed_store,
        """SELECT (COUNT(?s) AS ?n) WHERE {
        ?s prov:wasDerivedFrom ?d . ?d a ag:Document }""",
    )
    assert int(derived) == 12 + 9  # every statement and every alleged act


def _dump(store: RDFStore) -> bytes:
    out = io.BytesIO()
    store.export(out, "nquads")
    return b"\n".join(sorted(out.getvalue().splitlines()))


def test_ingesting_twice_leaves_the_store_identical(seed_store: RDFStore) -> None:
    before = _dump(seed_store)
    report = ingest_paths(seed_store, [SEED_YAML])
    assert report.ok
    assert _dump(seed_store) == before


def test_reingest_replaces_the_named_graph(store: RDFStore, tmp_path: Path) -> None:
    doc = minimal()
    path = write(tmp_path / "d.json", doc)
    assert ingest_paths(store, [path]).ok
    doc["entities"][1]["name"] = "North Atlantic Treaty Organization"
    write(path, doc)
    assert ingest_paths(store, [path]).ok
    names = labels(store, "SELECT ?n WHERE { GRAPH ?g { ?a a ag:Actor ; rdfs:label ?n } }")
    assert names == {("SVR",), ("North Atlantic Treaty Organization",)}


def test_bad_file_leaves_the_store_unchanged(seed_store: RDFStore, tmp_path: Path) -> None:
    quads = seed_store.quad_count()
    bad = minimal()
    bad["id"] = "svr-nato-false-flag"  # would replace the seed, if it were valid
    bad["statements"][0]["claimant"] = "nobody"
    report = ingest_paths(seed_store, [write(tmp_path / "bad.json", bad)])
    assert not report.ok and report.ingested == []
    assert seed_store.quad_count() == quads


def test_good_files_are_ingested_and_bad_ones_listed(store: RDFStore, tmp_path: Path) -> None:
    good = minimal()
    bad = minimal() | {"id": "bad"}
    bad["text"] = "short"
    files = [
        write(tmp_path / "good.json", good),
        write(tmp_path / "bad.json", bad),
        tmp_path / "missing.yaml",
    ]
    report = ingest_paths(store, files)
    assert report.ingested == ["mini"]
    assert sorted(Path(e.source).name for e in report.failed) == ["bad.json", "missing.yaml"]


def test_a_document_shacl_refuses_is_reported_in_its_place_and_never_written(
    store: RDFStore,
) -> None:
    """The SHACL gate works on a batch while the next is read; a refusal still comes in the
    report where it came before: after the files read before its batch was full."""
    docs = [validate_document("mem", minimal() | {"id": f"d{i}"}) for i in range(4)]
    docs[1].statements[0].quote.text = ""  # mapped as an empty ag:quote: sh:minLength 1
    with Ingestor(store, batch_size=2) as ingestor:
        ingestor.add("d0.json", docs[0])
        ingestor.add("d1.json", docs[1])  # the first batch is full: its check starts
        ingestor.report.failed.append(InputError.single("later.json", "unreadable", "/"))
        ingestor.add("d2.json", docs[2])
        ingestor.add("d3.json", docs[3])
    report = ingestor.report
    assert [error.source for error in report.failed] == ["d1.json", "later.json"]
    reasons = [problem.reason for problem in report.failed[0].problems]
    assert reasons == ["does not conform: a statement needs its evidence quote"]
    assert report.ingested == ["d0", "d2", "d3"]
    assert [store.has_graph(document_iri(f"d{i}")) for i in range(4)] == [True, False, True, True]


def test_same_document_id_twice_in_one_run_is_refused(store: RDFStore, tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", minimal())
    second = write(tmp_path / "b.json", minimal())
    report = ingest_paths(store, [first, second])
    assert report.ingested == ["mini"]
    [failure] = report.failed
    assert failure.source == str(second) and "already ingested" in failure.problems[0].reason


def test_remove_withdraws_exactly_one_document(seed_store: RDFStore, tmp_path: Path) -> None:
    before = _dump(seed_store)
    assert ingest_paths(seed_store, [write(tmp_path / "d.json", minimal())]).ok
    assert seed_store.remove_graph(document_iri("mini"))
    assert _dump(seed_store) == before
    assert not seed_store.remove_graph(document_iri("mini"))


def test_statement_dates_are_typed(seed_store: RDFStore) -> None:
    [(date,)] = seed_store.rows(seed_store.query("SELECT DISTINCT ?d WHERE { ?s ag:statedOn ?d }"))
    assert isinstance(date, Literal) and date.datatype == XSD.date


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    def variant(name: str, change: object) -> Path:
        data = minimal() | {"id": "svr-nato-false-flag"}  # each would replace the seed
        change(data)  # type: ignore[operator]
        return write(tmp_path / name, data)

    raw = {
        "malformed.json": b'{"id": "x", "text": }',
        "malformed.yaml": b"id: x\ntext: [oops\n",
        "latin1.yaml": b"id: x\ntext: caf\xe9\n",
        "empty.json": b"",
        "list.json": b"[]",
    }
    files = {name: tmp_path / name for name in raw}
    for name, content in raw.items():
        files[name].write_bytes(content)
    files |= {
        "unknown-ref.json": variant(
            "unknown-ref.json", lambda d: d["statements"][0].update(claimant="x")
        ),
        "outside.json": variant(
            "outside.json", lambda d: d["statements"][0].update(quote={"start": 0, "end": 999})
        ),
        "mismatch.json": variant(
            "mismatch.json",
            lambda d: d["statements"][0].update(quote={"start": 0, "end": 3, "text": "SVR"}),
        ),
        "kind.json": variant("kind.json", lambda d: d["entities"][0].update(kind="Spy")),
        "missing.json": variant("missing.json", lambda d: d["entities"][0].pop("name")),
        "date.json": variant("date.json", lambda d: d["statements"][0].update(date="15/03/22")),
        "dup-id.json": variant("dup-id.json", lambda d: d["statements"][1].update(id="s1")),
    }
    return files


def test_no_kind_of_bad_file_changes_the_store(seed_store: RDFStore, tmp_path: Path) -> None:
    before = _dump(seed_store)
    files = _bad_files(tmp_path)
    report = ingest_paths(seed_store, list(files.values()), max_bytes=10_000)
    assert report.ingested == []
    assert sorted(Path(e.source).name for e in report.failed) == sorted(files)
    assert all(e.problems and e.problems[0].reason for e in report.failed)
    assert _dump(seed_store) == before


def test_what_the_store_gives_back_still_conforms_to_the_shapes(seed_store: RDFStore) -> None:
    from pyshacl import validate
    from rdflib import Dataset

    from ontology import load_shapes

    out = io.BytesIO()
    seed_store.export(out, "nquads", document_iri("svr-nato-false-flag"))
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="nquads")
    conforms, _, text = validate(dataset, shacl_graph=load_shapes(), inference="none")
    assert conforms, text


def test_the_example_carries_the_seed_article_unchanged() -> None:
    from loaders import load_document

    assert load_document(SEED_YAML).text == SEED_TEXT.read_text(encoding="utf-8")


def test_batches_loaded_at_once_give_the_store_one_load_gives(tmp_path: Path) -> None:
    """Small batches are bulk-loaded two at a time, on threads of their own; the store
    they make holds exactly what one batch of all the documents makes."""
    paths = [write(tmp_path / f"d{i}.json", minimal() | {"id": f"d{i}"}) for i in range(9)]
    dumps, reports = [], []
    for name, batch_size in (("one", 100), ("many", 2)):
        with RDFStore.in_data_dir(tmp_path / name) as store:
            reports.append(ingest_paths(store, paths, batch_size=batch_size, shacl=False))
            output = io.BytesIO()
            store.export(output, "nquads")
            dumps.append(set(output.getvalue().decode().splitlines()))
    assert reports[0].triples == reports[1].triples > 0
    assert reports[1].ingested == [f"d{i}" for i in range(9)]  # in input order
    assert dumps[0] == dumps[1]
