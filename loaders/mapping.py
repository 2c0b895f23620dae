"""The label mapping: a team's own label, role and value names onto allegraph's.

Annotation tools let every project name its labels (`PER`, `Accuse`, `Agent`); a YAML
mapping file (`--mapping`) says what each one means, so existing projects need no
relabelling. Without a mapping, labels are matched to allegraph's names ignoring case,
spaces, `-` and `_` (`intelligence service` is `IntelligenceService`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import InputError, Problem
from loaders.safe_yaml import load_yaml
from loaders.source import read_text
from ontology import ActorKind, Modality, StatementKind

ACT = "AllegedAct"
QUOTE = "Quote"
IGNORE = "ignore"
ROLES = ("Claimant", "Target", "AllegedAct", "Quote")
RELATIONS = ("PartOf", "SpeaksFor", "RespondsTo")
MODALITY = "Modality"

LABELS = (*(k.value for k in ActorKind), ACT, QUOTE, *(k.value.capitalize() for k in StatementKind))
LINKS = (*ROLES, *RELATIONS)
VALUES = tuple(m.value.capitalize() for m in Modality)
_SECTIONS = {"labels": LABELS, "roles": LINKS, "attributes": (MODALITY,), "values": VALUES}


def fold(name: str) -> str:
    """`Intelligence_Service` → `intelligenceservice`: how names are compared."""
    return re.sub(r"[\s_-]+", "", name).casefold()


@dataclass(frozen=True)
class LabelMapping:
    """The team's names (folded) → allegraph's names, per kind of name; `None` = ignore."""

    labels: Mapping[str, str | None] = field(default_factory=dict)
    roles: Mapping[str, str | None] = field(default_factory=dict)
    attributes: Mapping[str, str | None] = field(default_factory=dict)
    values: Mapping[str, str | None] = field(default_factory=dict)

    def label(self, name: str) -> str | None:
        """allegraph's name for a span or event label; `None` to ignore; KeyError if unknown."""
        return _lookup(self.labels, LABELS, name)

    def link(self, name: str) -> str | None:
        """allegraph's name for an event role or relation label (`Target2` is `Target`)."""
        try:
            return _lookup(self.roles, LINKS, name)
        except KeyError:
            return _lookup(self.roles, LINKS, re.sub(r"\d+$", "", name))

    def attribute(self, name: str) -> str | None:
        return _lookup(self.attributes, (MODALITY,), name)

    def value(self, name: str) -> str | None:
        return _lookup(self.values, VALUES, name)


DEFAULT = LabelMapping()


def _lookup(own: Mapping[str, str | None], known: tuple[str, ...], name: str) -> str | None:
    folded = fold(name)
    if folded in own:
        return own[folded]
    for candidate in known:
        if fold(candidate) == folded:
            return candidate
    raise KeyError(name)


def load_mapping(path: Path) -> LabelMapping:
    """Read and check a mapping file; every name it maps to must be one of allegraph's."""
    data = load_yaml(path, read_text(path))
    if not isinstance(data, Mapping):
        raise InputError.single(path, "expected a mapping with labels, roles, attributes, values")
    problems: list[Problem] = []
    sections: dict[str, dict[str, str | None]] = {}
    for section, wanted in data.items():
        if section not in _SECTIONS:
            problems.append(
                Problem(f"/{section}", f"unknown section; known: {', '.join(_SECTIONS)}")
            )
        elif not isinstance(wanted, Mapping):
            problems.append(Problem(f"/{section}", "expected a mapping of name: name"))
        else:
            sections[section] = _section(section, wanted, problems)
    if problems:
        raise InputError(path, problems)
    return LabelMapping(**sections)


def _section(
    section: str, entries: Mapping[object, object], problems: list[Problem]
) -> dict[str, str | None]:
    known = _SECTIONS[section]
    result: dict[str, str | None] = {}
    for own, ours in entries.items():
        if ours is None or (isinstance(ours, str) and fold(ours) == IGNORE):
            result[fold(str(own))] = None
            continue
        match = next((k for k in known if isinstance(ours, str) and fold(k) == fold(ours)), None)
        if match is None:
            problems.append(
                Problem(f"/{section}/{own}", f"{ours!r} is not one of: {', '.join(known)}, ignore")
            )
        else:
            result[fold(str(own))] = match
    return result
