"""The rolled-up accusation network, kept in the graph by the sync.

`ROLLED_UP_ACCUSED` edges (x → y) carry the counts of `graph.sync.rolled_up`; `MIRRORS`
edges (a → b, a's IRI first) the pairs found both ways, with the act types found both
ways, which is all `queries.mirrors_cypher` reads. One `RolledUpAccusations` node says
whether they are exact: a sync marks them inexact before its first write and exact after
its last, so a sync cut off leaves them inexact, the questions compute mirrors the slow way
meanwhile, and the next sync builds them again whole.

A first sync (or one that finds them inexact or missing) builds them whole from the graph.
An incremental one brackets each batch. Before it: what the batch touches (the accusing
pairs of the statements it withdraws or writes, the actors whose part-of / speaks-for links
it withdraws or writes, and everything under those), the pairs' act types as they are and
as the withdrawal leaves them (the written rows' act types are added to those: the pairs
are read once, a busy pair being hundreds of parallel edges), and the actors' roll-ups.
After it: the roll-ups again, and the pairs of any actor whose roll-up moved. The
difference is applied to the counts of the pairs it reaches, and their mirrors are decided
again. Nothing else is read.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.property import cypher
from graph.property.backend import CypherBackend
from graph.sync.mapping import DocumentRows
from graph.sync.rolled_up import (
    Closures,
    Edge,
    Key,
    Pair,
    act_types,
    contributions,
    edges,
    mirror_types,
    mirrors,
    whole,
)

CHUNK = 2000  # rows per UNWIND statement


def is_exact(backend: CypherBackend) -> bool:
    """Whether the graph holds the network, complete and up to date."""
    rows = backend.read(cypher.ROLLED_UP_EXACT)
    return bool(rows) and all(row["exact"] is True for row in rows)


def mark(backend: CypherBackend, exact: bool) -> None:
    backend.write(cypher.SET_ROLLED_UP_EXACT, {"exact": exact})


# reading --------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _kinds(found: list[str]) -> frozenset[str]:
    """A pair's act types as the queries give them ('' stands for an accusation without)."""
    return frozenset(k for k in found if k)


def _base(rows: Iterable[dict[str, Any]], into: dict[Pair, frozenset[str]]) -> None:
    for row in rows:
        into[row["claimant"], row["target"]] = _kinds(row["actTypes"])


def read_base(
    backend: CypherBackend, pairs: Iterable[Pair], withdrawn: Mapping[Pair, set[str]]
) -> tuple[dict[Pair, frozenset[str]], dict[Pair, frozenset[str]]]:
    """These accusing pairs' act types as the graph holds them (absent: no accusation), and
    as they are once the accusations of the `withdrawn` statements are gone."""
    found: dict[Pair, frozenset[str]] = {}
    kept: dict[Pair, frozenset[str]] = {}
    params = [
        {"claimant": c, "target": t, "withdrawn": sorted(withdrawn.get((c, t), ()))}
        for c, t in sorted(set(pairs))
    ]
    for chunk in _chunks(params):
        rows = backend.read(cypher.ACCUSATIONS_BETWEEN, {"pairs": chunk})
        _base(rows, found)
        for row in rows:
            if row["kept"]:
                kept[row["claimant"], row["target"]] = _kinds(row["kept"])
    return found, kept


def read_base_at(backend: CypherBackend, actors: Iterable[str]) -> dict[Pair, frozenset[str]]:
    """Every accusing pair with one of these actors as claimant or target."""
    found: dict[Pair, frozenset[str]] = {}
    for chunk in _chunks(sorted(set(actors))):
        for statement in (cypher.ACCUSATIONS_BY, cypher.ACCUSATIONS_OF):
            _base(backend.read(statement, {"actors": chunk}), found)
    return found


def read_closures(backend: CypherBackend, actors: Iterable[str]) -> dict[str, frozenset[str]]:
    """What each of these actors rolls up into (itself included); absent: no such actor."""
    found: dict[str, frozenset[str]] = {}
    for chunk in _chunks(sorted(set(actors))):
        for row in backend.read(cypher.CLOSURES, {"actors": chunk}):
            found[row["actor"]] = frozenset(row["up"])
    return found


def read_under(backend: CypherBackend, actors: Iterable[str]) -> set[str]:
    """These actors and every actor that rolls up into one of them."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(actors))):
        found.update(r["actor"] for r in backend.read(cypher.ROLLING_UP_INTO, {"actors": chunk}))
    return found


def read_whole(backend: CypherBackend) -> tuple[dict[Pair, frozenset[str]], Closures]:
    """Every accusing pair and every actor's roll-up."""
    base: dict[Pair, frozenset[str]] = {}
    _base(backend.read(cypher.ALL_ACCUSATIONS), base)
    rows = backend.read(cypher.ALL_CLOSURES)
    return base, {row["actor"]: frozenset(row["up"]) for row in rows}


