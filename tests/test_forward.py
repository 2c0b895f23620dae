"""Writing while serving: `allegraph ingest`, `remove` and `actors merge/split` on a data
directory a server holds go to that server (api.announce, api.forward, api.routes.admin),
and its readers see every document whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.announce import SERVER_FILE, ServerFile, read_server_file, write_server_file
from api.settings import Settings
from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from loaders.synthetic import write_corpus
from tests.api_server import running_api
from tests.conftest import ALLEGRAPH, ROOT, SEED_YAML, Run
from tests.test_mapping import WITH_THEME, mapping_file, team_export

READERS = 8
BASE, NEW = 200, 2000
DOCUMENT = "https://w3id.org/allegraph/id/document/"
TRIPLES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
STATEMENTS = "SELECT ?g (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s a ag:Statement } } GROUP BY ?g"


def allegraph(data: Path, *args: str) -> Run:
    done = subprocess.run(
        [str(ALLEGRAPH), "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=os.environ.copy(),
    )
    return Run(done.returncode, done.stdout, done.stderr)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(data: Path, log: Path) -> Iterator[ServerFile]:
    """`allegraph serve` in a process of its own, once it has announced itself."""
    command = [str(ALLEGRAPH), "--data", str(data), "serve", "--port", str(_free_port())]
    with log.open("wb") as errors:
        process = subprocess.Popen(command, stdout=errors, stderr=errors, cwd=ROOT)
        try:
            yield _announced(data, process, log)
        finally:
            process.terminate()
            process.wait(timeout=120)
    assert not (data / SERVER_FILE).exists(), "the server left its file behind"


def _announced(data: Path, process: subprocess.Popen[bytes], log: Path) -> ServerFile:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = read_server_file(data)
        if found is not None and found.pid == process.pid:
            return found
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text(errors='replace')}")
        time.sleep(0.2)
    pytest.fail("the server did not announce itself")


# 2,000 documents while 8 readers query -----------------------------------------------------


@dataclass
class Expected:
    """What whole documents add, in the order they are sent (file names sort by id)."""

    statements: list[int]  # after the first m new documents, m = 0 … NEW
    made: list[dict[str, int]]
    received: list[dict[str, int]]
    mentions: list[int]


def _expected(new: list[dict[str, Any]], entity: str) -> Expected:
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    sums = Expected([0], [{}], [{}], [0])
    for doc in new:
        for statement in doc["statements"]:
            if statement["claimant"] == entity:
                made[statement["kind"]] += 1
            if entity in statement["targets"]:
                received[statement["kind"]] += 1
        sums.statements.append(sums.statements[-1] + len(doc["statements"]))
        sums.made.append(dict(made))
        sums.received.append(dict(received))
        sums.mentions.append(sums.mentions[-1] + any(e["id"] == entity for e in doc["entities"]))
    return sums


def _most_mentioned(docs: list[dict[str, Any]]) -> tuple[str, str]:
    """The entity id and Wikidata id of the actor with a Wikidata id in most documents."""
    seen = Counter(
        (e["id"], e["wikidata"]) for doc in docs for e in doc["entities"] if e.get("wikidata")
    )
    return seen.most_common(1)[0][0]


@dataclass
class Seen:
    statements: list[int] = field(default_factory=list)
    graphs: dict[str, list[dict[str, int]]] = field(default_factory=dict)  # by query
    actor: list[tuple[dict[str, int], dict[str, int], int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _ask_statements(client: httpx.Client, actor: str, seen: Seen) -> None:
    answer = client.get("/statements", params={"limit": 1})
    if _ok(answer, seen):
        with seen.lock:
            seen.statements.append(answer.json()["total"])


def _ask_triples(client: httpx.Client, actor: str, seen: Seen) -> None:
    """Each document graph's triples (every triple of the store read: the costly ask)."""
    _ask_graphs(client, TRIPLES, seen)


def _ask_statements_by_graph(client: httpx.Client, actor: str, seen: Seen) -> None:
    _ask_graphs(client, STATEMENTS, seen)


