"""Network exports over HTTP (`/export…`): each format an attachment in its media type,
read back by the tools' own readers and compared with what the same question's JSON answers;
bad parameters are problem documents; closed reads need the key."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import igraph
import networkx as nx
import pytest
import stix2
from stix2validator import ValidationOptions, validate_string

from api.settings import Settings
from tests.api_server import running_api
from tests.conftest import API_KEY
from viz.exports import FORMATS


def export(url: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(url + path, params=params, timeout=120)


@pytest.mark.parametrize("name", list(FORMATS))
def test_the_whole_network_in_each_format_is_an_attachment(seed_api: str, name: str) -> None:
    response = export(seed_api, "/export", format=name)
    assert response.status_code == 200, response.text
    chosen = FORMATS[name]
    assert response.headers["content-type"].startswith(chosen.media_type.split(";")[0])
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="allegraph-network{chosen.suffix}"'
    assert response.content


def test_gexf_and_graphml_hold_every_actor_the_api_lists(seed_api: str, tmp_path: Path) -> None:
    actors = httpx.get(seed_api + "/actors", params={"limit": 1000}).json()["items"]
    iris = {a["iri"] for a in actors}
    gexf = nx.read_gexf(io.BytesIO(export(seed_api, "/export").content), version="1.3")
    assert set(gexf.nodes) == iris
    path = tmp_path / "network.graphml"
    path.write_bytes(export(seed_api, "/export", format="graphml").content)
    assert set(igraph.Graph.Read_GraphML(str(path)).vs["iri"]) == iris
    statements = httpx.get(seed_api + "/statements", params={"limit": 1000}).json()["items"]
    by_edge = {
        (s["claimant"]["iri"], t["iri"], s["iri"])
        for s in statements
        if s["kind"] in ("accusation", "denial", "warning", "threat")
        for t in s["targets"]
    }
    found = {(a, b, d.get("statement")) for a, b, d in gexf.edges(data=True) if d.get("statement")}
    assert found == by_edge


def test_each_question_exports_what_its_json_answers(seed_api: str) -> None:
    chains = httpx.get(
        seed_api + "/chains", params={"from": "Stoltenberg", "to": "Russia", "kinds": "warning"}
    ).json()
    on_chains = {a["iri"] for c in chains for a in c["actors"]}
    got = export(
        seed_api,
        "/export/chains",
        format="gexf",
        kinds="warning",
        **{"from": "Stoltenberg"},
        to="Russia",
    )
    assert got.headers["content-disposition"].endswith('chains-jens-stoltenberg-q159.gexf"')
    assert set(nx.read_gexf(io.BytesIO(got.content), version="1.3").nodes) == on_chains

    mirrors = httpx.get(seed_api + "/mirrors").json()
    sides = {m[side]["name"] for m in mirrors for side in ("a", "b")}
    bundle = export(seed_api, "/export/mirrors", format="stix").content.decode("utf-8")
    assert validate_string(bundle, ValidationOptions(version="2.1", enforce_refs=True)).is_valid
    parsed = stix2.parse(bundle, allow_custom=False)
    assert sides <= {o.name for o in parsed.objects if o.type == "identity"}

    actor = export(seed_api, "/export/actors/svr", format="csv", depth=1)
    assert actor.headers["content-disposition"] == 'attachment; filename="allegraph-svr.zip"'
    nodes = zipfile.ZipFile(io.BytesIO(actor.content)).read("nodes.csv").decode("utf-8")
    assert "SVR" in nodes


def test_bad_export_requests_are_problems(seed_api: str) -> None:
    cases = [
        ("/export", {"format": "pajek"}, 400, "unknown export format 'pajek'"),
        ("/export/actors/nobody", {}, 404, "nobody"),
        ("/export/actors/svr", {"depth": 9}, 422, ""),
        ("/export/chains", {"from": "svr"}, 422, ""),
        ("/export/chains", {"from": "svr", "to": "nato", "kinds": "praise"}, 400, "praise"),
    ]
    for path, params, status, detail in cases:
        response = export(seed_api, path, **params)
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert detail in json.dumps(response.json())


def test_closed_reads_need_the_key_for_exports_and_graphs(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path / "data", api_key=API_KEY, open_reads=False)  # type: ignore[call-arg]
    key = {"X-API-Key": API_KEY}
    with running_api(settings) as url:
        for path, params in [("/export", {}), ("/rdf-graphs", {"default": ""})]:
            assert httpx.get(url + path, params=params).status_code == 401
            assert httpx.get(url + path, params=params, headers=key).status_code == 200
