"""The `allegraph` command, run as a real process: outputs, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset

from tests.conftest import SEED_YAML
from tests.docs import minimal, write


def test_ingest_then_sparql_json_answers_who_accused_whom(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("ingest", str(SEED_YAML))
    assert done.code == 0, done.stderr
    assert "ingested 1 document(s)" in done.stdout
    query = 'SELECT ?b WHERE { ?a rdfs:label "SVR" ; ag:accused/rdfs:label ?b }'
    done = cli("query", "sparql", query, "--format", "json")
    assert done.code == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["head"]["vars"] == ["b"]
    accused = {row["b"]["value"] for row in results["results"]["bindings"]}
    assert {"NATO", "Ukraine"} <= accused


def test_query_from_file_and_csv(cli) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    done = cli("query", "sparql", "@docs/queries/who-accused-whom.rq", "--format", "csv")
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].strip() == "accuser,accused,act,date,modality"
    assert any(line.startswith("SVR,NATO,") for line in lines)


def test_bad_file_is_refused_with_place_and_no_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = minimal()
    data["statements"][0]["targets"] = ["otan"]
    bad = write(tmp_path / "bad.yaml", data)
    good = write(tmp_path / "good.json", minimal() | {"id": "good"})
    done = cli("ingest", str(bad), str(good))
    assert done.code == 2
    assert "Traceback" not in done.stderr
    assert f"{bad}: line " in done.stderr and "unknown entity 'otan'" in done.stderr
    assert "ingested 1 document(s)" in done.stdout


def test_ingest_report_json_lists_failures(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    done = cli("ingest", str(empty), "--report", "json")
    assert done.code == 2
    report = json.loads(done.stdout)
    assert report["ingested"] == []
    assert report["failed"][0]["file"] == str(empty)
    assert "empty" in report["failed"][0]["problems"][0]["reason"]


def test_malformed_query_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("query", "sparql", "SELECT WHERE {")
    assert done.code == 2
    assert done.stderr.startswith("error: SPARQL query failed")
    assert "Traceback" not in done.stderr


def test_export_round_trips_as_trig(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    out = tmp_path / "all.trig"
    done = cli("export", "--format", "trig", "-o", str(out))
    assert done.code == 0, done.stderr
    dataset = Dataset()
    dataset.parse(out, format="trig")
    stats = json.loads(cli("stats", "--format", "json").stdout)
    assert sum(1 for _ in dataset.quads((None, None, None, None))) == stats["quads"]
    one = cli("export", "--format", "turtle", "--document", "svr-nato-false-flag")
    assert one.code == 0 and "ag:Accusation" in one.stdout


def test_remove_unknown_document_fails_and_known_one_goes(cli) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    missing = cli("remove", "no-such-doc")
    assert missing.code != 0 and "no document 'no-such-doc'" in missing.stderr
    assert cli("remove", "svr-nato-false-flag").code == 0
    stats = json.loads(cli("stats", "--format", "json").stdout)
    assert stats["documents"] == 0 and stats["statements"] == 0


def test_stats_counts_the_seed(cli) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    stats = json.loads(cli("stats", "--format", "json").stdout)
    assert stats["documents"] == 1
    assert stats["statements_by_kind"]["accusation"] == 9
    assert stats["statements_by_kind"]["denial"] == 2
    assert stats["statements_by_kind"]["warning"] == 1


def test_schema_describes_the_example(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("schema")
    schema = json.loads(done.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"id", "text", "entities", "statements"} <= set(schema["properties"])
    assert "false-flag" in schema["$defs"]["Act"]["properties"]["types"]["items"]["enum"]


def test_unknown_input_format_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    done = cli("ingest", str(SEED_YAML), "--format", "docx")
    assert done.code == 2 and "unknown format 'docx'" in done.stderr


def test_the_printed_schema_accepts_the_seed_and_refuses_a_bad_kind(cli) -> None:  # type: ignore[no-untyped-def]
    import jsonschema
    import yaml

    schema = json.loads(cli("schema").stdout)
    seed = json.loads(
        json.dumps(yaml.safe_load(SEED_YAML.read_text(encoding="utf-8")), default=str)
    )
    jsonschema.Draft202012Validator(schema).validate(seed)
    seed["entities"][0]["kind"] = "Spy"
    assert not jsonschema.Draft202012Validator(schema).is_valid(seed)


def test_viz_writes_one_offline_picture_per_question(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    runs = {
        "actor.html": ["--actor", "svr", "--depth", "2", "--engine", "sparql"],
        "chains.html": ["--chains", "Stoltenberg", "Ukraine"],
        "mirrors.html": ["--mirrors", "--engine", "sparql", "--fragment"],
        "cypher.html": ["--cypher", "MATCH p = (:Actor)-[:DENIED]->(:Actor) RETURN p"],
        "sparql.html": ["--sparql", "CONSTRUCT { ?a ag:warned ?b } WHERE { ?a ag:warned ?b }"],
    }
    for name, args in runs.items():
        done = cli("viz", *args, "-o", str(tmp_path / name), "--title", "Seed <network>")
        assert done.code == 0, done.stderr
        html = (tmp_path / name).read_text(encoding="utf-8")
        assert "Seed &lt;network&gt;" in html and "vis.Network" in html
        assert "<script src" not in html and "<link" not in html
    assert "wrote" in done.stderr and "2 node(s), 1 link(s)" in done.stderr  # the one warning
    assert not (tmp_path / "sparql.html.partial").exists()
    assert "<html" not in (tmp_path / "mirrors.html").read_text(encoding="utf-8")


def test_viz_errors_are_clear_and_leave_no_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    out = tmp_path / "x.html"
    cases = [
        (["--actor", "nobody"], "no actor named 'nobody'"),
        (["--actor", "svr", "--mirrors"], "exactly one of"),
        (["--cypher", "CREATE (n:Resource) RETURN n"], "only read-only Cypher"),
        (["--cypher", "MATCH (n RETURN n"], "Cypher query failed"),
        (["--sparql", "SELECT ?a WHERE { ?a a ag:Actor }"], "CONSTRUCT"),
    ]
    for args, message in cases:
        done = cli("viz", *args, "-o", str(out))
        assert done.code == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()
    nowhere = tmp_path / "missing" / "x.html"
    done = cli("viz", "--actor", "svr", "--engine", "sparql", "-o", str(nowhere))
    assert done.code == 2 and "cannot write" in done.stderr and "Traceback" not in done.stderr


def test_chains_and_mirrors_json_name_what_they_show_as_the_api_does(cli, seed_api: str) -> None:  # type: ignore[no-untyped-def]
    import httpx

    cli("ingest", str(SEED_YAML))
    asked = {"from": "Stoltenberg", "to": "Russia", "kinds": "warning,accusation"}
    chains = cli(
        "chains",
        asked["from"],
        asked["to"],
        "--kinds",
        asked["kinds"],
        "--engine",
        "sparql",
        "--format",
        "json",
    )
    assert chains.code == 0, chains.stderr
    api = httpx.get(seed_api + "/chains", params={**asked, "engine": "sparql"}, timeout=60)
    assert json.loads(chains.stdout) == api.json() and api.json()
    mirrors = cli("mirrors", "--engine", "sparql", "--format", "json")
    api = httpx.get(seed_api + "/mirrors", params={"engine": "sparql"}, timeout=60)
    assert json.loads(mirrors.stdout) == api.json() and api.json()
    assert all(m["a"]["name"] and not m["act_type"].startswith("http") for m in api.json())


def test_chains_mirrors_and_stats_csv_is_csv(cli) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    cli("ingest", str(SEED_YAML))
    chains = cli("chains", "Stoltenberg", "Russia", "--kinds", "warning", "--engine", "sparql")
    as_csv = cli(
        "chains",
        "Stoltenberg",
        "Russia",
        "--kinds",
        "warning",
        "--engine",
        "sparql",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert " → ".join(r["name"] for r in rows) == chains.stdout.strip()
    mirrors = json.loads(cli("mirrors", "--engine", "sparql", "--format", "json").stdout)
    rows = list(
        csv.DictReader(io.StringIO(cli("mirrors", "--engine", "sparql", "--format", "csv").stdout))
    )
    assert [(r["a_name"], r["b_name"], r["act_type"]) for r in rows] == [
        (m["a"]["name"], m["b"]["name"], m["act_type"]) for m in mirrors
    ]
    stats = json.loads(cli("stats", "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(cli("stats", "--format", "csv").stdout)))
    counts = {r["what"]: int(r["count"]) for r in rows}
    assert counts["documents"] == stats["documents"]
    assert counts["statements_by_kind.accusation"] == stats["statements_by_kind"]["accusation"]


def test_export_networks_for_gephi_kumu_and_opencti(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx
    from stix2validator import ValidationOptions, validate_file

    from api.cli import NETWORK_EXPORTS
    from viz.exports import FORMATS

    assert ", ".join(FORMATS) == NETWORK_EXPORTS  # the help names the registry's formats
    cli("ingest", str(SEED_YAML))
    questions = {
        "all": [],
        "actor": ["--actor", "svr", "--depth", "2"],
        "chains": ["--chains", "Stoltenberg", "Russia", "--kinds", "warning,accusation"],
        "mirrors": ["--mirrors"],
    }
    for question, args in questions.items():
        for name, chosen in FORMATS.items():
            out = tmp_path / f"{question}{chosen.suffix}"
            done = cli("export", "--format", name, *args, "-o", str(out))
            assert done.code == 0, (question, name, done.stderr)
            assert out.stat().st_size and not out.with_name(out.name + ".partial").exists()
        graph = nx.read_gexf(tmp_path / f"{question}.gexf", version="1.3")
        assert graph.number_of_edges() == len(
            nx.read_graphml(tmp_path / f"{question}.graphml").edges
        )
        result = validate_file(
            str(tmp_path / f"{question}.json"), ValidationOptions(version="2.1", enforce_refs=True)
        )
        assert result.is_valid
    actors = json.loads(cli("stats", "--format", "json").stdout)["actors"]
    assert nx.read_gexf(tmp_path / "all.gexf", version="1.3").order() == actors
    stdout = cli("export", "--format", "stix", "--mirrors")
    assert json.loads(stdout.stdout)["type"] == "bundle"
    assert cli("export", "--format", "trig").code == 0  # the RDF formats keep working


def test_export_refusals_are_clear_and_leave_no_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(SEED_YAML))
    out = tmp_path / "x.gexf"
    cases = [
        (["--format", "pajek"], "unknown export format 'pajek'"),
        (["--format", "gexf", "--document", "svr-nato-false-flag"], "--document goes with"),
        (["--format", "turtle", "--actor", "svr"], "not as RDF"),
        (["--format", "gexf", "--actor", "svr", "--mirrors"], "at most one of"),
        (["--format", "gexf", "--actor", "nobody"], "no actor named 'nobody'"),
        (["--format", "gexf", "--chains", "svr", "nato", "--kinds", "praise"], "unknown kind"),
    ]
    for args, message in cases:
        done = cli("export", *args, "-o", str(out))
        assert done.code == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()