def _ask_graphs(client: httpx.Client, query: str, seen: Seen) -> None:
    answer = client.get("/sparql", params={"query": query})
    if _ok(answer, seen):
        rows = answer.json()["results"]["bindings"]
        counted = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
        with seen.lock:
            seen.graphs.setdefault(query, []).append(
                {g: n for g, n in counted.items() if g.startswith(DOCUMENT)}
            )


def _ask_actor(client: httpx.Client, actor: str, seen: Seen) -> None:
    answer = client.get(f"/actors/{actor}")
    if _ok(answer, seen):
        body = answer.json()
        made, received = body["statements"]["made"], body["statements"]["received"]
        with seen.lock:
            seen.actor.append((made, received, body["documents"]))


def _ok(answer: httpx.Response, seen: Seen) -> bool:
    if answer.status_code == 200:
        return True
    with seen.lock:
        seen.errors.append(f"{answer.request.url}: {answer.status_code} {answer.text[:300]}")
    return False


ASKS: list[Callable[[httpx.Client, str, Seen], None]] = [
    _ask_statements,
    _ask_statements_by_graph,
    _ask_actor,
    _ask_triples,
]


def _read_until(stop: threading.Event, url: str, actor: str, seen: Seen, first: int) -> None:
    with httpx.Client(base_url=url, timeout=120, trust_env=False) as client:
        turn = first
        while not stop.is_set():
            try:
                ASKS[turn % len(ASKS)](client, actor, seen)
            except httpx.HTTPError as exc:
                with seen.lock:
                    seen.errors.append(f"{type(exc).__name__}: {exc}")
            turn += 1


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`BASE` documents, then `NEW` more in a folder of their own."""
    root = tmp_path_factory.mktemp("forward-corpus")
    write_corpus(BASE + NEW, root / "all", seed=3)
    written = sorted((root / "all").iterdir())
    for name, files in (("base", written[:BASE]), ("new", written[BASE:])):
        (root / name).mkdir()
        for path in files:
            shutil.move(path, root / name / path.name)
    return root


def test_2000_documents_ingested_through_a_server_while_8_readers_see_only_whole_ones(
    corpus: Path, tmp_path: Path
) -> None:
    new = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "new").iterdir())]
    entity, wikidata = _most_mentioned(new)
    expected = _expected(new, entity)
    data = tmp_path / "data"
    with RDFStore.in_data_dir(data) as store:
        assert ingest_paths(store, sorted((corpus / "base").iterdir()), shacl=False).ok
    with serving(data, tmp_path / "serve.log") as server:
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as client:
            before = Seen()
            for ask in ASKS:
                ask(client, wikidata, before)
        assert not before.errors and len(before.graphs[TRIPLES][0]) == BASE
        seen, stop = Seen(), threading.Event()
        readers = [
            threading.Thread(target=_read_until, args=(stop, server.url, wikidata, seen, n))
            for n in range(READERS)
        ]
        for reader in readers:
            reader.start()
        started = time.perf_counter()
        try:
            done = allegraph(data, "ingest", str(corpus / "new"), "--no-shacl", "--report", "json")
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=300)
        seconds = time.perf_counter() - started
        assert done.code == 0, done.stderr
        report = json.loads(done.stdout)
        assert len(report["ingested"]) == NEW and not report["failed"]
        after = Seen()
        with httpx.Client(base_url=server.url, timeout=60, trust_env=False) as client:
            for ask in ASKS:
                ask(client, wikidata, after)

    print(
        f"\n{NEW} documents through the server in {seconds:.1f} s; readers answered "
        f"{len(seen.statements)} + {len(seen.graphs[STATEMENTS])} + {len(seen.actor)} + "
        f"{len(seen.graphs[TRIPLES])} times"
    )
    assert not seen.errors, seen.errors[:5]
    new_ids = [DOCUMENT + doc["id"] for doc in new]
    for query in (TRIPLES, STATEMENTS):
        whole = after.graphs[query][0]  # every document's count, now that all are in
        assert len(whole) == BASE + NEW
        for counted in seen.graphs[query]:  # every graph seen is whole, and a prefix is in
            assert all(whole[g] == n for g, n in counted.items()), "half a document was seen"
            m = len(counted) - BASE
            assert set(counted) - set(before.graphs[query][0]) == set(new_ids[:m])
        assert any(0 < len(c) - BASE < NEW for c in seen.graphs[query]), "none mid-ingest"

    base_total = before.statements[0]
    totals = {base_total + s: m for m, s in enumerate(expected.statements)}
    assert after.statements[0] == base_total + expected.statements[-1]
    assert all(total in totals for total in seen.statements), "a total of part of a document"
    middle = {totals[t] for t in seen.statements} - {0, NEW}
    assert len(middle) >= 3, "the readers did not overlap the ingest"

    made, received, mentions = before.actor[0]
    states = {
        (_plus(made, expected.made[m]), _plus(received, expected.received[m]))
        for m in range(NEW + 1)
    }
    last = (_plus(made, expected.made[-1]), _plus(received, expected.received[-1]))
    assert (_plus(after.actor[0][0]), _plus(after.actor[0][1])) == last
    assert all((_plus(a), _plus(b)) in states for a, b, _ in seen.actor), "part of a document"
    counts = {mentions + n for n in expected.mentions}
    assert all(n in counts for _, _, n in seen.actor)

    verified = allegraph(data, "sync", "--verify")  # the server is gone: the store is free
    assert verified.code == 0, verified.stderr
    assert "synced 0 added, 0 changed, 0 removed" in verified.stdout  # the server had synced
    assert "verified" in verified.stdout


def _plus(base: dict[str, int], more: dict[str, int] | None = None) -> tuple[Any, ...]:
    """Statement counts by kind, added up, as something a set can hold."""
    return tuple(sorted((Counter(base) + Counter(more or {})).items()))


# the same answers as a local run ----------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The seed and a few synthetic documents, served (in this process) from a data
    directory; a twin directory with the same documents for the same commands run locally."""
    root = tmp_path_factory.mktemp("forward")
    write_corpus(12, root / "corpus", seed=11)
    for name in ("served", "local"):
        with RDFStore.in_data_dir(root / name) as store:
            assert ingest_paths(store, [SEED_YAML, *sorted((root / "corpus").iterdir())]).ok
    with running_api(Settings(data=root / "served")) as url:  # type: ignore[call-arg]
        yield root, url


