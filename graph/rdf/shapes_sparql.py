"""The SHACL shapes compiled into SPARQL, so that Oxigraph can tell whether a batch conforms.

pySHACL needs seconds per batch; the same constraints as SPARQL over an in-memory Oxigraph
store need a fraction of that (`graph.rdf.shacl_gate`). The compiler reads the shapes graph
as data and knows a closed list of constraint components, those `ontology/shapes.ttl` uses.
Any other component, path or setting raises `UnsupportedShape` when the compiler runs (at
import of the gate), so a shape added later can never be skipped in silence.

Each constraint becomes a graph pattern that has a solution exactly when the constraint is
broken; the patterns are joined into one ASK query. Value tests are wrapped in COALESCE, so
that an error (a comparison of an IRI with a number) counts as a violation, as in pySHACL.
`sh:pattern` is left to Python's `re` (`PatternCheck`): Rust's regular expressions are not
Python's, and pySHACL's verdict is Python's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

Focus = Callable[[str], str]
"""The graph pattern that binds the given variable to each focus node of a shape."""

_DESCRIPTIVE = {RDF.type, SH.message, SH.name, SH.description, RDFS.label, RDFS.comment}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_VALUE_TESTS = {SH.datatype, SH.nodeKind, SH["class"], SH["in"], SH["or"], SH.minLength}
_VALUE_TESTS |= {SH.minInclusive}
_PROPERTY_KEYS = {SH.path, SH.minCount, SH.maxCount, SH.pattern, SH.node} | _VALUE_TESTS
_NODE_KEYS = {SH.targetClass, SH.property, SH.pattern, SH.node} | _VALUE_TESTS
_SPECIAL_DATATYPES = {RDFS.Literal, RDFS.Datatype}  # pySHACL treats these apart


class UnsupportedShape(ValueError):
    """The shapes use something the compiler does not know: the gate refuses to exist."""


@dataclass(frozen=True)
class PatternCheck:
    """Values that must match a regular expression (`sh:pattern`), tested as pySHACL does:
    `re.search` on the value's string; a blank node never matches."""

    query: str  # SELECT DISTINCT ?v: the values to test
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class CompiledShapes:
    """What the gate runs: the ASK query (true when a constraint is broken) and the
    patterns left to Python."""

    violations: str
    patterns: tuple[PatternCheck, ...]


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every shape with a target (and the shapes they reach by `sh:node`)."""
    compiler = _Compiler(shapes)
    for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
        classes = sorted(shapes.objects(shape, SH.targetClass), key=str)
        compiler.node_shape(shape, _targets(classes), depth=0, seen=())
    compiler.check_all_compiled()
    union = " UNION ".join(f"{{ {branch} }}" for branch in compiler.branches)
    return CompiledShapes(f"ASK {{ {union} }}", tuple(compiler.patterns))


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShape(f"expected an IRI, got {node!r}")
    return f"<{node}>"


def _literal(node: Node) -> str:
    """A literal of the shapes graph as SPARQL text (N-Triples escapes are SPARQL's too)."""
    if not isinstance(node, Literal):
        raise UnsupportedShape(f"expected a literal, got {node!r}")
    return str(node.n3())


def _instance(v: str, cls: Node) -> str:
    """`v` is an instance of the class. The gate refuses data with rdfs:subClassOf triples,
    so that rdf:type alone is SHACL's instance relation."""
    return f"{v} <{RDF.type}> {_iri(cls)} ."


def _targets(classes: list[Node]) -> Focus:
    if len(classes) == 1:
        return lambda v: _instance(v, classes[0])
    return lambda v: " UNION ".join(f"{{ {_instance(v, c)} }}" for c in classes)


@dataclass
class _Compiler:
    shapes: Graph
    branches: list[str] = field(default_factory=list)
    patterns: list[PatternCheck] = field(default_factory=list)
    compiled: set[Node] = field(default_factory=set)

    def node_shape(self, shape: Node, focus: Focus, depth: int, seen: tuple[Node, ...]) -> None:
        """The constraints of a node shape on its focus nodes, then its property shapes."""
        if shape in seen:
            raise UnsupportedShape(f"recursive shapes are not supported: {shape}")
        self._check_keys(shape, _NODE_KEYS)
        self.compiled.add(shape)
        self.node_shape_values(shape, focus, depth)
        for node in self.shapes.objects(shape, SH.node):
            self.node_shape(node, focus, depth + 1, (*seen, shape))
        for prop in self.shapes.objects(shape, SH.property):
            self.property_shape(prop, focus, depth, (*seen, shape))

    def node_shape_values(self, shape: Node, focus: Focus, depth: int) -> None:
        """Constraints on the focus nodes themselves (`sh:nodeKind sh:IRI` on an actor)."""
        f = f"?f{depth}"
        passes = self._passes(shape, f)
        if passes is not None:
            self.branches.append(f"{{ {focus(f)} }} FILTER(!({passes}))")
        self._patterns(shape, f"{{ {focus(f)} }}", f)

    def property_shape(self, prop: Node, focus: Focus, depth: int, seen: tuple[Node, ...]) -> None:
        """A property shape: one pass over its focus nodes and their values, which counts
        the values and tests each, then the shapes its values must conform to."""
        self._check_keys(prop, _PROPERTY_KEYS)
        self.compiled.add(prop)
        path = self._one(prop, SH.path)
        if path is None:
            raise UnsupportedShape(f"a property shape without sh:path: {prop}")
        p, f, v = _iri(path), f"?f{depth}", f"?v{depth}"
        least, most = self._integer(prop, SH.minCount), self._integer(prop, SH.maxCount)
        passes = self._passes(prop, v)
        broken = [f"COUNT(DISTINCT {v}) < {least}"] if least else []
        broken += [f"COUNT(DISTINCT {v}) > {most}"] if most is not None else []
        if broken:  # counted per focus node: the tests of the values join in the same pass
            broken += [f"SUM(IF(!BOUND({v}) || ({passes}), 0, 1)) > 0"] if passes else []
            self.branches.append(
                f"{{ SELECT {f} WHERE {{ {{ {focus(f)} }} OPTIONAL {{ {f} {p} {v} }} }} "
                f"GROUP BY {f} HAVING ({' || '.join(broken)}) }}"
            )
        elif passes is not None:
            self.branches.append(f"{{ {focus(f)} }} {f} {p} {v} . FILTER(!({passes}))")
        self._patterns(prop, f"{{ {focus(f)} }} {f} {p} {v} .", v)
        for node in self.shapes.objects(prop, SH.node):
            value_focus: Focus = lambda w: f"{{ {focus(f)} }} {f} {p} {w} ."  # noqa: E731
            self.node_shape(node, value_focus, depth + 1, seen)

    def _passes(self, shape: Node, v: str) -> str | None:
        """The SPARQL expression that holds when `v` passes every value test of the shape
        (an error, such as comparing an IRI with a number, counts as failing)."""
        tests = list(self._tests(shape, v))
        return " && ".join(f"COALESCE({test}, false)" for test in tests) if tests else None

    def _patterns(self, shape: Node, values: str, v: str) -> None:
        for pattern in self.shapes.objects(shape, SH.pattern):
            if not isinstance(pattern, Literal):
                raise UnsupportedShape(f"{shape}: sh:pattern must be a literal")
            select = f"SELECT DISTINCT {v} WHERE {{ {values} }}"
            self.patterns.append(PatternCheck(select, re.compile(str(pattern))))

    def _tests(self, shape: Node, v: str) -> Iterator[str]:
        """SPARQL expressions that hold when the value `v` passes each value constraint."""
        for datatype in self.shapes.objects(shape, SH.datatype):
            if datatype in _SPECIAL_DATATYPES:
                raise UnsupportedShape(f"sh:datatype {datatype} is not supported")
            yield f"(isLiteral({v}) && datatype({v}) = {_iri(datatype)})"
        for kind in self.shapes.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise UnsupportedShape(f"unknown sh:nodeKind {kind}")
            yield _NODE_KINDS[kind].format(v=v)
        for cls in self.shapes.objects(shape, SH["class"]):
            yield f"EXISTS {{ {_instance(v, cls)} }}"
        for members in self.shapes.objects(shape, SH["in"]):
            yield f"({v} IN ({', '.join(_iri(m) for m in self._list(members))}))"
        for least in self.shapes.objects(shape, SH.minLength):
            yield f"(!isBlank({v}) && STRLEN(STR({v})) >= {_literal(least)})"
        for least in self.shapes.objects(shape, SH.minInclusive):
            yield f"({v} >= {_literal(least)})"
        for alternatives in self.shapes.objects(shape, SH["or"]):
            yield f"({' || '.join(self._alternative(a, v) for a in self._list(alternatives))})"

    def _alternative(self, shape: Node, v: str) -> str:
        """One member of an sh:or: a shape of value tests only."""
        self._check_keys(shape, _VALUE_TESTS)
        self.compiled.add(shape)
        return f"({self._passes(shape, v) or 'true'})"

    def _check_keys(self, shape: Node, allowed: set[URIRef]) -> None:
        for key, value in self.shapes.predicate_objects(shape):
            if key == RDF.type and value not in _SHAPE_TYPES:
                raise UnsupportedShape(f"{shape} is a {value}: implicit targets are not supported")
            if key not in allowed and key not in _DESCRIPTIVE:
                raise UnsupportedShape(f"{shape} uses {key}, which the SHACL gate cannot check")

    def check_all_compiled(self) -> None:
        """Every shape of the graph uses only what the gate knows, reached from a target or
        not: an unknown kind of target (sh:targetNode, …) would otherwise go unseen."""
        shapes = {s for s, p, o in self.shapes if str(p).startswith(str(SH)) or o in _SHAPE_TYPES}
        for shape in shapes - self.compiled:
            self._check_keys(shape, _NODE_KEYS | _PROPERTY_KEYS)

    def _one(self, shape: Node, key: URIRef) -> Node | None:
        values = list(self.shapes.objects(shape, key))
        if len(values) > 1:
            raise UnsupportedShape(f"{shape} has {len(values)} values of {key}")
        return values[0] if values else None

    def _integer(self, shape: Node, key: URIRef) -> int | None:
        value = self._one(shape, key)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise UnsupportedShape(f"{shape}: {key} must be an integer")
        return value.value

    def _list(self, head: Node) -> list[Node]:
        return list(Collection(self.shapes, head))
