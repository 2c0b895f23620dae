"""Hostile input, as an outside probe sends it: uploads that explode or nest without end, SPARQL
that would make the server call out, Cypher that runs past its limit, injection, closed reads,
and worker processes left behind by a `kill -9`. Each answer must be a clear 4xx/503 problem
(or a CLI error naming file, place and reason) in about the time limit, never a 500, a hang
or a request to anywhere but where the settings allow.

Runs alone: `pytest tests/test_hostile.py`.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from tests.api_server import running_api
from tests.conftest import ALLEGRAPH, API_KEY, ROOT, SEED_YAML

KEY = {"X-API-Key": API_KEY}
LIMIT_S = 1.0  # the hostile server's query time limit
DEPTH = 100_000


# A listener on 127.0.0.1 that records every request (the server must make none) ---------


class Listener:
    """A real HTTP server answering every request with an empty SPARQL result, and keeping
    the path of each request it got."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        calls = self.paths

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                calls.append(self.path)
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}})
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    opened = Listener()
    try:
        yield opened
    finally:
        opened.close()


def _seeded(tmp: Path) -> Path:
    data = tmp / "data"
    with RDFStore.in_data_dir(data) as opened:
        assert ingest_paths(opened, [SEED_YAML]).ok
    return data


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Iterator[str]:
    """Open reads, a write key, a 1 s query limit, one SERVICE endpoint allowed."""
    settings = Settings(  # type: ignore[call-arg]
        data=_seeded(tmp_path_factory.mktemp("hostile")),
        api_key=API_KEY,
        query_timeout_s=LIMIT_S,
        result_cap=500,
        sparql_service_allow=[listener.url + "/allowed"],
    )
    with running_api(settings) as url:
        yield url


