"""Loaders: one module per input format, each turning a file into an `AnnotatedDocument`.

Formats register in `FORMATS` (like rdflib's parser plugins); `--format auto` asks each
in turn whether a file is its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

from loaders import native
from loaders.errors import AllegraphError, InputError, Problem
from loaders.model import AnnotatedDocument
from loaders.source import DEFAULT_MAX_BYTES, check_size

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "AllegraphError",
    "AnnotatedDocument",
    "InputError",
    "Problem",
    "discover",
    "load_document",
]

FORMATS: dict[str, ModuleType] = {native.NAME: native}
Parser = Callable[[Path], AnnotatedDocument]


def load_document(
    path: Path, format: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES
) -> AnnotatedDocument:
    """Parse one file in the given format (or the detected one); raise `InputError`."""
    check_size(path, max_bytes)
    return _parser_for(path, format)(path)


def discover(paths: Iterable[Path], format: str = "auto") -> Iterator[Path]:
    """Files to ingest: each file given, and under each directory the files a format reads.

    A missing path is yielded as is, so that loading it reports it by name.
    """
    suffixes = _suffixes(format)
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(".")
            )
        else:
            yield path


def _parser_for(path: Path, format: str) -> Parser:
    if format != "auto":
        if format not in FORMATS:
            raise InputError.single(path, f"unknown format {format!r}; known: {', '.join(FORMATS)}")
        parser: Parser = FORMATS[format].parse
        return parser
    head = _head(path)
    for module in FORMATS.values():
        if module.detect(path, head):
            found: Parser = module.parse
            return found
    raise InputError.single(
        path, f"cannot tell the format; name one with --format ({', '.join(FORMATS)})"
    )


def _head(path: Path, size: int = 64 * 1024) -> str:
    with path.open("rb") as handle:
        return handle.read(size).decode("utf-8", errors="replace")


def _suffixes(format: str) -> set[str]:
    modules = (
        FORMATS.values() if format == "auto" else [FORMATS[format]] if format in FORMATS else []
    )
    return {suffix for module in modules for suffix in module.SUFFIXES}
