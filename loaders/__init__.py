"""Loaders: one module per input format, each turning a file into an `AnnotatedDocument`.

Formats register in `FORMATS` (like rdflib's parser plugins); `--format auto` asks each
in turn whether a file is its own, native last (it takes any JSON or YAML). Each module
has `NAME`, `SUFFIXES`, `detect(path, head)` and `parse(path)`; a format whose file can
hold several documents (a Label Studio export, a doccano JSONL) also has `parse_all`, and
one whose documents span several files (brat's `.txt` + `.ann`) has `is_companion`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

from loaders.errors import AllegraphError, InputError, Problem
from loaders.formats import brat, doccano, labelstudio, native, webanno
from loaders.mapping import DEFAULT, LabelMapping, load_mapping
from loaders.model import AnnotatedDocument
from loaders.source import DEFAULT_MAX_BYTES, check_size

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "AllegraphError",
    "AnnotatedDocument",
    "InputError",
    "LabelMapping",
    "Problem",
    "companions",
    "discover",
    "load_document",
    "load_documents",
    "load_mapping",
]

FORMATS: dict[str, ModuleType] = {
    module.NAME: module for module in (brat, labelstudio, doccano, webanno, native)
}
Parser = Callable[[Path], AnnotatedDocument]


def load_document(
    path: Path, format: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES
) -> AnnotatedDocument:
    """Parse one file in the given format (or the detected one); raise `InputError`."""
    check_size(path, max_bytes)
    return _parser_for(path, format)(path)


def load_documents(
    path: Path,
    format: str = "auto",
    max_bytes: int = DEFAULT_MAX_BYTES,
    mapping: LabelMapping = DEFAULT,
) -> list[AnnotatedDocument]:
    """Every document in one file (an export may hold many); raise `InputError`."""
    if _unannotated(path, format):
        return []
    check_size(path, max_bytes)
    module = _module_for(path, format)
    if hasattr(module, "parse_all"):
        documents: list[AnnotatedDocument] = module.parse_all(path, mapping)
        return documents
    return [module.parse(path)]


def discover(paths: Iterable[Path], format: str = "auto") -> Iterator[Path]:
    """Files to ingest: each file given, and under each directory the files a format reads
    (leaving out the companions read with another file: brat's `.txt` beside its `.ann`).

    A missing path is yielded as is, so that loading it reports it by name.
    """
    suffixes = _suffixes(format)
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not p.name.startswith(".")
                and not _is_companion(p)
            )
        else:
            yield path


def companions(path: Path) -> list[Path]:
    """The other files a format reads with `path` (brat's `.txt` and `.json` beside its
    `.ann`, or its `.ann` beside the `.txt` given): sending a file elsewhere to be ingested
    sends these too."""
    paired = [m for m in FORMATS.values() if hasattr(m, "is_companion")]
    mains = {s for module in paired for s in module.SUFFIXES}
    siblings = sorted({path.with_suffix(s) for s in (*mains, ".txt", ".json")} - {path})
    itself = _is_companion(path)
    return [
        p
        for p in siblings
        if p.is_file() and (_is_companion(p) or (itself and p.suffix.lower() in mains))
    ]


def _unannotated(path: Path, format: str) -> bool:
    """A file a tool leaves empty until someone annotates (brat's `.ann`): no documents."""
    modules = FORMATS.values() if format == "auto" else [FORMATS.get(format, native)]
    return any(m.is_unannotated(path) for m in modules if hasattr(m, "is_unannotated"))


def _is_companion(path: Path) -> bool:
    return any(
        module.is_companion(path) for module in FORMATS.values() if hasattr(module, "is_companion")
    )


def _parser_for(path: Path, format: str) -> Parser:
    parser: Parser = _module_for(path, format).parse
    return parser


def _module_for(path: Path, format: str) -> ModuleType:
    if format != "auto":
        if format not in FORMATS:
            raise InputError.single(path, f"unknown format {format!r}; known: {', '.join(FORMATS)}")
        return FORMATS[format]
    head = _head(path)
    for module in FORMATS.values():
        if module.detect(path, head):
            return module
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
