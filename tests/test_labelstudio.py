"""Label Studio JSON export: the seed as Label Studio exports it, several tasks and
annotators, browser (UTF-16) offsets, and errors by JSON pointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from loaders import load_documents
from loaders.errors import InputError
from tests.formats import SEED_IN, refused, same_graph_as_native

TEXT = "The SVR accused NATO of a plot. NATO said: this is a lie."


def region(ident: str, label: str, word: str, after: int = 0, text: str = TEXT) -> dict[str, Any]:
    start = text.index(word, after)
    value = {"start": start, "end": start + len(word), "text": word, "labels": [label]}
    return {"id": ident, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def relation(source: str, target: str, label: str, direction: str = "right") -> dict[str, Any]:
    return {
        "from_id": source,
        "to_id": target,
        "type": "relation",
        "direction": direction,
        "labels": [label],
    }


def results() -> list[dict[str, Any]]:
    return [
        region("a", "IntelligenceService", "SVR"),
        region("b", "InternationalOrganization", "NATO"),
        region("c", "Accusation", "The SVR accused NATO of a plot."),
        relation("c", "a", "Claimant"),
        relation("b", "c", "Target", direction="left"),
        {
            "id": "c",
            "from_name": "modality",
            "to_name": "text",
            "type": "choices",
            "value": {"start": 0, "end": 31, "choices": ["Hedged"]},
        },
        {
            "id": "a",
            "from_name": "notes",
            "to_name": "text",
            "type": "textarea",
            "value": {"start": 4, "end": 7, "text": ["name: SVR; aliases: Foreign Intelligence"]},
        },
    ]


def task(ident: int, annotations: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    return {"id": ident, "data": {"text": TEXT, **data}, "annotations": annotations, "meta": {}}


def annotation(result: list[dict[str, Any]], updated: str, **extra: Any) -> dict[str, Any]:
    return {"id": 1, "result": result, "was_cancelled": False, "updated_at": updated, **extra}


def export(tmp_path: Path, tasks: list[dict[str, Any]]) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def test_seed_from_label_studio_yields_the_native_graph(store: RDFStore, tmp_path: Path) -> None:
    assert same_graph_as_native(store, SEED_IN["labelstudio"], tmp_path)


def test_regions_relations_and_per_region_controls(tmp_path: Path) -> None:
    [doc] = load_documents(export(tmp_path, [task(7, [annotation(results(), "2024-01-01")])]))
    assert doc.id == "task-7"
    [statement] = doc.statements
    assert (statement.claimant, statement.targets) == ("svr", ["nato"])
    assert statement.modality.value == "hedged"
    [svr] = [e for e in doc.entities if e.id == "svr"]
    assert svr.aliases == ["Foreign Intelligence"]


def test_several_tasks_several_documents_and_unannotated_tasks_skipped(tmp_path: Path) -> None:
    tasks = [
        task(1, [annotation(results(), "2024-01-01")], id="first", title="One"),
        task(2, []),
        task(3, [annotation(results(), "2024-01-01")], doc_id="third"),
    ]
    docs = load_documents(export(tmp_path, tasks))
    assert [(d.id, d.title) for d in docs] == [("first", "One"), ("third", None)]


def test_several_annotators_ground_truth_then_latest_not_cancelled(tmp_path: Path) -> None:
    fewer = [r for r in results() if r.get("type") != "choices"]
    older = annotation(results(), "2024-01-01")
    newer = annotation(fewer, "2024-02-01")
    cancelled = annotation(results(), "2024-03-01", was_cancelled=True)
    [doc] = load_documents(export(tmp_path, [task(1, [older, newer, cancelled])]))
    assert doc.statements[0].modality.value == "asserted"  # the newer, without the choice
    truth = annotation(results(), "2023-12-01", ground_truth=True)
    [doc] = load_documents(export(tmp_path, [task(1, [newer, truth])]))
    assert doc.statements[0].modality.value == "hedged"


def test_browser_offsets_past_an_emoji_are_converted(tmp_path: Path) -> None:
    text = "🚀 The SVR accused NATO."
    shifted = region("a", "IntelligenceService", "SVR", text=text)
    shifted["value"]["start"] += 1  # the rocket is two UTF-16 units
    shifted["value"]["end"] += 1
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [annotation([shifted], "x")]}]
    [doc] = load_documents(export(tmp_path, tasks))
    assert doc.entities[0].mentions[0].text == "SVR"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: r[0]["value"].update(text="NATO"), "reads 'SVR' in the text, not 'NATO'"),
        (lambda r: r[3].update(to_id="zz"), "Claimant points to 'zz'"),
        (lambda r: r[0]["value"].update(labels=["Spook"]), "unknown label 'Spook'"),
    ],
)
def test_bad_result_is_refused_by_pointer_and_nothing_is_written(
    store: RDFStore, tmp_path: Path, change: Any, reason: str
) -> None:
    broken = results()
    change(broken)
    path = export(
        tmp_path, [task(1, [annotation(results(), "x")]), task(2, [annotation(broken, "x")])]
    )
    refused(store, path, "/1/annotations/0/result/", reason)


def test_one_task_object_and_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(task(5, [annotation(results(), "x")])), encoding="utf-8")
    assert [d.id for d in load_documents(path, "labelstudio")] == ["task-5"]
    path.write_text(json.dumps([{"nothing": 1}]), encoding="utf-8")
    with pytest.raises(InputError, match="expected a task object"):
        load_documents(path, "labelstudio")


def test_one_actor_across_the_tasks_of_an_export(store: RDFStore, tmp_path: Path) -> None:
    with_item = results()
    with_item.append(
        {
            "id": "b",
            "type": "textarea",
            "from_name": "notes",
            "to_name": "text",
            "value": {"text": ["wikidata: Q7184"]},
        }
    )
    tasks = [
        task(1, [annotation(results(), "x")], id="first"),
        task(2, [annotation(with_item, "x")], id="second"),
    ]
    report = ingest_paths(store, [export(tmp_path, tasks)])
    assert report.ok and report.ingested == ["first", "second"]
    rows = store.solutions(
        "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?s ag:target ?a } }",
    )
    assert len(rows) == 1
