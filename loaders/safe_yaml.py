"""YAML read within bounds: nesting depth, and how much aliases may expand.

PyYAML's safe loader still lets a few hundred bytes of nested aliases ("billion laughs")
stand for billions of values: the loaded object shares them, but everything that walks it
afterwards (validation, serialisation) pays for each one. And its composer recurses once a
level, so a document nested 100,000 deep ends in `RecursionError`. `BoundedLoader` counts as
it composes, before anything is built: the values each alias stands for (at most
`MAX_ALIAS_VALUES` in all), and the nesting (at most `MAX_DEPTH`). Aliases within the bound
work as YAML says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from loaders.errors import InputError
from loaders.source import MAX_DEPTH

MAX_ALIAS_VALUES = 100_000
"""Most values (scalars, sequences, mappings) all aliases of one document may stand for."""


class LimitExceeded(ComposerError):
    """A document over one of the bounds; its mark is where it went over."""

    def __init__(self, reason: str, mark: Any) -> None:
        super().__init__(None, None, reason, mark)


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing documents that nest or expand past the bounds."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliased = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values it holds, itself included

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        nests = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nests and self._depth >= MAX_DEPTH:
            reason = f"nested deeper than {MAX_DEPTH} levels, the limit on sequences and mappings"
            raise LimitExceeded(reason, event.start_mark)
        self._depth += nests
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= nests
        if node is not None:
            self._sizes[id(node)] = 1 + sum(self._sizes[id(c)] for c in _children(node))
        return node

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        target = self.anchors.get(event.anchor)
        if target is None:
            return  # PyYAML reports the undefined alias
        size = self._sizes.get(id(target))
        if size is None:
            reason = (
                f"alias *{event.anchor} is inside the value it refers to (a recursive structure)"
            )
            raise LimitExceeded(reason, event.start_mark)
        self._aliased += size
        if self._aliased > MAX_ALIAS_VALUES:
            reason = (
                f"aliases stand for more than {MAX_ALIAS_VALUES:,} values, the limit on alias "
                "expansion (write the values out instead)"
            )
            raise LimitExceeded(reason, event.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(source: str | Path, text: str, loader: type[BoundedLoader] = BoundedLoader) -> Any:
    """The one document in `text`; problems (bounds included) name their line and column."""
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader, bounded
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = exc.problem if isinstance(exc, LimitExceeded) else f"malformed YAML: {exc.problem}"
        raise InputError.single(source, str(reason), place) from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, f"malformed YAML: {exc}") from None


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of a document `load_yaml` accepted (for the places of problems)."""
    node: yaml.Node | None = yaml.compose(text, Loader=BoundedLoader)
    return node
