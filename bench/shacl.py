"""SHACL validators side by side on allegraph's shapes and batches: seconds per batch of 200
synthetic documents, the speed-up over pySHACL, and whether each gives pySHACL's verdicts
on the good batches, on every case of tests/shacl_cases.py (one constraint broken each) and
on documents broken at random (tests/shacl_cases.py's `broken_documents`, drawn by
hypothesis): how many each passes that pySHACL refuses (never allowed of a gate) and
refuses that pySHACL passes (allowed of the gate: pySHACL then decides).

The Rust validators from PyPI (pyshacl-turbo, pyrudof, shacl-rust) are not dependencies of
allegraph: install them by hand to compare (`.venv/bin/pip install pyrudof`); one that is
absent is reported as "not installed".
Usage: python bench/shacl.py [--documents 1000] [--batch 200] [--mutations 250]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Validator = Callable[[str], bool]  # N-Triples text → conforms


def document_batches(documents: int, size: int) -> list[list[str]]:
    """The N-Triples of synthetic documents, `size` documents to a batch, as ingest has them."""
    from graph.rdf.mapping import document_ntriples
    from loaders.synthetic import generate_documents
    from loaders.validation import validate_document

    texts = [
        document_ntriples(validate_document("synthetic", d.model_dump(exclude_none=True)))
        for d in generate_documents(documents, seed=1)
    ]
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def batches(documents: int, size: int) -> list[str]:
    """Each batch's documents as one graph, as the validators are given it."""
    return ["".join(batch) for batch in document_batches(documents, size)]


def as_ingest_runs_it(batches: list[list[str]]) -> tuple[float, int]:
    """The gate as ingest runs it on graphs the mapping wrote (their annotations left out):
    the median seconds per batch, and how many batches it passed."""
    from rdflib import URIRef

    from graph.rdf.shacl import gate_passes

    graphs = [[(URIRef(ROOT.as_uri()), text) for text in batch] for batch in batches]
    seconds, verdicts = measure(gate_passes, graphs)
    return statistics.median(seconds), sum(verdicts)


def pyshacl() -> Validator:
    from graph.rdf.shacl import pyshacl_conforms

    return lambda text: pyshacl_conforms([(ROOT.as_uri(), text)])


def gate() -> Validator:
    from graph.rdf.shacl import GATE

    return GATE.conforms


def pyshacl_turbo() -> Validator:
    import pyshacl_turbo as turbo  # type: ignore[import-not-found,unused-ignore]

    from ontology import SHAPES_TTL

    shapes = SHAPES_TTL.read_text()
    options = {"inference": "none", "allow_warnings": True, "allow_infos": True}
    return lambda text: bool(
        turbo.validate(text, shacl_graph=shapes, data_graph_format="nt", **options)[0]
    )


def pyrudof() -> Validator:
    import pyrudof as rudof  # type: ignore[import-not-found,unused-ignore]

    from ontology import SHAPES_TTL

    engine = rudof.Rudof(rudof.RudofConfig())
    engine.read_shacl(SHAPES_TTL.read_text(), rudof.ShaclFormat.Turtle)

    def conforms(text: str) -> bool:
        engine.reset_data()
        engine.read_data(text, rudof.RDFFormat.NTriples)
        return bool(engine.validate_shacl().conforms)

    return conforms


def shacl_rust() -> Validator:
    import shacl_rust as rust  # type: ignore[import-not-found,unused-ignore]

    from ontology import SHAPES_TTL

    shapes = SHAPES_TTL.read_text()
    return lambda text: bool(rust.conforms(text, shapes, data_format="nt"))


VALIDATORS: dict[str, Callable[[], Validator]] = {
    "pySHACL": pyshacl,
    "allegraph gate": gate,
    "pyshacl-turbo": pyshacl_turbo,
    "pyrudof": pyrudof,
    "shacl-rust": shacl_rust,
}


def broken_cases() -> dict[str, str]:
    """Each case of tests/shacl_cases.py as the N-Triples of its broken document."""
    from tests.shacl_cases import CASES, Lines, full_text

    return {f"{s} {p} {k}": CASES[s, p, k](Lines(full_text())).text() for s, p, k in CASES}


def mutated(count: int) -> list[str]:
    """`count` documents broken at random, the same ones each run."""
    from hypothesis import HealthCheck, given, settings

    from tests.shacl_cases import broken_documents

    drawn: list[str] = []
    quiet = settings(
        max_examples=count, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )

    @quiet
    @given(broken_documents())
    def draw(text: str) -> None:
        drawn.append(text)

    draw()
    return drawn[:count]


def measure(validate: Callable[[Any], bool], texts: list[Any]) -> tuple[list[float], list[bool]]:
    seconds, verdicts = [], []
    for text in texts:
        started = time.perf_counter()
        verdicts.append(validate(text))
        seconds.append(time.perf_counter() - started)
    return seconds, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--mutations", type=int, default=250)
    args = parser.parse_args()
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)  # ill-typed literals, on purpose
    grouped = document_batches(args.documents, args.batch)
    texts = ["".join(batch) for batch in grouped]
    triples = statistics.mean(text.count("\n") for text in texts)
    cases = broken_cases()
    randomly = mutated(args.mutations)
    print(f"{len(texts)} batches of {args.batch} documents, {triples:,.0f} triples each (mean)")
    print(f"{len(cases)} broken documents (tests/shacl_cases.py), {len(randomly)} mutated ones\n")
    print(
        f"{'validator':<16} {'s/batch':>8} {'triples/s':>10} {'speed-up':>9} "
        f"{'good batches pass':>18} {'broken: as pySHACL':>19} "
        f"{'mutated: passes refused / refuses passed':>41}"
    )
    expected: list[bool] = []
    expected_mutated: list[bool] = []
    baseline = 0.0
    for name, make in VALIDATORS.items():
        try:
            validate = make()
        except ImportError:
            print(f"{name:<16} not installed")
            continue
        seconds, verdicts = measure(validate, texts)
        broken = [validate(text) for text in cases.values()]
        expected = expected or broken
        verdicts_mutated = [_verdict(validate, text) for text in randomly]
        expected_mutated = expected_mutated or verdicts_mutated
        pairs = list(zip(verdicts_mutated, expected_mutated, strict=True))
        too_lax = sum(got is True and want is False for got, want in pairs)
        too_strict = sum(got is False and want is True for got, want in pairs)
        per_batch = statistics.median(seconds)
        baseline = baseline or per_batch
        agree = sum(a == b for a, b in zip(broken, expected, strict=True))
        print(
            f"{name:<16} {per_batch:>8.3f} {triples / per_batch:>10,.0f} "
            f"{baseline / per_batch:>8.1f}x {sum(verdicts):>12}/{len(verdicts):<5} "
            f"{agree:>13}/{len(broken):<5} {too_lax:>30} / {too_strict:<9}"
        )
        for case, got, want in zip(cases, broken, expected, strict=True):
            if got != want:
                print(f"{'':<18}differs on {case}: {'conforms' if got else 'refused'}")
    per_batch, passed = as_ingest_runs_it(grouped)
    print(
        f"\nthe gate as ingest runs it (the mapping's annotations left out), good batches: "
        f"{per_batch:.3f} s/batch, {baseline / per_batch:.1f}x pySHACL, "
        f"{passed}/{len(grouped)} passed"
    )


def _verdict(validate: Validator, text: str) -> bool | None:
    """The validator's verdict, None if it fails on the text (counted as neither)."""
    try:
        return validate(text)
    except Exception:
        return None


if __name__ == "__main__":
    main()
