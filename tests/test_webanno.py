"""W3C Web Annotation JSON-LD: the seed as an AnnotationCollection, the selectors, the
containers, and errors by JSON pointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.rdf.store import RDFStore
from loaders import load_documents
from loaders.errors import InputError
from tests.formats import SEED_IN, refused, same_graph_as_native

TEXT = "The SVR accused NATO of a plot. NATO said: this is a lie."
CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def tagged(ident: str, label: str, word: str, *bodies: Any, by: str = "both") -> dict[str, Any]:
    start = TEXT.index(word)
    selectors = []
    if by in ("both", "position"):
        selectors.append({"type": "TextPositionSelector", "start": start, "end": start + len(word)})
    if by in ("both", "quote"):
        selectors.append({"type": "TextQuoteSelector", "exact": word, "prefix": TEXT[:start][-5:]})
    body = [{"type": "TextualBody", "purpose": "tagging", "value": label}, *bodies]
    target = {"source": "https://news.example/plot", "selector": selectors}
    return {"id": ident, "type": "Annotation", "body": body, "target": target}


def link(ident: str, role: str, source: str, target: str) -> dict[str, Any]:
    body = {"type": "TextualBody", "purpose": "tagging", "value": role}
    return {
        "id": ident,
        "type": "Annotation",
        "motivation": "linking",
        "body": body,
        "target": [source, target],
    }


def annotations() -> list[dict[str, Any]]:
    wikidata = {"id": "http://www.wikidata.org/entity/Q7184", "purpose": "identifying"}
    return [
        tagged("#svr", "IntelligenceService", "SVR", by="quote"),
        tagged("#nato", "InternationalOrganization", "NATO", wikidata, by="position"),
        tagged(
            "#s1",
            "Accusation",
            "The SVR accused NATO of a plot.",
            {"type": "TextualBody", "purpose": "classifying", "value": "Reported"},
            {"type": "TextualBody", "value": "id: first; date: 2022-03-14"},
        ),
        link("#l1", "Claimant", "#s1", "#svr"),
        link("#l2", "Target", "#s1", "#nato"),
    ]


def write(tmp_path: Path, data: Any, name: str = "plot.jsonld") -> Path:
    (tmp_path / "plot.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_seed_as_web_annotations_yields_the_native_graph(store: RDFStore, tmp_path: Path) -> None:
    assert same_graph_as_native(store, SEED_IN["webanno"], tmp_path)


@pytest.mark.parametrize(
    "container",
    [
        lambda items: items,
        lambda items: {"@context": CONTEXT, "type": "AnnotationPage", "items": items},
        lambda items: {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": "The plot",
            "first": {
                "type": "AnnotationPage",
                "items": items[:2],
                "next": {"type": "AnnotationPage", "items": items[2:]},
            },
        },
    ],
)
def test_lists_pages_and_collections_with_both_selectors(tmp_path: Path, container: Any) -> None:
    [doc] = load_documents(write(tmp_path, container(annotations())))
    assert doc.id == "plot" and doc.url == "https://news.example/plot"
    [statement] = doc.statements
    assert (statement.id, statement.claimant, statement.targets) == ("first", "svr", ["nato"])
    assert statement.modality.value == "reported" and str(statement.date) == "2022-03-14"
    assert {e.id: e.wikidata for e in doc.entities} == {"svr": None, "nato": "Q7184"}


def test_metadata_beside_and_collection_label(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": "The plot",
            "first": {"type": "AnnotationPage", "items": annotations()},
        },
    )
    (tmp_path / "plot.json").write_text(json.dumps({"id": "plot-2022", "publisher": "Wire"}))
    [doc] = load_documents(path)
    assert (doc.id, doc.title, doc.publisher) == ("plot-2022", "The plot", "Wire")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda a: a[0]["target"]["selector"][0].update(exact="XYZ"), "not found (once)"),
        (lambda a: a[3].update(target=["#s1", "#ghost"]), "Claimant points to '#ghost'"),
        (lambda a: a[1]["body"][0].update(value="Alliance"), "unknown label 'Alliance'"),
        (lambda a: a[1]["target"]["selector"][0].update(end=99), "outside the text"),
    ],
)
def test_bad_annotation_is_refused_by_pointer_and_nothing_written(
    store: RDFStore, tmp_path: Path, change: Any, reason: str
) -> None:
    broken = annotations()
    change(broken)
    path = write(tmp_path, {"@context": CONTEXT, "type": "AnnotationPage", "items": broken})
    refused(store, path, "/items/", reason)


def test_text_must_be_beside(tmp_path: Path) -> None:
    path = tmp_path / "alone.jsonld"
    path.write_text(json.dumps(annotations()), encoding="utf-8")
    with pytest.raises(InputError, match=r"put it in alone\.txt"):
        load_documents(path, "webanno")


def test_rfc5147_fragment_selector(tmp_path: Path) -> None:
    items = annotations()
    items[0]["target"]["selector"] = {"type": "FragmentSelector", "value": "char=4,7"}
    [doc] = load_documents(write(tmp_path, items))
    assert [m.text for e in doc.entities for m in e.mentions if e.id == "svr"] == ["SVR"]
