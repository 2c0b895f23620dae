"""doccano JSONL: the seed as doccano exports it, many lines, unlabelled lines, the older
`label` export, and errors by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.rdf.store import RDFStore
from loaders import load_documents
from tests.formats import SEED_IN, refused, same_graph_as_native

TEXT = "The SVR accused NATO of a plot. NATO said: this is a lie."


def span(ident: int, label: str, word: str, after: int = 0) -> dict[str, Any]:
    start = TEXT.index(word, after)
    return {"id": ident, "label": label, "start_offset": start, "end_offset": start + len(word)}


def line(ident: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "text": TEXT,
        "entities": [
            span(1, "IntelligenceService", "SVR"),
            span(2, "InternationalOrganization", "NATO"),
            span(3, "Accusation", "The SVR accused NATO of a plot."),
            span(4, "AllegedAct", "a plot"),
        ],
        "relations": [
            {"id": 1, "from_id": 3, "to_id": 1, "type": "Claimant"},
            {"id": 2, "from_id": 3, "to_id": 2, "type": "Target"},
            {"id": 3, "from_id": 3, "to_id": 4, "type": "AllegedAct"},
        ],
        "Comments": [],
        **extra,
    }


def jsonl(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    path = tmp_path / "export.jsonl"
    rows = [row if isinstance(row, str) else json.dumps(row) for row in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_seed_from_doccano_yields_the_native_graph(store: RDFStore, tmp_path: Path) -> None:
    assert same_graph_as_native(store, SEED_IN["doccano"], tmp_path)


def test_each_labelled_line_is_a_document_unlabelled_lines_skipped(tmp_path: Path) -> None:
    unlabelled = {"id": 9, "text": "Nothing marked here.", "entities": [], "relations": []}
    old_unlabelled = {"id": 10, "text": "Nor here.", "label": []}
    path = jsonl(
        tmp_path,
        line(1, doc_id="first", title="One"),
        unlabelled,
        "",
        old_unlabelled,
        line(2, meta={"doc_id": "second", "url": "https://example.org/2"}),
        line(3),
    )
    docs = load_documents(path)
    assert [(d.id, d.title, d.url) for d in docs] == [
        ("first", "One", None),
        ("second", None, "https://example.org/2"),
        ("doccano-3", None, None),
    ]
    statement = docs[0].statements[0]
    assert (statement.claimant, statement.targets, statement.act) == ("svr", ["nato"], "plot")


def test_older_label_export_without_relations(tmp_path: Path) -> None:
    old = {"id": 4, "text": TEXT, "label": [[4, 7, "IntelligenceService"], [16, 20, "NATO-ish"]]}
    path = jsonl(tmp_path, old)
    with pytest.raises(Exception, match="unknown label 'NATO-ish'"):
        load_documents(path)
    old["label"] = [[4, 7, "IntelligenceService"], [16, 20, "InternationalOrganization"]]
    [doc] = load_documents(jsonl(tmp_path, old))
    assert sorted(e.id for e in doc.entities) == ["nato", "svr"] and not doc.statements


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "malformed JSON"),
        (
            json.dumps(line(5, relations=[{"id": 1, "from_id": 3, "to_id": 99, "type": "Target"}])),
            "Target points to '99'",
        ),
        (
            json.dumps(line(6, entities=[span(1, "Spy", "SVR")], relations=[])),
            "unknown label 'Spy'",
        ),
    ],
)
def test_bad_line_is_refused_by_line_and_nothing_is_written(
    store: RDFStore, tmp_path: Path, bad: str, reason: str
) -> None:
    refused(store, jsonl(tmp_path, line(1), bad), "line 2", reason)


def test_a_native_document_on_one_line_without_entities_is_not_taken_for_doccano(
    tmp_path: Path,
) -> None:
    path = tmp_path / "empty.json"
    native = {"id": "empty", "text": TEXT, "entities": [], "statements": []}
    path.write_text(json.dumps(native), encoding="utf-8")
    [doc] = load_documents(path)
    assert (doc.id, doc.entities, doc.statements) == ("empty", [], [])
    path.write_text(json.dumps({"id": "bare", "text": TEXT, "entities": []}), encoding="utf-8")
    assert [d.id for d in load_documents(path)] == ["bare"]
    unlabelled = tmp_path / "unlabelled.json"  # doccano's own line, no labels yet
    unlabelled.write_text(json.dumps({"id": 7, "text": TEXT, "entities": []}), encoding="utf-8")
    assert load_documents(unlabelled) == []