def read_edges(backend: CypherBackend, pairs: Iterable[Pair]) -> dict[Pair, Edge]:
    found: dict[Pair, Edge] = {}
    params = [{"source": x, "target": y} for x, y in sorted(set(pairs))]
    for chunk in _chunks(params):
        for row in backend.read(cypher.ROLLED_UP_BETWEEN, {"pairs": chunk}):
            found[row["source"], row["target"]] = Edge.from_row(row)
    return found


# building whole -------------------------------------------------------------------------


def rebuild(backend: CypherBackend) -> int:
    """Build the network whole from what the graph holds; return how many pairs it has."""
    mark(backend, False)
    backend.write(cypher.DELETE_DERIVED)
    base, closures = read_whole(backend)
    network = edges(whole(base, closures))
    for chunk in _chunks([e.as_param() for e in network.values()]):
        backend.write(cypher.CREATE_ROLLED_UP, {"rows": chunk})
    found = [_mirror_row(pair, types) for pair, types in sorted(mirrors(network).items())]
    for chunk in _chunks(found):
        backend.write(cypher.MERGE_MIRRORS, {"rows": chunk})
    mark(backend, True)
    return len(network)


def _mirror_row(pair: Pair, types: Sequence[str]) -> dict[str, Any]:
    return {"source": pair[0], "target": pair[1], "actTypes": list(types)}


# keeping it up to date, a batch at a time -----------------------------------------------


@dataclass
class Before:
    """What a batch touches, as the graph held it before the batch."""

    pairs: set[Pair] = field(default_factory=set)  # accusing pairs withdrawn or written
    linked: set[str] = field(default_factory=set)  # actors whose links are withdrawn or written
    under: set[str] = field(default_factory=set)  # actors at or under those
    base: dict[Pair, frozenset[str]] = field(default_factory=dict)
    closures: dict[str, frozenset[str]] = field(default_factory=dict)
    lost: dict[Pair, Edge] = field(default_factory=dict)  # at actors the batch deletes
    withdrawn: dict[Pair, set[str]] = field(default_factory=dict)  # statements, by pair
    written: dict[Pair, frozenset[str]] = field(default_factory=dict)  # act types, by pair
    base_after: dict[Pair, frozenset[str]] = field(default_factory=dict)  # of `pairs`


@dataclass
class Keeper:
    """Brackets an incremental sync's batches (`before`, the batch, `after`), and counts
    the seconds that took."""

    seconds: float = 0.0

    def before(
        self, backend: CypherBackend, withdrawn: list[str], documents: Sequence[DocumentRows]
    ) -> Before:
        started = time.perf_counter()
        try:
            return before_batch(backend, withdrawn, documents)
        finally:
            self.seconds += time.perf_counter() - started

    def after(self, backend: CypherBackend, before: Before) -> None:
        started = time.perf_counter()
        try:
            after_batch(backend, before)
        finally:
            self.seconds += time.perf_counter() - started


def before_batch(
    backend: CypherBackend, withdrawn: list[str], documents: Sequence[DocumentRows]
) -> Before:
    """Read what this batch (documents withdrawn, then documents written) touches."""
    before = Before()
    if withdrawn:
        for row in backend.read(cypher.WITHDRAWN_ACCUSATIONS, {"documents": withdrawn}):
            pair = row["claimant"], row["target"]
            before.withdrawn.setdefault(pair, set()).add(row["statement"])
        before.pairs.update(before.withdrawn)
        rows = backend.read(cypher.WITHDRAWN_LINKS, {"documents": withdrawn})
        before.linked.update(r["actor"] for r in rows)
        before.lost = _edges_at(backend, withdrawn)
    for document in documents:
        for edge in document.edges:
            if edge.type == cypher.ACCUSED:
                pair = edge.source, edge.target
                more = act_types([edge.props.get("actTypes")])
                before.written[pair] = before.written.get(pair, frozenset()) | more
            elif edge.type in cypher.ROLL_UP_TYPES:
                before.linked.add(edge.source)
    before.pairs.update(before.written)
    before.under = read_under(backend, before.linked) if before.linked else set()
    before.base, kept = read_base(backend, before.pairs, before.withdrawn)
    # What each pair has after the batch: what the withdrawal leaves, and what it writes.
    for pair in before.pairs:
        if pair in kept or pair in before.written:
            more = before.written.get(pair, frozenset())
            before.base_after[pair] = kept.get(pair, frozenset()) | more
    before.closures = read_closures(backend, before.under | _ends(before.pairs))
    return before


def _edges_at(backend: CypherBackend, withdrawn: list[str]) -> dict[Pair, Edge]:
    """The network's edges at the actors that withdrawing these documents deletes (a
    deleted node takes its edges with it, even when the batch writes it again)."""
    rows = backend.read(cypher.DOOMED_ACTORS, {"documents": withdrawn})
    doomed = sorted(r["actor"] for r in rows)
    found: dict[Pair, Edge] = {}
    for chunk in _chunks(doomed):
        for statement in (cypher.ROLLED_UP_FROM, cypher.ROLLED_UP_INTO):
            for row in backend.read(statement, {"actors": chunk}):
                found[row["source"], row["target"]] = Edge.from_row(row)
    return found


