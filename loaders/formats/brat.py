"""brat standoff: `NAME.txt` (the text) + `NAME.ann` (the annotations), and optionally
`NAME.json` beside them with the document's metadata (id, title, url, publisher, published).

Read as brat writes it (https://brat.nlplab.org/standoff.html): tab-separated lines of
text-bound annotations (`T`), relations (`R`), events (`E`), attributes (`A`, older `M`),
normalisations (`N`), equivalences (`*`) and notes (`#`). Offsets count characters of the
`.txt`; a discontinuous span (`0 5;7 9`) is read as the stretch it covers, its fragments
checked one by one. Problems are reported by `.ann` line.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.assemble import assemble
from loaders.errors import InputError, Problem
from loaders.mapping import DEFAULT, LabelMapping
from loaders.model import AnnotatedDocument
from loaders.names import slug
from loaders.source import read_text
from loaders.spans import Export, Link, Mark, parse_notes, read_sidecar, wikidata_id

NAME = "brat"
SUFFIXES = (".ann",)
_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")


def detect(path: Path, head: str) -> bool:
    """An `.ann` file, or a `.txt` with an `.ann` beside it."""
    suffix = path.suffix.lower()
    return suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").is_file())


def is_companion(path: Path) -> bool:
    """The `.txt` and metadata `.json` of an `.ann`: read with it, not on their own."""
    return path.suffix.lower() in (".txt", ".json") and path.with_suffix(".ann").is_file()


def is_unannotated(path: Path) -> bool:
    """An empty `.ann` beside its text: brat's mark of a document no one annotated yet."""
    ann = path.with_suffix(".ann")
    return (
        path.suffix.lower() in (".ann", ".txt")
        and ann.is_file()
        and path.with_suffix(".txt").is_file()
        and not ann.read_bytes().strip()
    )


def parse(path: Path, mapping: LabelMapping = DEFAULT) -> AnnotatedDocument:
    """Read the pair (and metadata) named by either file; raise `InputError` on a bad line."""
    ann_path = path.with_suffix(".ann")
    text_path = path.with_suffix(".txt")
    if not text_path.is_file():
        raise InputError.single(ann_path, f"no text file {text_path.name} beside it")
    export = Export(
        source=str(ann_path),
        text=read_text(text_path),
        metadata=read_sidecar(path.with_suffix(".json")),
        default_id=slug(path.stem) or "document",
    )
    _Reader(export, mapping).read(read_text(ann_path))
    return assemble(export, mapping)


def parse_all(path: Path, mapping: LabelMapping = DEFAULT) -> list[AnnotatedDocument]:
    return [parse(path, mapping)]


