"""Reading an input file's bytes safely: size limit first, then strict UTF-8, and JSON
only once its nesting is known to be within `MAX_DEPTH` (Python's parser recurses)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

from loaders.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 100
"""How deep arrays and objects (JSON) or sequences and mappings (YAML) may nest. allegraph's
own documents nest 5 deep and the annotation tools' exports under 10; a parser that recurses
(Python's JSON parser, PyYAML's composer) fails at about 1,000."""


def check_size(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a missing, non-regular, empty or oversized file before reading a byte of it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError.single(path, f"cannot read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise InputError.single(path, "not a regular file")
    if size == 0:
        raise InputError.single(path, "file is empty")
    if size > max_bytes:
        raise InputError.single(
            path, f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
        )


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a leading byte-order mark is dropped); errors name the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.single(path, f"cannot read: {exc.strerror or exc}") from None
    return decode_utf8(path, data)


def decode_utf8(source: str | Path, data: bytes) -> str:
    """Decode strictly; a bad byte is reported with its line, column and byte offset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.single(
            source,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            f"line {line}, column {column}",
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError.single(source, "file is empty (only white space)")
    return text


def read_json(path: Path) -> Any:
    """A JSON file's content; malformed JSON is reported with its line and column."""
    return load_json(path, read_text(path))


def load_json(
    source: str | Path,
    text: str,
    *,
    line: int | None = None,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """Parse JSON text whose nesting was checked first; problems name their line and column
    (or `line`, for one line of a JSON Lines file)."""
    deep = too_deep(text)
    if deep is not None:
        place = f"line {line}" if line is not None else _line_and_column(text, deep)
        raise InputError.single(source, DEPTH_REASON, place)
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        place = f"line {line}" if line is not None else f"line {exc.lineno}, column {exc.colno}"
        raise InputError.single(source, f"malformed JSON: {exc.msg}", place) from None


DEPTH_REASON = f"nested deeper than {MAX_DEPTH} levels, the limit on arrays and objects"
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(text: str, limit: int = MAX_DEPTH) -> int | None:
    """The offset where JSON text first nests deeper than `limit`, or None: a scan of its
    brackets outside strings, in C but for the one pass that finds the offset."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets or max(accumulate(map(_STEP.__getitem__, brackets))) <= limit:
        return None
    depth = 0
    for token in _TOKEN.finditer(text):
        depth += _STEP.get(token.group(), 0)
        if depth > limit:
            return token.start()
    return None  # unreachable: both scans count the same brackets


def _line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"
