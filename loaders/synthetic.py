"""A synthetic but realistic corpus of native documents, for benchmarks and load tests.

Realistic where it matters to the graph: a fixed pool of actors shared across documents
with power-law popularity (a few states and agencies in every other article, a long tail
seen once or twice), all actor kinds, statement kinds and modalities, aliases, Wikidata
ids, part-of and speaks-for relations, denials that answer accusations, and exact spans.
Deterministic for a seed, and streaming: one document is held at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.model import AnnotatedDocument
from ontology import ActorKind, Modality, StatementKind, act_types

_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "so",
    "tu",
    "an",
    "dre",
    "vos",
    "lin",
    "gar",
    "mor",
    "zha",
    "ček",
    "ño",
    "ré",
    "ül",
    "ist",
    "bor",
)
_SUFFIX = {
    ActorKind.Person: "",
    ActorKind.Organization: " Group",
    ActorKind.State: "ia",
    ActorKind.GovernmentAgency: " Ministry",
    ActorKind.IntelligenceService: " Intelligence",
    ActorKind.MilitaryForce: " Armed Forces",
    ActorKind.ArmedGroup: " Brigade",
    ActorKind.NGO: " Foundation",
    ActorKind.MediaOutlet: " News",
    ActorKind.InternationalOrganization: " Alliance",
}
_KIND_WEIGHTS = (20, 10, 12, 12, 8, 8, 10, 8, 8, 4)  # in ActorKind order
_STATEMENT_WEIGHTS = {
    StatementKind.accusation: 45,
    StatementKind.denial: 20,
    StatementKind.warning: 12,
    StatementKind.claim: 10,
    StatementKind.threat: 8,
    StatementKind.retraction: 5,
}
_VERBS = {
    StatementKind.accusation: "accused",
    StatementKind.denial: "rejected the claims of",
    StatementKind.warning: "warned",
    StatementKind.threat: "threatened",
    StatementKind.claim: "said of",
    StatementKind.retraction: "withdrew its words about",
}
_FILLER = (
    "Officials did not respond to requests for comment.",
    "The statement was widely shared on social media within hours.",
    "Independent verification of the claims was not possible.",
    "Analysts noted a pattern seen in earlier reporting.",
)


@dataclass(frozen=True)
class _Actor:
    index: int
    kind: ActorKind
    name: str
    aliases: tuple[str, ...]
    wikidata: str | None
    parent: tuple[str, int] | None  # (relation kind, actor index)


@dataclass
class _Text:
    """Builds a document text while recording the span of everything written into it."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def write(self, piece: str) -> dict[str, Any]:
        span = {"start": self.length, "end": self.length + len(piece), "text": piece}
        self.parts.append(piece)
        self.length += len(piece)
        return span

    def value(self) -> str:
        return "".join(self.parts)


def _actor_pool(size: int, rng: random.Random) -> list[_Actor]:
    kinds = list(ActorKind)
    actors: list[_Actor] = []
    for index in range(size):
        kind = rng.choices(kinds, weights=_KIND_WEIGHTS)[0]
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = (
            f"{stem}{_SUFFIX[kind]} {index}"
            if kind != ActorKind.Person
            else (
                f"{stem} {''.join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()} {index}"
            )
        )
        aliases = (f"{stem.upper()[:4]}-{index}",) if rng.random() < 0.3 else ()
        wikidata = f"Q{1_000_000 + index}" if rng.random() < 0.4 else None
        parent = None
        if index > 10 and rng.random() < 0.2:
            relation = "speaks-for" if kind == ActorKind.Person else "part-of"
            parent = (relation, rng.randrange(0, min(index, 50)))
        actors.append(_Actor(index, kind, name, aliases, wikidata, parent))
    return actors


def generate_documents(count: int, seed: int = 0) -> Iterator[AnnotatedDocument]:
    """Yield `count` validated documents (slower than `write_corpus`: each is a model)."""
    for data in _document_data(count, seed):
        yield AnnotatedDocument.model_validate(data)


