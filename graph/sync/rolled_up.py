"""The rolled-up accusation network as counts, kept up to date by differences.

Who accuses whom, each side rolled up through PART_OF / SPEAKS_FOR: (x, y) for every
accusation c → t with c at or under x and t at or under y (x ≠ y), and the act types of
those accusations. A mirror is a pair found both ways. Computing it per question took 6 s
at 100,000 documents, so the sync keeps it in the graph (`graph.sync.rolled_up_graph`).

Kept as counts so that a change is a difference, never a recomputation: for each rolled-up
pair, how many accusing pairs (c, t) stand behind it, in all and per act type. A base pair
(c, t) contributes once to every (x, y) of its claimant's and target's roll-ups; when
its act types or either roll-up change, its old contribution is taken back and its new
one added, and a pair whose count reaches nothing is gone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Pair = tuple[str, str]
Base = Mapping[Pair, frozenset[str]]  # (claimant, target) → act types of its accusations
Closures = Mapping[str, frozenset[str]]  # actor → itself and what it rolls up into
Key = tuple[str, str, str | None]  # (x, y, act type); None counts the accusing pairs


def act_types(lists: Iterable[list[str] | None]) -> frozenset[str]:
    """The act types of a base pair from its accusations' `actTypes` lists."""
    return frozenset(k for types in lists for k in (types or ()))


def contributions(
    pairs: Iterable[Pair], base: Base, closures: Closures, counts: Counter[Key], sign: int = 1
) -> None:
    """Add (`sign` 1) or take back (-1) these base pairs' contributions to `counts`; a pair
    absent from `base` contributes nothing, an actor absent from `closures` rolls up into
    itself alone."""
    for pair in pairs:
        types = base.get(pair)
        if types is None:
            continue
        claimant, target = pair
        for x in closures.get(claimant, frozenset((claimant,))):
            for y in closures.get(target, frozenset((target,))):
                if x == y:
                    continue
                counts[x, y, None] += sign
                for kind in types:
                    counts[x, y, kind] += sign


def whole(base: Base, closures: Closures) -> Counter[Key]:
    """The counts of the whole network."""
    counts: Counter[Key] = Counter()
    contributions(base, base, closures, counts)
    return counts


@dataclass(frozen=True)
class Edge:
    """One rolled-up pair as the graph holds it: how many accusing pairs stand behind it,
    and behind each act type (`act_types` sorted, `supports` in the same order)."""

    source: str
    target: str
    pairs: int
    act_types: tuple[str, ...]
    supports: tuple[int, ...]

    def as_param(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "pairs": self.pairs,
            "actTypes": list(self.act_types),
            "supports": list(self.supports),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Edge:
        return cls(
            row["source"],
            row["target"],
            int(row["pairs"]),
            tuple(row["actTypes"] or ()),
            tuple(int(n) for n in row["supports"] or ()),
        )

    def counts(self) -> Counter[Key]:
        found: Counter[Key] = Counter({(self.source, self.target, None): self.pairs})
        for kind, n in zip(self.act_types, self.supports, strict=True):
            found[self.source, self.target, kind] = n
        return found


def edges(counts: Counter[Key]) -> dict[Pair, Edge]:
    """The pairs with a positive count, as edges; a negative count is a maintenance bug."""
    pairs: dict[Pair, int] = {}
    typed: dict[Pair, dict[str, int]] = {}
    for (x, y, kind), n in counts.items():
        if n < 0:
            raise ValueError(f"rolled-up accusations {x} → {y} ({kind}): count {n}")
        if n == 0:
            continue
        if kind is None:
            pairs[x, y] = n
        else:
            typed.setdefault((x, y), {})[kind] = n
    found = {}
    for pair, n in pairs.items():
        kinds = typed.get(pair, {})
        order = tuple(sorted(kinds))
        found[pair] = Edge(*pair, n, order, tuple(kinds[k] for k in order))
    return found


def mirror_types(forth: Edge | None, back: Edge | None) -> tuple[str, ...] | None:
    """The act types found both ways between two actors (sorted), or None if the two do
    not accuse each other at all."""
    if forth is None or back is None:
        return None
    return tuple(sorted(set(forth.act_types) & set(back.act_types)))


def mirrors(network: Mapping[Pair, Edge]) -> dict[Pair, tuple[str, ...]]:
    """Every mirror of a whole network: (a, b) with a < b → the act types found both ways."""
    found = {}
    for (x, y), edge in network.items():
        if x < y:
            types = mirror_types(edge, network.get((y, x)))
            if types is not None:
                found[x, y] = types
    return found
