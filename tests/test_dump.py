"""`allegraph dump` and `allegraph restore` (graph/rdf/dump.py): every graph out and back in,
the same quads and, after a sync, the same Cypher graph; corrupt dumps refused whole."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.settings import Settings
from graph.property.backend import open_backend
from graph.rdf.curation import CURATION_GRAPH
from graph.rdf.dump import HEADER, TRAILER, dump_store, restore_store
from graph.rdf.network import NETWORK_GRAPH
from loaders.errors import InputError
from loaders.synthetic import write_corpus
from tests.api_server import running_api
from tests.conftest import ALLEGRAPH, ROOT, SEED_YAML, Run, graph_dump


def allegraph(data: Path, *args: str, stdin: bytes | None = None) -> Run:
    """The installed command on the data directory `data`."""
    done = subprocess.run(
        [str(ALLEGRAPH), "--data", str(data), *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        cwd=ROOT,
        env=os.environ.copy(),
    )
    return Run(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode())


def quads(data: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(data / "rdf")))


def graph_of(data: Path) -> tuple[list[object], list[object]]:
    backend = open_backend("falkordb", data)
    try:
        return graph_dump(backend)
    finally:
        backend.close()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with documents, two actor merges (one split again) and a synced graph."""
    root = tmp_path_factory.mktemp("dump")
    corpus = root / "corpus"
    write_corpus(60, corpus, seed=7)
    first = json.loads((corpus / "doc-000001.json").read_text(encoding="utf-8"))
    a, b, c, d = (e["name"] for e in first["entities"][:4])
    data = root / "source"
    for step in (
        ("ingest", str(SEED_YAML), str(corpus)),
        ("actors", "merge", a, b),
        ("actors", "merge", c, d),
        ("actors", "split", c),
        ("sync",),
    ):
        done = allegraph(data, *step)
        assert done.code == 0, (step, done.stderr)
    return data