def _mixed_inputs(folder: Path) -> list[str]:
    """A good brat pair (with its metadata), a broken one, a document of an unknown kind,
    an empty file and a path that is not there."""
    folder.mkdir(exist_ok=True)
    brat = ROOT / "examples" / "formats" / "brat"
    for path in brat.iterdir():
        shutil.copy(path, folder / path.name)
    ann = (brat / "svr-nato-false-flag.ann").read_text(encoding="utf-8").splitlines()
    (folder / "broken.txt").write_text((brat / "svr-nato-false-flag.txt").read_text("utf-8"))
    (folder / "broken.ann").write_text("\n".join([*ann[:5], "T99\tNoSuchLabel 0 x\tRussia"]))
    seed = SEED_YAML.read_text(encoding="utf-8")
    (folder / "wizard.yaml").write_text(seed.replace("kind: IntelligenceService", "kind: Wizard"))
    (folder / "empty.json").write_text("")
    return [str(folder), str(folder / "nowhere.json")]


def _refusals(run: Run) -> set[str]:
    return {line for line in run.stderr.splitlines() if line.startswith("/")}


def test_a_refused_file_is_reported_through_the_server_as_locally(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    root, _ = served
    inputs = _mixed_inputs(tmp_path / "mixed")
    remote = allegraph(root / "served", "ingest", *inputs)
    local = allegraph(tmp_path / "fresh", "ingest", *inputs)
    assert "sending it the work" in remote.stderr and "sending" not in local.stderr
    assert remote.code == local.code == 2
    assert _refusals(remote) == _refusals(local)
    assert len(_refusals(local)) >= 4 and any("broken.ann: line 6" in r for r in _refusals(local))
    assert remote.stdout.split(" triples")[0] == local.stdout.split(" triples")[0]

    as_json = [
        json.loads(allegraph(data, "ingest", *inputs, "--report", "json").stdout)
        for data in (root / "served", tmp_path / "fresh")
    ]
    assert [r["ingested"] for r in as_json] == [["svr-nato-false-flag"]] * 2
    assert sorted(as_json[0]["failed"], key=str) == sorted(as_json[1]["failed"], key=str)


def test_a_label_mapping_goes_with_the_files(served: tuple[Path, str], tmp_path: Path) -> None:
    root, url = served
    mapping, ann = mapping_file(tmp_path, WITH_THEME), team_export(tmp_path)  # doc.ann + .txt
    refused = allegraph(root / "served", "ingest", str(ann))
    local = allegraph(tmp_path / "fresh", "ingest", str(ann))
    assert refused.code == local.code == 2 and _refusals(refused) == _refusals(local)
    assert "unknown label 'SPOOKS'" in refused.stderr
    done = allegraph(
        root / "served", "ingest", str(ann), "--format", "brat", "--mapping", str(mapping)
    )
    assert done.code == 0 and "ingested 1 document(s)" in done.stdout, done.stderr
    assert httpx.get(f"{url}/documents/doc").json()["statements"][0]["kind"] == "accusation"


def test_remove_merge_and_split_through_the_server_answer_as_locally_and_show_at_once(
    served: tuple[Path, str],
) -> None:
    root, url = served
    first = json.loads((root / "corpus" / "doc-000001.json").read_text(encoding="utf-8"))
    keep, merged = (e for e in first["entities"][:2])
    steps = [
        ("remove", "doc-000002", "no-such-document"),
        ("actors", "merge", keep["name"], keep["name"]),
        ("actors", "merge", keep["name"], merged["name"]),
        ("actors", "split", keep["name"]),
        ("remove", "doc-000002", "doc-000003"),
    ]
    for step in steps:
        remote, local = allegraph(root / "served", *step), allegraph(root / "local", *step)
        assert (remote.code, remote.stdout) == (local.code, local.stdout), step
        assert remote.stderr.splitlines()[1:] == local.stderr.splitlines(), step
        if step[1] == "merge" and remote.code == 0:  # the server's readers see it at once
            kept = remote.stdout.split(" into ")[1].split(";")[0]
            found = httpx.get(f"{url}/actors", params={"q": merged["name"]}).json()
            assert [a["iri"] for a in found["items"]] == [kept]  # B's name is now A's
    documents = httpx.get(f"{url}/documents", params={"limit": 100}).json()["items"]
    ids = {d["id"] for d in documents}  # (other tests may have added some)
    kept = {"svr-nato-false-flag"} | {f"doc-{n:06}" for n in range(1, 13) if n not in (2, 3)}
    assert kept <= ids and not ids & {"doc-000002", "doc-000003"}
    count = {"query": "MATCH (d:Document) RETURN count(d) AS n"}  # the graph was synced too
    assert httpx.post(f"{url}/cypher", json=count).json()["rows"][0]["n"] == len(documents)


def test_the_local_write_routes_need_this_runs_token_and_are_not_described(
    served: tuple[Path, str],
) -> None:
    root, url = served
    announced = read_server_file(root / "served")
    assert announced is not None and announced.url == url
    assert (root / "served" / SERVER_FILE).stat().st_mode & 0o777 == 0o600
    body = {"documents": ["svr-nato-false-flag"]}
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"X-API-Key": "x"}):
        refused = httpx.post(f"{url}/admin/remove", json=body, headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    assert httpx.get(f"{url}/documents/svr-nato-false-flag").status_code == 200
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/admin")]


def test_a_stale_server_file_is_ignored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    stale = ServerFile("http://127.0.0.1:9", "old-token", 2**22 + 17, 1024)  # above pid_max
    write_server_file(data, stale)
    assert read_server_file(data) is None  # no such process
    done = allegraph(data, "ingest", str(SEED_YAML))
    assert done.code == 0 and "sending" not in done.stderr  # the store was free: local

    with RDFStore.in_data_dir(data):  # the store held, and a live pid that is no server
        write_server_file(data, ServerFile("http://127.0.0.1:9", "t", os.getpid(), 1024))
        held = allegraph(data, "ingest", str(SEED_YAML))
    assert held.code == 3 and "in use by another allegraph process" in held.stderr
