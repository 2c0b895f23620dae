"""The SHACL gate: a fast, exact answer to "does this batch conform?", before pySHACL.

The batch's N-Triples are loaded into an in-memory Oxigraph store (parsed in Rust) and the
shapes, compiled to one SPARQL ASK query (`graph.rdf.shapes_sparql`), are asked of it. When
the gate says a batch conforms, pySHACL would say so too; when it says not, pySHACL
validates the batch as before and writes the messages (`graph.rdf.shacl`).

For the two to agree, Oxigraph must see the terms pySHACL sees (rdflib terms made by
`graph.rdf.ntriples.rdflib_triples`). They part on a few forms, which the gate refuses
rather than judges: an escape other than the four `literal_term` writes (Oxigraph reads
`\\t` or `\\u0041`, rdflib keeps the characters), a language tag with a capital (Oxigraph
lowers it), blank nodes, and typed literals that either side would rewrite or find
ill-typed (Oxigraph keeps `5` for `+05`, rdflib finds `2020-01-01T24:00:00` ill-typed,
`"x"^^xsd:string` is another term than `"x"` in rdflib). allegraph's mapping writes none of
these, so on its output the gate refuses hardly anything pySHACL would pass; what it does
refuse, pySHACL decides.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.rdf.shapes_sparql import CompiledShapes, compile_shapes

# A typed literal as allegraph writes it: the object of a line (after a space), no escapes.
_TYPED = re.compile(r' "([^"\\\n]*)"\^\^<([^>\n]*)> \.\n')
_UPPER_TAG = re.compile(r'"@[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]* \.\n')
_MAYBE_OTHER_ESCAPE = re.compile(r'\\[^"nr\\]')  # or an escaped backslash before a letter
_OTHER_ESCAPE = re.compile(r'\\[^"nr]')  # once escaped backslashes are taken out
_BLANK_OBJECT = re.compile(r'> _:[^ "\n]* \.\n')
_SUBCLASS = f"<{RDFS.subClassOf}>"
_STRINGS = {str(XSD.string), str(RDF.langString)}


class ShaclGate:
    """The shapes compiled once; `conforms` for each batch."""

    def __init__(self, shapes: Graph) -> None:
        self.compiled: CompiledShapes = compile_shapes(shapes)

    def conforms(self, ntriples: str) -> bool:
        """True only if pySHACL would find the graph of these lines conforming."""
        typed = _typed_literals(ntriples)
        if typed is None or not _both_keep(typed):
            return False
        store = ox.Store()
        try:
            # lenient: IRIs are taken as written, as rdflib takes them (and 30% faster)
            store.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES, lenient=True)
        except (SyntaxError, ValueError):  # a form Oxigraph refuses: pySHACL decides
            return False
        if bool(store.query(self.compiled.violations)):
            return False
        return all(
            _matches(check.pattern, value)
            for check in self.compiled.patterns
            for (value,) in _solutions(store, check.query)
        )


def _typed_literals(ntriples: str) -> set[tuple[str, str]] | None:
    """The typed literals of the lines, as (lexical form, datatype IRI); None if a line has a
    form on which Oxigraph and rdflib could read different terms."""
    if _MAYBE_OTHER_ESCAPE.search(ntriples) and _OTHER_ESCAPE.search(ntriples.replace("\\\\", "")):
        return None
    if _UPPER_TAG.search(ntriples) or _SUBCLASS in ntriples:
        return None
    if "_:" in ntriples and (
        ntriples.startswith("_:") or "\n_:" in ntriples or _BLANK_OBJECT.search(ntriples)
    ):
        return None
    found = _TYPED.findall(ntriples)
    if len(found) != ntriples.count('"^^<'):  # one with escapes in it, or a string's text
        return None
    typed = set(found)
    if any(datatype in _STRINGS for _, datatype in typed):
        return None
    return typed


_KEPT: dict[tuple[str, str], bool] = {}  # offsets and dates recur from batch to batch


def _both_keep(typed: set[tuple[str, str]]) -> bool:
    """Each typed literal is read by rdflib and by Oxigraph as itself: well-typed for
    rdflib, and in the canonical form of both (Oxigraph keeps `5` of `+05`, rdflib keeps
    `1.0` of a decimal `1.0` where Oxigraph keeps `1`)."""
    new = [literal for literal in typed if literal not in _KEPT]
    if new:
        kept = _oxigraph_keeps(new)
        if kept is None:
            return False
        if len(_KEPT) > 1 << 16:
            _KEPT.clear()
        for literal, oxigraph in zip(new, kept, strict=True):
            _KEPT[literal] = oxigraph and _rdflib_keeps(*literal)
    return all(_KEPT.get(literal, False) for literal in typed)


def _rdflib_keeps(lexical: str, datatype: str) -> bool:
    literal = Literal(lexical, datatype=URIRef(datatype))
    return not literal.ill_typed and str(literal) == lexical


def _oxigraph_keeps(typed: list[tuple[str, str]]) -> list[bool] | None:
    """Whether Oxigraph keeps each literal as it is, from one query over them all (they
    hold no quote and no backslash, so they go into it as they are); None if it cannot."""
    rows = " ".join(
        f'({i} "{lexical}"^^<{datatype}>)' for i, (lexical, datatype) in enumerate(typed)
    )
    try:
        solutions = _solutions(ox.Store(), f"SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {rows} }} }}")
    except (SyntaxError, ValueError):
        return None
    kept = [False] * len(typed)
    for i, x in solutions:
        lexical, datatype = typed[int(i.value)]
        kept[int(i.value)] = x.value == lexical and x.datatype.value == datatype
    return kept


def _solutions(store: ox.Store, select: str) -> ox.QuerySolutions:
    solutions = store.query(select)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _matches(pattern: re.Pattern[str], value: ox.NamedNode | ox.Literal | ox.BlankNode) -> bool:
    """pySHACL's test: `re.search` on the string of an IRI or a literal."""
    return not isinstance(value, ox.BlankNode) and pattern.search(value.value) is not None