def after_batch(backend: CypherBackend, before: Before) -> None:
    """Apply the difference the batch made to the network and its mirrors."""
    under = before.under | (read_under(backend, before.linked) if before.linked else set())
    closures = read_closures(backend, under | _ends(before.pairs))
    moved = {a for a in under if closures.get(a) != before.closures.get(a)}
    base = dict(read_base_at(backend, moved)) if moved else {}
    for pair in before.pairs:  # a pair with no accusation left is absent
        base.pop(pair, None)
    base.update(before.base_after)
    old_base = {p: t for p, t in base.items() if p not in before.pairs} | before.base
    others = _ends(base.keys()) - closures.keys()
    closures |= read_closures(backend, others)
    old_closures = {**closures, **before.closures}
    for actor in under - before.closures.keys():
        old_closures.pop(actor, None)  # an actor new to the graph had no accusations
    counts: Counter[Key] = Counter()
    affected = before.pairs | base.keys()
    contributions(affected, old_base, old_closures, counts, -1)
    contributions(affected, base, closures, counts, +1)
    _apply(backend, {k: n for k, n in counts.items() if n}, before.lost)


def _ends(pairs: Iterable[Pair]) -> set[str]:
    return {actor for pair in pairs for actor in pair}


def _apply(backend: CypherBackend, delta: dict[Key, int], lost: dict[Pair, Edge]) -> None:
    """Add these count differences to the edges they reach, write again the edges lost
    with deleted actors that the batch wrote again, and decide those pairs' mirrors. The
    differences at an actor no longer in the graph are dropped: its edges went with it."""
    ends = {a for x, y, _ in delta for a in (x, y)} | {a for pair in lost for a in pair}
    present = _present(backend, ends)
    delta = {k: n for k, n in delta.items() if k[0] in present and k[1] in present}
    reached = {(x, y) for x, y, _ in delta} | {p for p in lost if set(p) <= present}
    if not reached:
        return
    held = read_edges(backend, reached)
    counts: Counter[Key] = Counter()
    for pair in reached:
        edge = held.get(pair) or lost.get(pair)
        if edge is not None:
            counts.update(edge.counts())
    counts.update(delta)
    now = edges(counts)
    gone = [{"source": x, "target": y} for x, y in sorted(reached - now.keys())]
    for chunk in _chunks(gone):
        backend.write(cypher.DELETE_ROLLED_UP, {"pairs": chunk})
    changed = [e.as_param() for pair, e in sorted(now.items()) if held.get(pair) != e]
    for chunk in _chunks(changed):
        backend.write(cypher.MERGE_ROLLED_UP, {"rows": chunk})
    _decide_mirrors(backend, {(min(x, y), max(x, y)) for x, y in reached})


def _present(backend: CypherBackend, actors: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(actors), CHUNK * 5):
        found.update(r["iri"] for r in backend.read(cypher.EXISTING_NODES, {"iris": chunk}))
    return found


def _decide_mirrors(backend: CypherBackend, pairs: set[Pair]) -> None:
    """Each of these pairs (a < b) is a mirror with the act types found both ways, or not."""
    network = read_edges(backend, [p for a, b in pairs for p in ((a, b), (b, a))])
    keep, drop = [], []
    for a, b in sorted(pairs):
        types = mirror_types(network.get((a, b)), network.get((b, a)))
        if types is None:
            drop.append({"source": a, "target": b})
        else:
            keep.append(_mirror_row((a, b), types))
    for chunk in _chunks(drop):
        backend.write(cypher.DELETE_MIRRORS, {"pairs": chunk})
    for chunk in _chunks(keep):
        backend.write(cypher.MERGE_MIRRORS, {"rows": chunk})


# checking -------------------------------------------------------------------------------


def differences(backend: CypherBackend) -> list[str]:
    """What `sync --verify` says of the network: empty when it is exact and equals the one
    computed whole from the graph's accusations and links."""
    if not is_exact(backend):
        return ["rolled-up accusations: not marked exact (the next sync builds them whole)"]
    base, closures = read_whole(backend)
    want = edges(whole(base, closures))
    have = {
        (r["source"], r["target"]): Edge.from_row(r) for r in backend.read(cypher.ALL_ROLLED_UP)
    }
    lines = []
    wrong = sum(1 for pair in set(want) | set(have) if want.get(pair) != have.get(pair))
    if wrong:
        lines.append(f"rolled-up accusations: {wrong:,} pairs differ from a computation whole")
    held = {
        (r["a"], r["b"]): tuple(r["actTypes"]) for r in backend.read(cypher.mirrors_maintained())
    }
    if held != mirrors(want):
        lines.append("mirrors: the maintained ones differ from a computation whole")
    return lines
