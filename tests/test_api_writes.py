"""Uploading and withdrawing documents through the API; keys, limits, CORS, closed reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from api.settings import Settings
from tests.api_server import running_api
from tests.conftest import API_KEY, ROOT, SEED_YAML

KEY = {"X-API-Key": API_KEY}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("writes") / "data"
    settings = Settings(  # type: ignore[call-arg]
        data=data,
        api_key=API_KEY,
        max_upload_bytes=200_000,
        cors_origins=["https://reports.example.org"],
    )
    with running_api(settings) as url:
        yield url


def _seed_as(doc_id: str) -> bytes:
    document = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))
    document["id"] = doc_id
    return yaml.safe_dump(document, allow_unicode=True).encode("utf-8")


def _upload_seed_as(url: str, doc_id: str) -> None:
    files = {"file": (f"{doc_id}.yaml", _seed_as(doc_id), "application/yaml")}
    response = httpx.post(url + "/documents", files=files, headers=KEY, timeout=120)
    assert response.status_code in (200, 201), response.text


def _quads(url: str) -> int:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    body = httpx.get(url + "/sparql", params={"query": count}).json()
    return int(body["results"]["bindings"][0]["n"]["value"])


def test_writes_need_the_key(api: str) -> None:
    files = {"file": ("seed.yaml", _seed_as("keyless"), "application/yaml")}
    assert httpx.post(api + "/documents", files=files).status_code == 401
    wrong = httpx.post(api + "/documents", files=files, headers={"X-API-Key": "nope"})
    assert wrong.status_code == 403
    assert httpx.delete(api + "/documents/keyless").status_code == 401
    assert httpx.get(api + "/documents/keyless").status_code == 404


def test_upload_multipart_then_replace_then_delete(api: str) -> None:
    files = {"file": ("seed.yaml", _seed_as("upload-one"), "application/yaml")}
    created = httpx.post(api + "/documents", files=files, headers=KEY, timeout=120)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["documents"][0] == {
        "id": "upload-one",
        "iri": "https://w3id.org/allegraph/id/document/upload-one",
        "created": True,
    }
    assert body["synced"] and body["triples"] > 100
    chains = httpx.get(api + "/chains", params={"from": "svr", "to": "NATO"}).json()
    assert chains and chains[0]["hops"] == 1  # synced: Cypher sees it at once
    again = httpx.post(api + "/documents", files=files, headers=KEY, timeout=120)
    assert again.status_code == 200 and again.json()["documents"][0]["created"] is False
    gone = httpx.delete(api + "/documents/upload-one", headers=KEY, timeout=120)
    assert gone.json() == {"id": "upload-one", "removed": True}
    assert httpx.get(api + "/documents/upload-one").status_code == 404
    assert httpx.get(api + "/chains", params={"from": "svr", "to": "NATO"}).status_code == 404


def test_upload_raw_body_with_its_media_type(api: str) -> None:
    response = httpx.post(
        api + "/documents",
        content=_seed_as("raw-upload"),
        headers={**KEY, "Content-Type": "application/yaml"},
        timeout=120,
    )
    assert response.status_code == 201, response.text
    listing = httpx.get(api + "/documents").json()
    assert "raw-upload" in [d["id"] for d in listing["items"]]


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        ("bad.yaml", b"id: x\ntext: [unclosed", "line"),
        ("bad.json", b'{"id": "x", "text": "abc", "entities": [{"id": "a"}]}', "/entities/0"),
        ("bad.yaml", b"\xff\xfe not utf-8", ""),
    ],
)
def test_a_bad_upload_is_a_422_listing_problems_and_writes_nothing(
    api: str, name: str, content: bytes, place: str
) -> None:
    before = _quads(api)
    response = httpx.post(
        api + "/documents", files={"file": (name, content)}, headers=KEY, timeout=120
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["source"] == name
    assert any(place in p["place"] for p in problem["problems"])
    assert _quads(api) == before


def test_an_upload_over_the_limit_is_a_413(api: str) -> None:
    response = httpx.post(
        api + "/documents",
        content=b"x" * 300_000,
        headers={**KEY, "Content-Type": "application/yaml"},
    )
    assert response.status_code == 413
    assert "limit of 200,000 bytes" in response.json()["detail"]


def test_unknown_upload_types_and_formats_are_4xx(api: str) -> None:
    text = httpx.post(
        api + "/documents", content=b"hello", headers={**KEY, "Content-Type": "text/html"}
    )
    assert text.status_code == 400
    files = {"file": ("seed.yaml", _seed_as("fmt"), "application/yaml")}
    bad_format = httpx.post(api + "/documents", files=files, data={"format": "word"}, headers=KEY)
    assert bad_format.status_code == 400 and "unknown format" in bad_format.json()["detail"]


def test_cors_allows_the_configured_origin_only(api: str) -> None:
    allowed = httpx.get(api + "/actors", headers={"Origin": "https://reports.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://reports.example.org"
    other = httpx.get(api + "/actors", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_closed_reads_need_the_key(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path / "data", api_key=API_KEY, open_reads=False)  # type: ignore[call-arg]
    with running_api(settings) as url:
        assert httpx.get(url + "/actors").status_code == 401
        assert httpx.get(url + "/sparql", params={"query": "ASK {}"}).status_code == 401
        assert httpx.get(url + "/actors", headers={"X-API-Key": "x"}).status_code == 403
        assert httpx.get(url + "/actors", headers=KEY).status_code == 200


def test_without_a_server_key_writes_are_refused(tmp_path: Path) -> None:
    with running_api(Settings(data=tmp_path / "data")) as url:  # type: ignore[call-arg]
        response = httpx.delete(url + "/documents/x", headers={"X-API-Key": "anything"})
        assert response.status_code == 403
        assert "ALLEGRAPH_API_KEY" in response.json()["detail"]


FORMATS = ROOT / "examples" / "formats"


@pytest.mark.parametrize(
    "files",
    [
        [
            "brat/svr-nato-false-flag.txt",
            "brat/svr-nato-false-flag.ann",
            "brat/svr-nato-false-flag.json",
        ],
        ["labelstudio/svr-nato-false-flag.json"],
        ["doccano/svr-nato-false-flag.jsonl"],
        [
            "webanno/svr-nato-false-flag.jsonld",
            "webanno/svr-nato-false-flag.txt",
            "webanno/svr-nato-false-flag.json",
        ],
    ],
)
def test_uploads_in_every_annotation_tool_format(api: str, files: list[str]) -> None:
    parts = [("file", ((FORMATS / f).name, (FORMATS / f).read_bytes())) for f in files]
    response = httpx.post(api + "/documents", files=parts, headers=KEY, timeout=120)
    assert response.status_code in (200, 201), response.text
    assert [d["id"] for d in response.json()["documents"]] == ["svr-nato-false-flag"]
    mirrors = httpx.get(api + "/mirrors").json()
    assert ("Russia", "NATO", "false-flag") in {
        (m["a"]["name"], m["b"]["name"], m["act_type"]) for m in mirrors
    }


def test_a_cached_actor_page_is_replaced_after_a_write(api: str) -> None:
    _upload_seed_as(api, "cache-a")
    first = httpx.get(api + "/actors/svr").json()
    assert httpx.get(api + "/actors/svr").json() == first  # the second comes from memory
    _upload_seed_as(api, "cache-b")
    after = httpx.get(api + "/actors/svr").json()
    assert after["documents"] == first["documents"] + 1
    assert after["statements"]["made"]["accusation"] > first["statements"]["made"]["accusation"]