@pytest.fixture(scope="module")
def closed_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Closed reads, every other setting at its default."""
    data = _seeded(tmp_path_factory.mktemp("closed"))
    settings = Settings(data=data, api_key=API_KEY, open_reads=False)  # type: ignore[call-arg]
    with running_api(settings) as url:
        yield url


def _upload(url: str, body: bytes | str, media: str, filename: str) -> httpx.Response:
    return httpx.post(
        url + "/documents",
        content=body.encode() if isinstance(body, str) else body,
        params={"filename": filename},
        headers={**KEY, "Content-Type": media},
        timeout=60,
    )


def _is_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, object] = response.json()
    return problem


# YAML aliases ("billion laughs") ----------------------------------------------------------


def _laughs(levels: int = 9) -> str:
    """The classic: nine anchors, each nine aliases of the one before: 342 bytes that stand
    for 9⁹ strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for before, name in zip("abcdefgh", "bcdefghi"[: levels - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_billion_laughs_upload_is_refused_at_once(api: str) -> None:
    started = time.monotonic()
    response = _upload(api, _laughs(), "application/yaml", "laughs.yaml")
    problem = _is_problem(response, 422)
    assert time.monotonic() - started < 5
    assert problem["source"] == "laughs.yaml"
    [first] = problem["problems"]  # type: ignore[misc]
    assert first["place"].startswith("line ")
    assert "limit on alias expansion" in first["reason"]
    assert httpx.get(api + "/documents/laughs").status_code == 404


def test_a_recursive_yaml_alias_is_refused(api: str) -> None:
    response = _upload(api, "id: x\ntext: &t [a, *t]\n", "application/yaml", "loop.yaml")
    problem = _is_problem(response, 422)
    assert "recursive" in str(problem["detail"]) and "line 2" in str(problem["detail"])


def test_cli_ingest_refuses_the_bomb_naming_file_and_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(_laughs(), encoding="utf-8")
    done = cli("ingest", str(bomb))
    assert done.code == 2
    assert re.search(r"laughs\.yaml: line \d+, column \d+: .*limit on alias expansion", done.stderr)
    assert "Traceback" not in done.stderr


def test_yaml_aliases_within_the_bound_still_load(api: str) -> None:
    """A document that names one date once and refers to it after: what aliases are for."""
    text = SEED_YAML.read_text(encoding="utf-8").replace("id: svr-nato-false-flag", "id: aliased")
    text = text.replace("date: 2022-03-15", "date: &day 2022-03-15", 1)
    text = text.replace("date: 2022-03-15", "date: *day")
    assert "*day" in text
    response = _upload(api, text, "application/yaml", "aliased.yaml")
    assert response.status_code == 201, response.text
    assert httpx.delete(api + "/documents/aliased", headers=KEY, timeout=60).status_code == 200


# Nesting depth --------------------------------------------------------------------------

DEEP_UPLOADS = {
    "json-arrays.json": ("application/json", "[" * DEPTH + "]" * DEPTH),
    "json-objects.json": ("application/json", '{"a":' * DEPTH + "1" + "}" * DEPTH),
    "yaml-flow.yaml": ("application/yaml", "[" * DEPTH + "]" * DEPTH),
    "yaml-block.yaml": ("application/yaml", "- " * DEPTH + "x\n"),
    "doccano.jsonl": ("application/x-ndjson", "[" * DEPTH + "]" * DEPTH + "\n"),
}


@pytest.mark.parametrize("name", DEEP_UPLOADS)
def test_a_body_nested_100000_deep_is_a_422_naming_the_limit(api: str, name: str) -> None:
    media, body = DEEP_UPLOADS[name]
    started = time.monotonic()
    problem = _is_problem(_upload(api, body, media, name), 422)
    assert time.monotonic() - started < 10
    assert name in str(problem["detail"])
    assert "nested deeper than 100 levels" in str(problem["detail"])


def test_deep_but_within_the_limit_is_read_as_usual(api: str) -> None:
    """Nesting 100 deep is allowed; this body is refused for what it is, not for its depth."""
    problem = _is_problem(_upload(api, "[" * 100 + "]" * 100, "application/json", "ok.json"), 422)
    assert "nested deeper" not in str(problem["detail"])


def test_cli_ingest_refuses_a_deep_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * DEPTH + "]" * DEPTH, encoding="utf-8")
    done = cli("ingest", str(deep))
    assert done.code == 2
    assert "deep.json: line 1, column 101: nested deeper than 100 levels" in done.stderr
    assert "Traceback" not in done.stderr


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [150, 900, DEPTH])
@pytest.mark.parametrize("path", ["/cypher", "/viz/cypher"])
def test_deep_json_request_bodies_are_4xx(api: str, path: str, depth: int) -> None:
    body = '{"query": "RETURN $p AS p", "parameters": {"p": ' + _nested(depth) + "}}"
    response = httpx.post(
        api + path, content=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")


# SPARQL SERVICE: no request leaves the server --------------------------------------------

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE { SERVICE <{url}/forbidden> { ?s ?p ?o } }",
    "lower case, silent": "select * where { service silent <{url}/forbidden> { ?s ?p ?o } }",
    "optional subquery": "SELECT * WHERE { ?a ag:accused ?b OPTIONAL { SELECT ?x WHERE "
    "{ SERVICE <{url}/forbidden> { ?x ?y ?z } } } }",
    "variable endpoint": "SELECT * WHERE { VALUES ?e { <{url}/allowed> } SERVICE ?e { ?s ?p ?o } }",
    "in FILTER EXISTS": "ASK { FILTER EXISTS { SERVICE <{url}/forbidden> { ?s ?p ?o } } }",
    "in a union": "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION "
    "{ SERVICE <{url}/forbidden> { ?s ?p ?o } } }",
    "by prefixed name": "PREFIX far: <{url}/> SELECT * WHERE "
    "{ SERVICE far:forbidden { ?s ?p ?o } }",
    "in BIND EXISTS": "SELECT * WHERE { BIND(EXISTS { SERVICE <{url}/forbidden> { ?s ?p ?o } } "
    "AS ?x) }",
}


def _service(query: str, listener: Listener) -> str:
    return query.replace("{url}", listener.url)