class _Reader:
    """Reads `.ann` lines into the export; collects every problem before raising."""

    def __init__(self, export: Export, mapping: LabelMapping) -> None:
        self.export, self.mapping = export, mapping
        self.problems: list[Problem] = []
        self.marks: dict[str, Mark] = {}
        self.triggers: dict[str, str] = {}  # trigger T id → event E id
        self.notes: dict[str, list[str]] = {}  # mark key → its `#` notes
        self.names: dict[str, str] = {}  # mark key → the name its normalisation gives
        self.relation_ids: set[str] = set()  # notes and attributes on these are not ours

    def read(self, ann: str) -> None:
        """Text-bound lines first, then events and relations, then what refers to them:
        brat does not promise that a line comes after the lines it names."""
        lines = [(f"line {n}", line) for n, line in enumerate(ann.splitlines(), start=1)]
        lines = [(place, line) for place, line in lines if line.strip()]
        for wanted in ("T", "ER", "AMN#*"):
            for place, line in lines:
                if line[:1] in wanted:
                    self.line(place, line)
        for place, line in lines:
            if line[:1] not in "TERAMN#*":
                self.fail(place, f"not a brat standoff line: {_clip(line)!r}")
        for key, notes in self.notes.items():
            named = {"name": self.names[key]} if key in self.names else {}
            self.marks[key].notes = {**named, **parse_notes(*notes)}
        for key, name in self.names.items():
            self.marks[key].notes.setdefault("name", name)
        self.export.links = [self.redirect(link) for link in self.export.links]
        if self.problems:
            raise InputError(self.export.source, self.problems)

    def line(self, place: str, line: str) -> None:
        fields = line.split("\t")
        ident = fields[0]
        kind = ident[:1]
        if kind == "T" and len(fields) == 3:
            self.text_bound(place, ident, fields)
        elif kind == "E" and len(fields) >= 2:
            self.event(place, ident, fields[1])
        elif kind == "R" and len(fields) >= 2:
            self.relation(place, fields[1])
            self.relation_ids.add(ident)
        elif kind in "AMN#*" and len(fields) >= 2:
            self.attach(place, fields)
        else:
            self.fail(place, f"not a brat standoff line: {_clip(line)!r}")

    def fail(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def text_bound(self, place: str, ident: str, fields: list[str]) -> None:
        label, _, offsets = fields[1].partition(" ")
        if not _OFFSETS.match(offsets):
            self.fail(place, f"{ident}: offsets {offsets!r} are not 'start end[;start end]…'")
            return
        parts = [tuple(int(n) for n in piece.split()) for piece in offsets.split(";")]
        fragments = [(s, e) for s, e in parts]
        mark = Mark(
            key=ident,
            label=label,
            start=min(s for s, _ in fragments),
            end=max(e for _, e in fragments),
            text=fields[2],
            place=place,
            fragments=fragments if len(fragments) > 1 else [],
        )
        self.marks[ident] = mark
        self.export.marks.append(mark)

    def event(self, place: str, ident: str, body: str) -> None:
        arguments = body.split()
        label, _, trigger = arguments[0].partition(":") if arguments else ("", "", "")
        if not trigger or trigger not in self.marks:
            self.fail(place, f"{ident}: trigger {trigger or body!r} is not a text-bound annotation")
            return
        base = self.marks[trigger]
        mark = Mark(ident, label, base.start, base.end, base.text, place, fragments=base.fragments)
        number = ident[1:]
        mark.default_id = f"s{number}" if number.isdigit() else None
        self.export.marks.append(mark)
        if base in self.export.marks:  # the trigger stands for the event, not for itself
            self.export.marks.remove(base)
        self.triggers[trigger] = ident
        self.marks[ident] = mark
        for argument in arguments[1:]:
            role, _, target = argument.partition(":")
            if not target:
                self.fail(place, f"{ident}: argument {argument!r} is not Role:ID")
            else:
                self.export.links.append(Link(role, ident, target, place))

    def relation(self, place: str, body: str) -> None:
        label, *arguments = body.split()
        ends = dict(a.partition(":")[::2] for a in arguments)
        if set(ends) != {"Arg1", "Arg2"} or not all(ends.values()):
            self.fail(place, f"relation {label!r} needs Arg1:ID and Arg2:ID")
            return
        self.export.links.append(Link(label, ends["Arg1"], ends["Arg2"], place))

    def attach(self, place: str, fields: list[str]) -> None:
        kind, words = fields[0][:1], fields[1].split()
        target = words[1] if len(words) > 1 else ""
        target = self.triggers.get(target, target)
        if target in self.relation_ids:
            return
        if target not in self.marks and kind != "*":
            self.fail(place, f"{fields[0]} refers to {target or '?'!r}, which is not annotated")
        elif kind in "AM":
            self.attribute(place, words, self.marks[target])
        elif kind == "N":
            mark = self.marks[target]
            reference = words[2] if len(words) > 2 else ""
            if reference:
                mark.same_as.append(reference)
            mark.wikidata = mark.wikidata or wikidata_id(reference)
            if len(fields) > 2 and fields[2].strip():
                self.names[target] = fields[2].strip()
        elif kind == "#":
            self.notes.setdefault(target, []).append(fields[2] if len(fields) > 2 else "")
        else:
            self.equivalence(words[1:])

    def attribute(self, place: str, words: list[str], mark: Mark) -> None:
        """Modality (or what the mapping maps onto it); other attributes are not ours."""
        try:
            ours = self.mapping.attribute(words[0])
        except KeyError:
            return
        if ours is not None and len(words) > 2:
            mark.modality = words[2]
        elif ours is not None:
            self.fail(place, f"a {words[0]} attribute needs a value (Asserted, Hedged, …)")

    def equivalence(self, idents: list[str]) -> None:
        """`*\tEquiv T1 T2`: the mentions are one actor."""
        for ident in idents:
            if ident in self.marks:
                self.marks[ident].same_as.append(f"equiv:{idents[0]}")

    def redirect(self, link: Link) -> Link:
        """A relation drawn between event triggers means the events themselves."""
        source = self.triggers.get(link.source, link.source)
        target = self.triggers.get(link.target, link.target)
        return Link(link.role, source, target, link.place)


def _clip(value: str, width: int = 60) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
