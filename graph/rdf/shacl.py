"""SHACL validation of document graphs against `ontology/shapes.ttl`, before they are stored."""

from __future__ import annotations

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from graph.rdf.ntriples import Graphs, rdflib_triples
from loaders.errors import Problem
from ontology import load_shapes


def shacl_problems(graphs: Graphs) -> dict[URIRef, list[Problem]]:
    """Problems per document graph; documents that conform are absent from the answer.

    The graphs are validated together, which costs one pyshacl run per batch rather than one
    per document. Only actors are shared between documents and their shape has no maximum
    counts, so a merged batch conforms exactly when each document does; when it does not,
    each document is validated alone to say which one is at fault.
    """
    if not graphs or _conforms(graphs):
        return {}
    found: dict[URIRef, list[Problem]] = {}
    for graph, text in graphs:
        problems = _violations([(graph, text)])
        if problems:
            found[graph] = problems
    return found


def _conforms(graphs: Graphs) -> bool:
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
