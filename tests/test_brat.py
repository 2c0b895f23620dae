"""brat standoff: the seed as brat writes it, brat's quirks, and errors by `.ann` line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from loaders import discover, load_documents
from loaders.errors import InputError
from loaders.formats.brat import parse
from tests.formats import FORMATS_DIR, SEED_IN, refused, same_graph_as_native

TEXT = "The SVR accused NATO of a plot. NATO said: this is a lie. The Kremlin agreed."


def at(word: str, after: int = 0) -> str:
    start = TEXT.index(word, after)
    return f"{start} {start + len(word)}"


def pair(tmp_path: Path, ann: str, metadata: dict[str, object] | None = None) -> Path:
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "doc.ann"
    path.write_text(ann, encoding="utf-8")
    if metadata is not None:
        (tmp_path / "doc.json").write_text(json.dumps(metadata), encoding="utf-8")
    return path


GOOD = "\n".join(
    [
        f"T1\tIntelligenceService {at('SVR')}\tSVR",
        f"T2\tAccusation {at('accused')}\taccused",
        f"T3\tInternationalOrganization {at('NATO')}\tNATO",
        f"T4\tAllegedAct {at('a plot')}\ta plot",
        f"T5\tQuote {at('The SVR accused NATO of a plot.')}\tThe SVR accused NATO of a plot.",
        f"T6\tInternationalOrganization {at('NATO', 25)}\tNATO",
        f"T7\tDenial {at('this is a lie.')}\tthis is a lie.",
        "E1\tAccusation:T2 Claimant:T1 Target:T3 AllegedAct:T4 Quote:T5",
        "E2\tDenial:T7 Claimant:T6 Target:T1",
        "R1\tRespondsTo Arg1:T7 Arg2:T2",
        "A1\tModality E1 Reported",
        "N1\tReference T3 Wikidata:Q7184\tNATO",
        "#1\tAnnotatorNotes T4\ttypes: false-flag; label: a staged plot",
        "",
    ]
)


def test_seed_in_brat_yields_the_native_graph(store: RDFStore, tmp_path: Path) -> None:
    assert same_graph_as_native(store, SEED_IN["brat"], tmp_path)


def test_events_roles_relations_attributes_and_notes(tmp_path: Path) -> None:
    doc = parse(pair(tmp_path, GOOD, {"title": "A plot", "url": "https://example.org/a"}))
    assert (doc.id, doc.title, doc.url) == ("doc", "A plot", "https://example.org/a")
    s1, s2 = doc.statements
    assert (s1.id, s1.kind.value, s1.claimant, s1.targets) == ("s1", "accusation", "svr", ["nato"])
    assert s1.quote.text == "The SVR accused NATO of a plot." and s1.modality.value == "reported"
    assert s2.responds_to == ["s1"] and s2.quote.text == "this is a lie."
    [nato] = [e for e in doc.entities if e.id == "nato"]
    assert nato.wikidata == "Q7184" and len(nato.mentions) == 2  # joined by normalised name
    [act] = doc.acts
    assert (act.label, act.types) == ("a staged plot", ["false-flag"])


def test_discontinuous_span_is_read_as_the_stretch_it_covers(tmp_path: Path) -> None:
    start = TEXT.index("The Kremlin")
    fragments = f"{start} {start + 3};{start + 4} {start + 11}"
    ann = GOOD + f"T9\tState {fragments}\tThe Kremlin\n"
    doc = parse(pair(tmp_path, ann))
    [kremlin] = [e for e in doc.entities if e.kind.value == "State"]
    assert kremlin.id == "kremlin" and kremlin.mentions[0].text == "The Kremlin"


def test_equivalence_joins_mentions_of_one_kind(tmp_path: Path) -> None:
    ann = GOOD + f"T9\tIntelligenceService {at('Kremlin')}\tKremlin\n*\tEquiv T1 T9\n"
    doc = parse(pair(tmp_path, ann))
    [svr] = [e for e in doc.entities if e.id == "svr"]
    assert [m.text for m in svr.mentions] == ["SVR", "Kremlin"]


def test_mentions_joined_with_different_labels_are_refused(tmp_path: Path) -> None:
    ann = GOOD + f"T9\tState {at('Kremlin')}\tKremlin\n*\tEquiv T1 T9\n"
    with pytest.raises(InputError, match="different labels"):
        parse(pair(tmp_path, ann))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("T9\tPerson 0 three\tThe", "offsets '0 three'"),
        ("T9\tPerson 0 3\tTha", "reads 'The' in the text, not 'Tha'"),
        ("E9\tAccusation:T2 Claimant:T42", "Claimant points to 'T42'"),
        ("T9\tSpokesman 0 3\tThe", "unknown label 'Spokesman'"),
        ("X1\tsomething", "not a brat standoff line"),
    ],
)
def test_bad_line_is_refused_with_its_line_and_nothing_is_written(
    store: RDFStore, tmp_path: Path, line: str, reason: str
) -> None:
    failure = refused(store, pair(tmp_path, GOOD + line + "\n"), "line 14", reason)
    problem = failure.problems[0]
    assert problem.place.startswith("line 14") and reason in problem.reason, problem


def test_missing_text_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "lonely.ann"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match=r"no text file lonely\.txt"):
        load_documents(path)


def test_directory_yields_the_ann_not_its_text_or_metadata() -> None:
    assert list(discover([FORMATS_DIR / "brat"])) == [SEED_IN["brat"]]
    assert list(discover([FORMATS_DIR / "webanno"])) == [SEED_IN["webanno"]]


def test_cli_ingests_brat_by_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = cli("ingest", str(pair(tmp_path, GOOD)), "--format", "brat")
    assert done.code == 0, done.stderr
    assert "ingested 1 document(s)" in done.stdout


def test_an_empty_ann_is_a_document_not_yet_annotated(store: RDFStore, tmp_path: Path) -> None:
    report = ingest_paths(store, [pair(tmp_path, "")])
    assert report.ok and not report.ingested