@pytest.fixture(scope="module")
def dumped(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dumps") / "all.nq"
    done = allegraph(source, "dump", "-o", str(out))
    assert done.code == 0, done.stderr
    return out


def test_restore_gives_the_same_quads_and_after_sync_the_same_graph(
    source: Path, dumped: Path, tmp_path: Path
) -> None:
    held = quads(source)
    graphs = {q.graph_name for q in held}
    assert ox.NamedNode(str(CURATION_GRAPH)) in graphs  # the merge and the split's memory
    assert ox.NamedNode(str(NETWORK_GRAPH)) in graphs
    lines = dumped.read_bytes().splitlines()
    assert lines[0].startswith(HEADER) and lines[-1] == TRAILER + f"{len(held)} quads".encode()
    assert len(lines) == len(held) + 2  # one quad a line, between the two frame lines

    target = tmp_path / "restored"
    done = allegraph(target, "restore", str(dumped))
    assert done.code == 0, done.stderr
    assert f"restored {len(held):,} quads" in done.stdout
    assert quads(target) == held
    assert allegraph(target, "sync").code == 0
    assert graph_of(target) == graph_of(source)


def test_trig_through_a_pipe_gives_the_same_quads(source: Path, tmp_path: Path) -> None:
    dumped = allegraph(source, "dump", "--format", "trig")
    assert dumped.code == 0, dumped.stderr
    assert "@prefix ag:" in dumped.stdout and "GRAPH" not in dumped.stdout[:200]
    target = tmp_path / "from-pipe"
    done = allegraph(target, "restore", "-", "--format", "trig", stdin=dumped.stdout.encode())
    assert done.code == 0, done.stderr
    assert quads(target) == quads(source)


def test_a_store_that_is_not_empty_is_replaced_only_when_asked(
    source: Path, dumped: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    assert allegraph(other, "ingest", str(SEED_YAML)).code == 0
    assert allegraph(other, "sync").code == 0
    before = quads(other)
    refused = allegraph(other, "restore", str(dumped))
    assert refused.code == 2 and "is not empty" in refused.stderr and "--replace" in refused.stderr
    assert quads(other) == before
    done = allegraph(other, "restore", str(dumped), "--replace")
    assert done.code == 0, done.stderr
    assert quads(other) == quads(source)
    assert allegraph(other, "sync").code == 0  # the old graph follows the new store
    assert graph_of(other) == graph_of(source)
    assert not [p.name for p in other.iterdir() if p.name.startswith(".")]  # nothing left aside


def test_a_store_only_the_ontology_holds_counts_as_empty(dumped: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert allegraph(fresh, "stats").code == 0  # opens (so makes) an empty store
    assert allegraph(fresh, "restore", str(dumped)).code == 0


@pytest.mark.parametrize(
    ("damage", "place"),
    [
        (
            lambda lines: [*lines[:40], b'<https://x.org/s> <https://x.org/p> "open', *lines[41:]],
            41,
        ),
        (lambda lines: lines[:-120], None),  # cut at a line's end: only the frame tells
        (lambda lines: [*lines[:-1], TRAILER + b"12 quads"], None),
    ],
    ids=["bad-line", "cut-short", "wrong-count"],
)
def test_a_corrupt_dump_is_refused_with_its_line_and_nothing_is_written(
    dumped: Path, tmp_path: Path, damage: object, place: int | None
) -> None:
    lines = dumped.read_bytes().splitlines()
    broken = tmp_path / "broken.nq"
    broken.write_bytes(b"\n".join(damage(lines)) + b"\n")  # type: ignore[operator]
    empty = tmp_path / "never"
    done = allegraph(empty, "restore", str(broken))
    assert done.code == 2 and "Traceback" not in done.stderr
    assert f"{broken}: line " in done.stderr
    if place is not None:
        assert f"line {place}, column" in done.stderr
    assert not empty.exists()  # not even the directory

    kept = tmp_path / "kept"
    assert allegraph(kept, "ingest", str(SEED_YAML)).code == 0
    before = quads(kept)
    assert allegraph(kept, "restore", str(broken), "--replace").code == 2
    assert quads(kept) == before
    assert not [p.name for p in kept.iterdir() if p.name.startswith(".")]


class Recorder:
    """An output that keeps the size of every write."""

    def __init__(self) -> None:
        self.writes: list[int] = []

    def write(self, data: bytes) -> int:
        self.writes.append(len(data))
        return len(data)

    def flush(self) -> None:
        pass


def test_the_dump_is_written_as_it_is_read_and_restored_in_chunks(
    source: Path, dumped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()
    report = dump_store(source, recorder, "nquads")  # type: ignore[arg-type]
    total = sum(recorder.writes)
    assert total == dumped.stat().st_size and report.quads == len(quads(source))
    assert len(recorder.writes) > 20 and max(recorder.writes) <= total // 10  # never all at once

    monkeypatch.setattr("graph.rdf.dump.LOAD_CHUNK", 1000)  # many bulk loads, then one merge
    with dumped.open("rb") as handle:
        restored = restore_store(tmp_path / "chunked", handle, "all.nq", "nquads")
    assert restored.quads == report.quads
    assert quads(tmp_path / "chunked") == quads(source)


def test_a_file_without_the_frame_is_read_too_and_refused_at_its_bad_line(
    tmp_path: Path,
) -> None:
    quad = b"<https://x.org/s> <https://x.org/p> <https://x.org/o> <https://x.org/g> .\n"
    foreign = tmp_path / "foreign.nq"  # N-Quads from elsewhere: no frame to check
    foreign.write_bytes(quad)
    with foreign.open("rb") as handle:
        assert restore_store(tmp_path / "data", handle, str(foreign), "nquads").quads == 1
    foreign.write_bytes(quad + b"<https://x.org/s> <https://x.org/p> nonsense .\n")
    with foreign.open("rb") as handle, pytest.raises(InputError) as refused:
        restore_store(tmp_path / "other", handle, str(foreign), "nquads")
    assert refused.value.problems[0].place == "line 2, column 37"
    assert not (tmp_path / "other").exists()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Path]:
    data = tmp_path / "served"
    assert allegraph(data, "ingest", str(SEED_YAML)).code == 0
    with running_api(Settings(data=data)):  # type: ignore[call-arg]
        yield data


def test_dump_works_while_a_server_holds_the_store_and_restore_there_is_refused(
    served: Path, dumped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "while-serving.nq"
    done = allegraph(served, "dump", "-o", str(out))
    assert done.code == 0, done.stderr
    target = tmp_path / "copy"
    assert allegraph(target, "restore", str(out)).code == 0
    assert quads(target) == quads(served)
    refused = allegraph(served, "restore", str(dumped), "--replace")
    assert refused.code == 3 and "in use by another allegraph process" in refused.stderr
    assert quads(target) == quads(served)
