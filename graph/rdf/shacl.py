"""SHACL validation of document graphs against `ontology/shapes.ttl`, before they are stored.

Two steps: the gate (`graph.rdf.shacl_gate`: the shapes as SPARQL on Oxigraph, ten times
faster) says whether a batch conforms; only a batch it does not pass goes to pySHACL, which
decides as it always did and writes the messages. The gate never passes a batch pySHACL
would refuse (tests/test_shacl_gate.py), so the answers are pySHACL's.
"""

from __future__ import annotations

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from graph.rdf.mapping import without_annotations
from graph.rdf.ntriples import Graphs, rdflib_triples
from graph.rdf.shacl_gate import ShaclGate
from loaders.errors import Problem
from ontology import load_shapes

GATE = ShaclGate(load_shapes())
"""Built at import: shapes the gate cannot check stop allegraph here, not at an ingest."""


def gate_passes(graphs: Graphs) -> bool:
    """The gate's verdict on a batch of graphs as the mapping wrote them: True only if
    pySHACL would find it conforming. Their annotations are left out: they hold by how
    the mapping writes them (`graph.rdf.mapping.without_annotations`). Oxigraph works
    without Python's lock, so ingest runs this beside its own work."""
    return GATE.conforms("".join(without_annotations(text) for _, text in graphs))


def shacl_problems(graphs: Graphs, passed: bool | None = None) -> dict[URIRef, list[Problem]]:
    """Problems per document graph; documents that conform are absent from the answer.
    `passed` is the gate's verdict on the batch when the caller has it already.

    The graphs are validated together, which costs one pyshacl run per batch rather than one
    per document. Only actors are shared between documents and their shape has no maximum
    counts, so a merged batch conforms exactly when each document does; when it does not,
    each document is validated alone to say which one is at fault.
    """
    if not graphs:
        return {}
    if passed is None:
        passed = GATE.conforms("".join(text for _, text in graphs))
    if passed or pyshacl_conforms(graphs):
        return {}
    found: dict[URIRef, list[Problem]] = {}
    for graph, text in graphs:
        problems = _violations([(graph, text)])
        if problems:
            found[graph] = problems
    return found


def pyshacl_conforms(graphs: Graphs) -> bool:
    """pySHACL's verdict on the batch as one graph (seconds for a batch of 200)."""
    conforms, _, _ = _run(graphs)
    return conforms


def _violations(graphs: Graphs) -> list[Problem]:
    conforms, report, _ = _run(graphs)
    if conforms:
        return []
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        place = f"SHACL {focus}" + (f" {path}" if path is not None else "")
        problems.append(Problem(place, str(message)))
    return sorted(problems, key=str)


def _run(graphs: Graphs) -> tuple[bool, Graph, str]:
    data = Graph()
    for _, ntriples in graphs:
        data.addN((s, p, o, data) for s, p, o in rdflib_triples(ntriples))
    conforms, report, text = validate(
        data,
        shacl_graph=load_shapes(),
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
    )
    return bool(conforms), report, str(text)