@pytest.mark.parametrize("shape", SERVICE_QUERIES)
def test_sparql_service_is_refused_and_nothing_is_called(
    api: str, listener: Listener, shape: str
) -> None:
    listener.paths.clear()
    query = _service(SERVICE_QUERIES[shape], listener)
    got = httpx.get(api + "/sparql", params={"query": query}, timeout=30)
    posted = httpx.post(
        api + "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    for response in (got, posted):
        assert "SERVICE" in str(_is_problem(response, 400)["detail"])
    assert listener.paths == []


def test_queries_that_only_mention_the_word_still_run(api: str) -> None:
    query = (
        'SELECT ?a WHERE { ?a a ag:IntelligenceService ; rdfs:label ?l FILTER(?l != "service") '
        "OPTIONAL { ?a <http://example.org/service> ?x } }"
    )
    response = httpx.get(api + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"]


def test_an_escaped_service_keyword_calls_nothing(api: str, listener: Listener) -> None:
    listener.paths.clear()
    query = _service("SELECT * WHERE { \\u0053ERVICE <{url}/forbidden> { ?s ?p ?o } }", listener)
    response = httpx.get(api + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 400
    assert listener.paths == []


def test_an_allowed_endpoint_is_called_and_only_it(api: str, listener: Listener) -> None:
    listener.paths.clear()
    query = _service("SELECT * WHERE { SERVICE <{url}/allowed> { ?s ?p ?o } }", listener)
    response = httpx.get(api + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []
    assert listener.paths and all(p.startswith("/allowed") for p in listener.paths)


def test_the_workbench_console_and_picture_call_nothing(api: str, listener: Listener) -> None:
    listener.paths.clear()
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}/forbidden> { ?s ?p ?o } }"
    query = _service(construct, listener)
    for path in ("/ui/sparql", "/ui/sparql/picture"):
        response = httpx.get(api + path, params={"query": query}, timeout=30)
        assert response.status_code != 500
        assert "SERVICE" in response.text
    assert listener.paths == []


def test_service_is_refused_by_default(closed_api: str, listener: Listener) -> None:
    listener.paths.clear()
    query = _service("SELECT * WHERE { SERVICE <{url}/allowed> { ?s ?p ?o } }", listener)
    response = httpx.get(closed_api + "/sparql", params={"query": query}, headers=KEY, timeout=30)
    assert "(none)" in str(_is_problem(response, 400)["detail"])
    assert listener.paths == []


def test_the_command_line_is_the_owners_and_may_call_out(cli, listener: Listener) -> None:  # type: ignore[no-untyped-def]
    """Documented choice (docs/api.md): like Jena's `arq`, the owner's own command line runs
    SERVICE where the query says; only the server refuses it."""
    listener.paths.clear()
    query = _service("SELECT * WHERE { SERVICE <{url}/cli> { ?s ?p ?o } }", listener)
    done = cli("query", "sparql", query, "--format", "json")
    assert done.code == 0, done.stderr
    assert listener.paths and listener.paths[0].startswith("/cli")


@pytest.mark.parametrize(
    "query",
    [
        "LOAD CSV FROM '{url}/rows.csv' AS row RETURN row",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "LOAD CSV FROM 'file://../../../../etc/passwd' AS row RETURN row",
    ],
)
def test_cypher_load_csv_reads_neither_network_nor_files(
    api: str, listener: Listener, query: str
) -> None:
    listener.paths.clear()
    response = httpx.post(
        api + "/cypher", json={"query": query.replace("{url}", listener.url)}, timeout=30
    )
    assert response.status_code == 400
    assert "root:" not in response.text
    assert listener.paths == []


# Cypher time limit --------------------------------------------------------------------

SLOW_CYPHER = [
    # The probe's: one step builds a list of 10⁸ (1.6 GB): the memory cap or the limit stops it.
    "UNWIND range(1, 100000000) AS x RETURN count(x)",
    "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n",
    # One expression (about 3 s), no record between: only the client's deadline is in time.
    "RETURN reduce(s = 0, x IN range(1, 20000) | s + reduce(t = 0, y IN range(1, 5000) | t + y))",
    # Many records: the database's own timeout.
    "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)",
]
MEMORY_REFUSED = "needed more memory than a query may take (1 GiB)"


def _settled(url: str) -> None:
    """Until a quick query answers again: the database finishes abandoned queries on its own
    (at its own timeout or memory cap), and meanwhile its two threads are busy."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        quick = httpx.post(url + "/cypher", json={"query": "RETURN 1 AS one"}, timeout=30)
        if quick.status_code == 200:
            return
        time.sleep(0.5)
    raise AssertionError("the graph database stayed busy after abandoned queries")


@pytest.mark.parametrize(
    ("path", "query"),
    [("/cypher", query) for query in SLOW_CYPHER]
    + [(path, SLOW_CYPHER[2]) for path in ("/viz/cypher", "/ui/cypher")],
)
def test_the_cypher_time_limit_holds_for_every_shape(api: str, path: str, query: str) -> None:
    _settled(api)
    started = time.monotonic()
    if path == "/ui/cypher":
        response = httpx.get(api + path, params={"query": query}, timeout=60)
    else:
        response = httpx.post(api + path, json={"query": query}, timeout=60)
    assert time.monotonic() - started < LIMIT_S + 2.5
    assert response.status_code == 503
    if MEMORY_REFUSED not in response.text:
        assert "longer than" in response.text


# Injection and keys (more in test_api_*.py) -----------------------------------------

INJECTED = [
    'SVR"}) DETACH DELETE n //',
    "SVR' OR 1=1 --",
    "`) MATCH (n) DETACH DELETE n //",
    "\\u0022}) CREATE (:X) //",
]


@pytest.mark.parametrize("value", INJECTED)
def test_cypher_parameters_are_data_never_query_text(api: str, value: str) -> None:
    _settled(api)
    count = {"query": "MATCH (n) RETURN count(n) AS n"}
    before = httpx.post(api + "/cypher", json=count, timeout=30).json()["rows"]
    query = "MATCH (a:Actor) WHERE a.label = $name RETURN a.label AS label"
    response = httpx.post(
        api + "/cypher", json={"query": query, "parameters": {"name": value}}, timeout=30
    )
    assert response.status_code == 200 and response.json()["rows"] == []
    echo = httpx.post(
        api + "/cypher", json={"query": "RETURN $v AS v", "parameters": {"v": value}}, timeout=30
    )
    assert echo.json()["rows"] == [{"v": value}]
    assert httpx.post(api + "/cypher", json=count, timeout=30).json()["rows"] == before


def test_sparql_updates_are_refused_every_way(api: str) -> None:
    drop = "DROP ALL"
    assert httpx.get(api + "/sparql", params={"update": drop}).status_code == 403
    form = httpx.post(api + "/sparql", data={"update": drop})
    direct = httpx.post(
        api + "/sparql", content=drop, headers={"Content-Type": "application/sparql-update"}
    )
    assert form.status_code == 403 and direct.status_code == 403
    as_query = httpx.get(api + "/sparql", params={"query": drop})
    assert as_query.status_code == 400
    assert httpx.get(api + "/documents/svr-nato-false-flag").status_code == 200


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_closed_reads_close_the_api_description(closed_api: str, api: str, path: str) -> None:
    assert _is_problem(httpx.get(closed_api + path), 401)
    assert httpx.get(closed_api + path, headers={"X-API-Key": "wrong"}).status_code == 403
    assert httpx.get(closed_api + path, headers=KEY).status_code == 200
    assert httpx.get(api + path).status_code == 200  # open reads: open description


# Worker processes die with their parent -----------------------------------------------


def _children(pid: int) -> set[int]:
    """Every process whose parent is `pid`, and theirs."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _command(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _workers(pid: int) -> set[int]:
    """The multiprocessing workers under `pid` (not the FalkorDB server it may have started,
    which outlives its starter on purpose and serves the next allegraph process)."""
    return {child for child in _children(pid) if "multiprocessing" in _command(child)}


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        status = Path("/proc") / str(pid) / "status"
        try:
            if "State:\tZ" not in status.read_text():
                alive.add(pid)
        except OSError:
            pass
    return alive


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def _stop_embedded_falkordb(data: Path) -> None:
    state = data / "falkordb" / "server.json"
    if state.exists():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(json.loads(state.read_text())["pid"]), signal.SIGTERM)


def test_sync_workers_die_with_a_killed_sync(tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    subprocess.run([ALLEGRAPH, "generate", "--documents", "2000", "-o", str(corpus)], check=True)
    ingest = [ALLEGRAPH, "--data", str(data), "ingest", str(corpus), "--no-shacl"]
    subprocess.run([*ingest, "--report", "json"], check=True, capture_output=True)
    sync = subprocess.Popen(
        [ALLEGRAPH, "--data", str(data), "sync", "--full"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while not workers and sync.poll() is None and time.monotonic() < deadline:
            workers = _workers(sync.pid)
            time.sleep(0.02)
        assert workers, "the sync finished before any worker was seen"
        time.sleep(0.3)  # the workers at work
        sync.send_signal(signal.SIGKILL)
        sync.wait()
        assert _gone_within(workers, 5) == set()
    finally:
        if sync.poll() is None:
            sync.kill()
        _stop_embedded_falkordb(data)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_sparql_workers_die_with_a_killed_server(tmp_path: Path) -> None:
    """Even one in the middle of a query that would run for hours."""
    data = _seeded(tmp_path)
    port = _free_port()
    serve = subprocess.Popen(
        [ALLEGRAPH, "--data", str(data), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ALLEGRAPH_QUERY_TIMEOUT_S": "600"},
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        workers = _workers(serve.pid)
        assert len(workers) >= 2  # two SPARQL workers (and multiprocessing's tracker)
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

        def ask() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server is killed under it
                httpx.get(url + "/sparql", params={"query": endless}, timeout=60)

        threading.Thread(target=ask, daemon=True).start()
        time.sleep(1.5)  # a worker deep in the query
        serve.send_signal(signal.SIGKILL)
        serve.wait()
        assert _gone_within(workers, 5) == set()
    finally:
        if serve.poll() is None:
            serve.kill()
        _stop_embedded_falkordb(data)
