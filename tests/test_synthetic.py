"""The synthetic corpus is valid, deterministic, varied and skewed like real reporting."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

from loaders import load_document
from loaders.synthetic import generate_documents, write_corpus
from loaders.validation import check_document
from ontology import ActorKind, Modality, StatementKind


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    first = [d.model_dump() for d in generate_documents(20, seed=7)]
    assert first == [d.model_dump() for d in generate_documents(20, seed=7)]
    assert first != [d.model_dump() for d in generate_documents(20, seed=8)]


def test_every_document_passes_the_whole_document_checks() -> None:
    for doc in generate_documents(200, seed=3):
        problems = check_document(doc)
        assert problems == [], (doc.id, problems)
        for st in doc.statements:
            assert doc.text[st.quote.start : st.quote.end] == st.quote.text  # type: ignore[misc]


def test_all_kinds_appear_and_popularity_is_skewed() -> None:
    docs = list(generate_documents(500, seed=1))
    assert {s.kind for d in docs for s in d.statements} == set(StatementKind)
    assert {s.modality for d in docs for s in d.statements} == set(Modality)
    assert {e.kind for d in docs for e in d.entities} == set(ActorKind)
    assert any(s.responds_to for d in docs for s in d.statements)
    assert any(d.relations for d in docs)
    per_actor = Counter(e.name for d in docs for e in d.entities)
    assert max(per_actor.values()) > 10 * statistics.median(per_actor.values())


def test_written_files_load_through_the_native_loader(tmp_path: Path) -> None:
    assert write_corpus(30, tmp_path, seed=2) == 30
    loaded = [load_document(path) for path in sorted(tmp_path.glob("*.json"))]
    assert [d.id for d in loaded] == [f"doc-{n:06}" for n in range(1, 31)]
