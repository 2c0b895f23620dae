"""The native annotated-document format, as JSON or YAML (see docs/format.md).

YAML problems are reported by line and column, JSON problems by line (syntax) or by
JSON pointer (content).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from loaders.errors import InputError, Problem
from loaders.model import AnnotatedDocument
from loaders.safe_yaml import BoundedLoader, compose_yaml, load_yaml
from loaders.source import load_json, read_text
from loaders.validation import PlaceOf, validate_document

NAME = "native"
SUFFIXES = (".json", ".yaml", ".yml")
_YAML_SUFFIXES = (".yaml", ".yml")


def detect(path: Path, head: str) -> bool:
    """Any .json, .yaml or .yml file; asked last, after the formats with stricter signs."""
    return path.suffix.lower() in SUFFIXES


def parse(path: Path) -> AnnotatedDocument:
    """Read one native document, validate it, and return it with every span resolved."""
    return parse_text(path, read_text(path), yaml_syntax=path.suffix.lower() in _YAML_SUFFIXES)


def parse_text(source: str | Path, text: str, *, yaml_syntax: bool) -> AnnotatedDocument:
    """Parse native-format text already read (an upload, a file)."""
    if yaml_syntax:
        data = _load_yaml(source, text)
        return validate_document(source, data, _yaml_places(text))
    return validate_document(source, _load_json(source, text))


def _load_json(source: str | Path, text: str) -> Any:
    duplicates: list[str] = []

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    data = load_json(source, text, object_pairs_hook=no_duplicates)
    if duplicates:
        problems = [Problem("", f"duplicate key {key!r} in a JSON object") for key in duplicates]
        raise InputError(source, problems)
    return data


class _StrictYamlLoader(BoundedLoader):
    """The bounded safe loader, refusing duplicate keys instead of keeping the last silently."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(source: str | Path, text: str) -> Any:
    return load_yaml(source, text, _StrictYamlLoader)


def _yaml_places(text: str) -> PlaceOf:
    """Map JSON pointers to YAML lines; the node tree is only composed when asked."""
    positions: dict[str, tuple[int, int]] = {}

    def walk(node: yaml.Node, pointer: str) -> None:
        positions[pointer or "/"] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{pointer}/{str(key.value).replace('~', '~0').replace('/', '~1')}")
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{pointer}/{index}")

    def place_of(pointer: str) -> str:
        if not positions:
            root = compose_yaml(text)
            if root is not None:
                walk(root, "")
        probe = pointer
        while probe not in positions and "/" in probe.strip("/"):
            probe = probe.rsplit("/", 1)[0]
        line, column = positions.get(probe, positions.get("/", (1, 1)))
        return f"line {line}, column {column} ({pointer})"

    return place_of