def write_corpus(
    count: int, out_dir: Path, seed: int = 0, progress: Callable[[int], None] | None = None
) -> int:
    """Write `count` native JSON documents (`doc-000001.json` …) into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for data in _document_data(count, seed):
        path = out_dir / f"{data['id']}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        written += 1
        if progress is not None:
            progress(written)
    return written


def _document_data(count: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    pool = _actor_pool(max(50, min(2000, count * 2)), rng)
    # Zipf-like popularity: the actor at rank r is drawn with weight 1 / r^1.1.
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(pool))))
    types = list(act_types())
    for number in range(1, count + 1):
        yield _document(number, pool, cumulative, types, rng)


def _document(
    number: int,
    pool: list[_Actor],
    cumulative: list[float],
    types: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    wanted = rng.randint(3, 8)
    chosen: dict[int, _Actor] = {}
    while len(chosen) < wanted:
        actor = rng.choices(pool, cum_weights=cumulative)[0]
        chosen[actor.index] = actor
        if actor.parent and rng.random() < 0.7 and len(chosen) < wanted:
            chosen[actor.parent[1]] = pool[actor.parent[1]]
    actors = list(chosen.values())
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 4018))
    text = _Text()
    mentions: dict[int, list[dict[str, Any]]] = {a.index: [] for a in actors}
    acts = [_act(i, rng, types) for i in range(rng.randint(1, 3))]
    statements: list[dict[str, Any]] = []
    for s in range(rng.randint(2, 8)):
        statements.append(_statement(s, actors, acts, statements, text, mentions, published, rng))
        text.write(" " + rng.choice(_FILLER) + ("\n" if rng.random() < 0.3 else " "))
    return {
        "id": f"doc-{number:06}",
        "title": f"Report {number}: {actors[0].name} and {actors[1].name}",
        "url": f"https://news.example/{published:%Y/%m}/report-{number}",
        "publisher": rng.choice(("Example Wire", "Daily Example", "Ex Post")),
        "published": published.isoformat(),
        "language": "en",
        "text": text.value(),
        "entities": [_entity(a, mentions[a.index]) for a in actors],
        "acts": acts,
        "statements": statements,
        "relations": [
            {"kind": a.parent[0], "source": f"a{a.index}", "target": f"a{a.parent[1]}"}
            for a in actors
            if a.parent and a.parent[1] in chosen
        ],
    }


def _act(index: int, rng: random.Random, types: list[str]) -> dict[str, Any]:
    picked = rng.sample(types, rng.randint(1, 2))
    return {"id": f"act{index}", "label": " and ".join(picked).replace("-", " "), "types": picked}


def _entity(actor: _Actor, spans: list[dict[str, Any]]) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": f"a{actor.index}",
        "kind": actor.kind.value,
        "name": actor.name,
        "mentions": spans,
    }
    if actor.aliases:
        entity["aliases"] = list(actor.aliases)
    if actor.wikidata:
        entity["wikidata"] = actor.wikidata
    return entity


def _statement(
    index: int,
    actors: list[_Actor],
    acts: list[dict[str, Any]],
    earlier: list[dict[str, Any]],
    text: _Text,
    mentions: dict[int, list[dict[str, Any]]],
    published: dt.date,
    rng: random.Random,
) -> dict[str, Any]:
    kind = rng.choices(list(_STATEMENT_WEIGHTS), weights=list(_STATEMENT_WEIGHTS.values()))[0]
    claimant = rng.choice(actors)
    others = [a for a in actors if a is not claimant]
    targets = rng.sample(others, 1 if rng.random() < 0.8 else 2)
    act = rng.choice(acts)
    start = text.length
    mentions[claimant.index].append(text.write(claimant.name))
    text.write(f" {_VERBS[kind]} ")
    for position, target in enumerate(targets):
        if position:
            text.write(" and ")
        mentions[target.index].append(text.write(target.name))
    text.write(f" over {act['label']}.")
    quote = {"start": start, "end": text.length}
    statement: dict[str, Any] = {
        "id": f"s{index}",
        "kind": kind.value,
        "claimant": f"a{claimant.index}",
        "targets": [f"a{t.index}" for t in targets],
        "act": act["id"],
        "quote": quote,
        "date": (published - dt.timedelta(days=rng.randrange(0, 5))).isoformat(),
        "modality": rng.choice(list(Modality)).value,
    }
    if kind in (StatementKind.denial, StatementKind.retraction):
        answered = [e["id"] for e in earlier if e["kind"] == StatementKind.accusation.value]
        if answered:
            statement["responds_to"] = [rng.choice(answered)]
    return statement
