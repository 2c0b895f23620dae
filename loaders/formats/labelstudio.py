"""Label Studio's JSON export: a list of tasks, each its `data` (the text and any metadata
columns) and its `annotations`, whose `result` holds `labels` regions (`value.start`,
`value.end`, `value.text`, `value.labels`) and `relation` items (`from_id`, `to_id`,
`labels`, `direction`).

A task annotated by several people has several annotations: the one marked ground truth
is read, else the most recently updated one that was not cancelled. Per-region text areas
and `meta.text` are notes (`name: …`, `id: …`); per-region choices give the modality.
Tasks nobody annotated are skipped. Problems are reported by JSON pointer.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from loaders.assemble import assemble_each, only_document
from loaders.errors import InputError, Problem
from loaders.mapping import DEFAULT, LabelMapping
from loaders.model import AnnotatedDocument
from loaders.source import read_json
from loaders.spans import Export, Link, Mark, parse_notes

NAME = "labelstudio"
SUFFIXES = (".json",)
_META = ("title", "url", "publisher", "published", "language")


def detect(path: Path, head: str) -> bool:
    """JSON whose tasks carry `annotations` (or the older `completions`) and `data`."""
    return (
        path.suffix.lower() == ".json"
        and head.lstrip().startswith(("[", "{"))
        and any(f'"{key}"' in head for key in ("annotations", "completions"))
        and ('"result"' in head or '"data"' in head)
    )


def parse(path: Path, mapping: LabelMapping = DEFAULT) -> AnnotatedDocument:
    """The export's one annotated task; more or none is an error (use `parse_all`)."""
    return only_document(path, parse_all(path, mapping), "annotated task")


def parse_all(path: Path, mapping: LabelMapping = DEFAULT) -> list[AnnotatedDocument]:
    """Every annotated task of the export; every problem of every task is reported."""
    data = read_json(path)
    tasks = data if isinstance(data, list) else [data]
    listed = isinstance(data, list)
    exports = (
        partial(task_export, str(path), task, f"/{index}" if listed else "", mapping)
        for index, task in enumerate(tasks)
    )
    return assemble_each(path, exports, mapping)


