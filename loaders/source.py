"""Reading an input file's bytes safely: size limit first, then strict UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loaders.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


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
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}"
        raise InputError.single(path, f"malformed JSON: {exc.msg}", place) from None
