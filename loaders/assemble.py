"""An `Export` (spans and links in a tool's own names) → a checked `AnnotatedDocument`.

The conventions, the same for every tool (docs/loaders.md): a span labelled with an actor
kind is a mention of an actor; mentions sharing a Wikidata id, a noted id or a normalised
name are one actor. A span labelled with a statement kind is the statement (its quote, or
its trigger when a `Quote` role gives the quote); `Claimant`, `Target`, `AllegedAct` and
`Quote` links go from the statement to what they name. `PartOf` and `SpeaksFor` link two
actors, `RespondsTo` two statements. Every problem is reported with the file's own place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from loaders.errors import InputError, Problem
from loaders.mapping import ACT, LabelMapping
from loaders.model import AnnotatedDocument
from loaders.names import normal_name, slug
from loaders.spans import Export, Link, Mark, split_list
from loaders.validation import validate_document
from ontology import ActorKind, StatementKind

_KINDS = {k.value for k in ActorKind}
_STATEMENTS = {k.value.capitalize(): k.value for k in StatementKind}
_RELATIONS = {"PartOf": "part-of", "SpeaksFor": "speaks-for"}
_META = ("id", "title", "url", "publisher", "published", "language")


def assemble_each(
    path: Path, exports: Iterable[Callable[[], Export | None]], mapping: LabelMapping
) -> list[AnnotatedDocument]:
    """The documents of an export holding several (doccano's lines, Label Studio's tasks):
    each one read and assembled, skipped when it carries no annotation, and every problem of
    every one reported together."""
    docs: list[AnnotatedDocument] = []
    problems: list[Problem] = []
    for read in exports:
        try:
            export = read()
            if export is not None:
                docs.append(assemble(export, mapping))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(path, problems)
    return docs


def only_document(
    source: str | Path, docs: list[AnnotatedDocument], what: str
) -> AnnotatedDocument:
    """The one document of an export read by `parse`; none or several is an error naming
    what the export counts (`annotated task`, `labelled line`)."""
    if len(docs) != 1:
        raise InputError.single(source, f"expected one {what}, found {len(docs)}")
    return docs[0]


def assemble(export: Export, mapping: LabelMapping) -> AnnotatedDocument:
    """Build and validate the document; raise `InputError` listing every problem."""
    builder = _Builder(export, mapping)
    data = builder.build()
    if builder.problems:
        raise InputError(export.source, builder.problems)
    return validate_document(export.source, data, builder.place_of)


class _Builder:
    def __init__(self, export: Export, mapping: LabelMapping) -> None:
        self.export, self.mapping = export, mapping
        self.problems: list[Problem] = []
        self.places: dict[str, str] = {}  # JSON pointer in the built document → file place
        self.kind: dict[str, str] = {}  # mark key → allegraph label
        self.marks: dict[str, Mark] = {}
        self.ignored: set[str] = set()
        self.entity_of: dict[str, str] = {}  # actor mark key → entity id
        self.act_of: dict[str, str] = {}
        self.statement_of: dict[str, str] = {}

    def problem(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def place_of(self, pointer: str) -> str:
        probe = pointer
        while probe not in self.places and "/" in probe.strip("/"):
            probe = probe.rsplit("/", 1)[0]
        return f"{self.places[probe]} ({pointer})" if probe in self.places else pointer

    def build(self) -> dict[str, Any]:
        for mark in self.export.marks:
            self.classify(mark)
        entities = self.entities()
        acts = self.acts()
        statements, relations = self.statements(acts)
        doc = {k: v for k, v in self.export.metadata.items() if k in _META and v not in (None, "")}
        doc.setdefault("id", self.export.default_id)
        doc.update(text=self.export.text, entities=entities, acts=acts)
        doc.update(statements=statements, relations=relations)
        return doc

    # spans ------------------------------------------------------------------------------

    def classify(self, mark: Mark) -> None:
        if mark.key in self.marks or mark.key in self.ignored:
            self.problem(mark.place, f"id {mark.key!r} is used twice")
            return
        try:
            label = self.mapping.label(mark.label)
        except KeyError:
            self.problem(mark.place, _unknown("label", mark.label))
            return
        if label is None:
            self.ignored.add(mark.key)
        elif self.span_ok(mark):
            self.marks[mark.key] = mark
            self.kind[mark.key] = label

    def span_ok(self, mark: Mark) -> bool:
        text = self.export.text
        if not 0 <= mark.start < mark.end <= len(text):
            self.problem(
                mark.place,
                f"span {mark.start}..{mark.end} lies outside the text (length {len(text)})",
            )
            return False
        parts = mark.fragments or [(mark.start, mark.end)]
        actual = " ".join(text[s:e] for s, e in parts)
        if mark.text is not None and mark.text != actual:
            self.problem(
                mark.place,
                f"span {mark.start}..{mark.end} reads {_clip(actual)!r} in the text, "
                f"not {_clip(mark.text)!r}",
            )
            return False
        return True

    def keyed(self, label_test: Iterable[str]) -> list[Mark]:
        wanted = set(label_test)
        found = [m for k, m in self.marks.items() if self.kind[k] in wanted]
        return sorted(found, key=lambda m: (m.start, m.end))

    def span(self, mark: Mark) -> dict[str, Any]:
        return {
            "start": mark.start,
            "end": mark.end,
            "text": self.export.text[mark.start : mark.end],
        }

    # actors -----------------------------------------------------------------------------

    def entities(self) -> list[dict[str, Any]]:
        marks = self.keyed(_KINDS)
        text = self.export.text
        groups = _join(marks, lambda mark: _actor_keys(mark, text[mark.start : mark.end]))
        entities: list[dict[str, Any]] = []
        used: set[str] = set()
        for group in groups:
            entity = self.entity(group, used)
            self.places[f"/entities/{len(entities)}"] = group[0].place
            entities.append(entity)
            for mark in group:
                self.entity_of[mark.key] = entity["id"]
        return entities

    def entity(self, group: list[Mark], used: set[str]) -> dict[str, Any]:
        kinds = sorted({self.kind[m.key] for m in group})
        if len(kinds) > 1:
            self.problem(
                group[0].place, f"mentions joined as one actor have different labels: {kinds}"
            )
        notes = _merged_notes(group)
        name = notes.get("name") or self.export.text[group[0].start : group[0].end]
        entity: dict[str, Any] = {
            "id": _unique(notes.get("id") or slug(name) or f"actor-{slug(group[0].key)}", used),
            "kind": kinds[0],
            "name": name,
            "mentions": _unique_spans(self.span(m) for m in group),
        }
        if "aliases" in notes:
            entity["aliases"] = split_list(notes["aliases"])
        wikidata = next((m.wikidata for m in group if m.wikidata), notes.get("wikidata"))
        if wikidata:
            entity["wikidata"] = wikidata
        return entity

    # acts -------------------------------------------------------------------------------

    def acts(self) -> list[dict[str, Any]]:
        groups = _join(self.keyed([ACT]), _act_keys)
        acts: list[dict[str, Any]] = []
        used: set[str] = set()
        for group in groups:
            notes = _merged_notes(group)
            label = notes.get("label") or self.export.text[group[0].start : group[0].end]
            act: dict[str, Any] = {
                "id": _unique(notes.get("id") or slug(label) or "act", used),
                "label": label,
                "types": split_list(notes.get("types", ""), "|,"),
                "mentions": _unique_spans(self.span(m) for m in group),
            }
            self.places[f"/acts/{len(acts)}"] = group[0].place
            acts.append(act)
            for mark in group:
                self.act_of[mark.key] = act["id"]
        return acts

    # statements and relations -----------------------------------------------------------

    def statements(self, acts: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
        marks = self.keyed(_STATEMENTS)
        used: set[str] = set()
        for index, mark in enumerate(marks, start=1):
            wanted = mark.notes.get("id") or mark.default_id or f"s{index}"
            self.statement_of[mark.key] = _unique(wanted, used)
        built = {m.key: self.statement(m) for m in marks}
        relations: list[dict[str, Any]] = []
        for link in self.export.links:
            self.apply(link, built, relations)
        statements: list[dict[str, Any]] = []
        for mark in marks:
            self.finish(mark, built[mark.key], acts)
            self.places[f"/statements/{len(statements)}"] = mark.place
            statements.append(built[mark.key])
        return statements, relations

    def statement(self, mark: Mark) -> dict[str, Any]:
        notes = mark.notes
        statement: dict[str, Any] = {
            "id": self.statement_of[mark.key],
            "kind": _STATEMENTS[self.kind[mark.key]],
            "claimants": [],
            "targets": [],
            "quote": self.span(mark),
            "responds_to": [],
        }
        if notes.get("date"):
            statement["date"] = notes["date"]
        modality = mark.modality or notes.get("modality")
        if modality:
            try:
                value = self.mapping.value(modality)
            except KeyError:
                self.problem(mark.place, _unknown("modality", modality))
                value = None
            if value:
                statement["modality"] = value.lower()
        return statement

    def apply(self, link: Link, built: dict[str, Any], relations: list[Any]) -> None:
        try:
            role = self.mapping.link(link.role)
        except KeyError:
            self.problem(link.place, _unknown("role or relation", link.role))
            return
        if role is None or link.source in self.ignored or link.target in self.ignored:
            return
        for end in (link.source, link.target):
            if end not in self.marks:
                self.problem(link.place, f"{link.role} points to {end!r}, which is not annotated")
                return
        if role in _RELATIONS:
            self.relation(link, _RELATIONS[role], relations)
        elif role == "RespondsTo":
            self.response(link, built)
        else:
            self.role(link, role, built)

    def relation(self, link: Link, kind: str, relations: list[Any]) -> None:
        source, target = self.entity_of.get(link.source), self.entity_of.get(link.target)
        if source is None or target is None:
            self.problem(link.place, f"{link.role} must link two actors")
            return
        relation = {"kind": kind, "source": source, "target": target}
        if relation not in relations:
            self.places[f"/relations/{len(relations)}"] = link.place
            relations.append(relation)

    def response(self, link: Link, built: dict[str, Any]) -> None:
        answered = self.statement_of.get(link.target)
        if link.source not in built or answered is None:
            self.problem(link.place, f"{link.role} must link two statements")
            return
        if answered not in built[link.source]["responds_to"]:
            built[link.source]["responds_to"].append(answered)

    def role(self, link: Link, role: str, built: dict[str, Any]) -> None:
        source, target = link.source, link.target
        if source not in built and target in built:  # drawn from the actor to the statement
            source, target = target, source
        if source not in built:
            self.problem(link.place, f"a {link.role} link must start at a statement")
            return
        statement = built[source]
        if role == "Quote":
            statement["quote"] = self.span(self.marks[target])
        elif role == "AllegedAct":
            if target not in self.act_of:
                self.problem(link.place, f"{link.role} must point to an alleged act")
            else:
                statement["act"] = self.act_of[target]
        elif target not in self.entity_of:
            self.problem(link.place, f"{link.role} must point to an actor")
        else:
            key = "claimants" if role == "Claimant" else "targets"
            if self.entity_of[target] not in statement[key]:
                statement[key].append(self.entity_of[target])

    def finish(self, mark: Mark, statement: dict[str, Any], acts: list[dict[str, Any]]) -> None:
        claimants = statement.pop("claimants")
        if len(claimants) != 1:
            found = "no Claimant" if not claimants else f"several Claimants {claimants}"
            self.problem(mark.place, f"statement {statement['id']!r} has {found}")
        else:
            statement["claimant"] = claimants[0]
        notes = mark.notes
        if "act" in notes and "act" not in statement:
            statement["act"] = notes["act"]
            if not any(a["id"] == notes["act"] for a in acts):
                label = notes.get("act-label") or notes["act"]
                types = split_list(notes.get("act-types", ""), "|,")
                acts.append({"id": notes["act"], "label": label, "types": types})


def _join(marks: list[Mark], keys_of: Callable[[Mark], list[str]]) -> list[list[Mark]]:
    """Marks grouped where they share a key (union-find), groups in order of first mark."""
    parent = list(range(len(marks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, mark in enumerate(marks):
        for key in keys_of(mark):
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[Mark]] = defaultdict(list)
    for index, mark in enumerate(marks):
        groups[root(index)].append(mark)
    return sorted(groups.values(), key=lambda g: (g[0].start, g[0].end))


def _actor_keys(mark: Mark, read: str) -> list[str]:
    """Wikidata id, noted id, noted name, the tool's own joins; else the words read."""
    keys = [f"same:{key}" for key in mark.same_as]
    wikidata = mark.wikidata or mark.notes.get("wikidata")
    if wikidata:
        keys.append(f"wd:{wikidata}")
    if "id" in mark.notes:
        keys.append(f"id:{mark.notes['id']}")
    if "name" in mark.notes:
        keys.append(f"name:{normal_name(mark.notes['name'])}")
    if not keys or keys == [f"same:{k}" for k in mark.same_as]:
        keys.append(f"name:{normal_name(read)}")
    return keys


def _act_keys(mark: Mark) -> list[str]:
    return [f"id:{mark.notes['id']}"] if "id" in mark.notes else [f"text:{mark.start}:{mark.end}"]


def _merged_notes(group: list[Mark]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for mark in group:
        for key, value in mark.notes.items():
            notes.setdefault(key, value)
    return notes


def _unique(wanted: str, used: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


def _unique_spans(spans: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    unique = {(s["start"], s["end"]): s for s in spans}
    return [unique[k] for k in sorted(unique)]


def _unknown(what: str, name: str) -> str:
    return f"unknown {what} {name!r}: not one of allegraph's names and not in the mapping file"


def _clip(value: str, width: int = 60) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