def task_export(
    source: str, task: Any, pointer: str, mapping: LabelMapping = DEFAULT
) -> Export | None:
    """One task as an `Export`, or None when no one annotated it."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise InputError.single(source, "expected a task object with a `data` object", pointer)
    chosen = _chosen_annotation(task)
    if chosen is None:
        return None
    number, annotation = chosen
    results = annotation.get("result") or []
    base = f"{pointer}/{'annotations' if 'annotations' in task else 'completions'}/{number}"
    data: dict[str, Any] = task["data"]
    text = _text(source, data, results, pointer)
    meta: dict[str, Any] = task["meta"] if isinstance(task.get("meta"), dict) else {}
    metadata = {k: v for k, v in {**meta, **data}.items() if k in _META}
    for key in ("doc_id", "document_id", "id"):
        if isinstance(data.get(key), str):
            metadata["id"] = data[key]
            break
    export = Export(source, text, metadata, default_id=f"task-{task.get('id', pointer[1:] or 0)}")
    _read_results(export, results, f"{base}/result", mapping)
    return export


def _chosen_annotation(task: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    annotations = task.get("annotations", task.get("completions")) or []
    usable = [
        (i, a)
        for i, a in enumerate(annotations)
        if isinstance(a, dict) and not a.get("was_cancelled") and a.get("result")
    ]
    if not usable:
        return None
    truth = [(i, a) for i, a in usable if a.get("ground_truth")]
    if truth:
        return truth[0]
    return max(usable, key=lambda pair: (str(pair[1].get("updated_at") or ""), pair[0]))


def _text(source: str, data: dict[str, Any], results: list[Any], pointer: str) -> str:
    names = [r.get("to_name") for r in results if isinstance(r, dict)]
    for key in [*names, "text"]:
        if isinstance(key, str) and isinstance(data.get(key), str):
            return str(data[key])
    strings = [v for v in data.values() if isinstance(v, str)]
    if not strings:
        raise InputError.single(source, "the task's data holds no text", f"{pointer}/data")
    return max(strings, key=len)


def _read_results(export: Export, results: list[Any], pointer: str, mapping: LabelMapping) -> None:
    regions: dict[str, Mark] = {}
    extras: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, item in enumerate(results):
        place = f"{pointer}/{index}"
        if not isinstance(item, dict):
            problems.append(Problem(place, "expected a result object"))
        elif item.get("type") == "relation":
            problems.extend(_relation(export, item, place))
        elif item.get("type") in ("labels", "hypertextlabels"):
            mark = _region(export.text, item, place, problems)
            if mark is not None:
                regions[mark.key] = mark
                export.marks.append(mark)
        else:
            extras.append(item)
    for item in extras:
        _per_region(regions.get(str(item.get("id"))), item, mapping)
    if problems:
        raise InputError(export.source, problems)


def _region(text: str, item: dict[str, Any], place: str, problems: list[Problem]) -> Mark | None:
    value = item.get("value") if isinstance(item.get("value"), dict) else {}
    assert isinstance(value, dict)
    start, end, labels = value.get("start"), value.get("end"), value.get("labels") or []
    if not isinstance(start, int) or not isinstance(end, int):
        problems.append(Problem(place, "a region needs integer value.start and value.end"))
        return None
    if len(labels) != 1:
        problems.append(Problem(place, f"a region needs exactly one label, has {labels}"))
        return None
    quoted = value.get("text") if isinstance(value.get("text"), str) else None
    start, end = _code_points(text, start, end, quoted)
    notes = parse_notes(*_texts(item.get("meta")))
    return Mark(str(item.get("id")), str(labels[0]), start, end, quoted, place, notes)


def _code_points(text: str, start: int, end: int, quoted: str | None) -> tuple[int, int]:
    """Label Studio counts in the browser's UTF-16 units: past an emoji, its offsets run
    ahead of Python's. Convert when the code-point reading does not fit but UTF-16 does."""
    if quoted is None or text[start:end] == quoted:
        return start, end
    units = 0
    index_of: dict[int, int] = {}
    for index, char in enumerate(text):
        index_of[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    index_of[units] = len(text)
    if start in index_of and end in index_of:
        converted = index_of[start], index_of[end]
        if text[converted[0] : converted[1]] == quoted:
            return converted
    return start, end


def _relation(export: Export, item: dict[str, Any], place: str) -> Iterator[Problem]:
    labels = item.get("labels") or []
    if len(labels) != 1:
        yield Problem(place, f"a relation needs exactly one label, has {labels}")
        return
    source, target = str(item.get("from_id")), str(item.get("to_id"))
    if item.get("direction") == "left":
        source, target = target, source
    export.links.append(Link(str(labels[0]), source, target, place))


def _per_region(mark: Mark | None, item: dict[str, Any], mapping: LabelMapping) -> None:
    """A text area or choice attached to a region: its notes, or its modality (a choice
    whose control is named `modality`, or mapped onto it)."""
    if mark is None:
        return  # a document-level choice or text area: not about a span
    value = item.get("value") if isinstance(item.get("value"), dict) else {}
    assert isinstance(value, dict)
    if item.get("type") == "textarea":
        mark.notes = {**mark.notes, **parse_notes(*_texts(value))}
    elif item.get("type") == "choices" and value.get("choices"):
        try:
            modality = mapping.attribute(str(item.get("from_name")))
        except KeyError:
            return
        if modality is not None:
            mark.modality = str(value["choices"][0])


def _texts(holder: Any) -> list[str]:
    if not isinstance(holder, dict):
        return []
    found = holder.get("text")
    if isinstance(found, str):
        return [found]
    return [str(t) for t in found] if isinstance(found, list) else []
