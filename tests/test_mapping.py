"""The mapping file: a team's own label, role and value names onto allegraph's."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import load_documents, load_mapping
from loaders.errors import InputError
from loaders.mapping import DEFAULT

TEXT = "The SVR accused NATO of a plot in Idlib."
MAPPING = """\
labels:
  SPOOKS: IntelligenceService
  ALLIANCE: international organization
  ACCUSE: Accusation
  WHAT: AllegedAct
  PLACE: ignore
roles:
  Agent: Claimant
  Patient: Target
attributes:
  Certainty: Modality
values:
  probable: Hedged
"""
WITH_THEME = MAPPING.replace("  Patient: Target\n", "  Patient: Target\n  Theme: AllegedAct\n")
ANN = """\
T1\tSPOOKS 4 7\tSVR
T2\tACCUSE 8 15\taccused
T3\tALLIANCE 16 20\tNATO
T4\tWHAT 24 39\ta plot in Idlib
T5\tPLACE 34 39\tIdlib
E1\tACCUSE:T2 Agent:T1 Patient:T3 Patient2:T5 Theme:T4
A1\tCertainty E1 probable
"""


def team_export(tmp_path: Path, ann: str = ANN) -> Path:
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text(ann, encoding="utf-8")
    return tmp_path / "doc.ann"


def mapping_file(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_allegraphs_names_loosely() -> None:
    assert DEFAULT.label("intelligence_service") == "IntelligenceService"
    assert DEFAULT.link("Target3") == "Target"
    assert DEFAULT.value("HEDGED") == "Hedged"
    with pytest.raises(KeyError):
        DEFAULT.label("PER")


def test_team_labels_roles_and_values_are_mapped(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, WITH_THEME))
    [doc] = load_documents(team_export(tmp_path), mapping=mapping)
    [statement] = doc.statements
    assert (statement.claimant, statement.targets) == ("svr", ["nato"])  # PLACE is ignored
    assert statement.modality.value == "hedged" and statement.act == "plot-in-idlib"
    assert {e.kind.value for e in doc.entities} == {
        "IntelligenceService",
        "InternationalOrganization",
    }


def test_an_unmapped_role_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 6: unknown role or relation 'Theme'"):
        load_documents(team_export(tmp_path), mapping=load_mapping(mapping_file(tmp_path)))


def test_an_unknown_label_without_mapping_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 1: unknown label 'SPOOKS'"):
        load_documents(team_export(tmp_path))


@pytest.mark.parametrize(
    ("text", "place", "reason"),
    [
        ("labels:\n  PER: Persona\n", "/labels/PER", "'Persona' is not one of"),
        ("colours:\n  PER: red\n", "/colours", "unknown section"),
        ("roles: [Agent]\n", "/roles", "expected a mapping"),
    ],
)
def test_bad_mapping_file_is_refused_with_its_place(
    tmp_path: Path, text: str, place: str, reason: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_mapping(mapping_file(tmp_path, text))
    [problem] = caught.value.problems
    assert problem.place == place and reason in problem.reason


def test_cli_ingest_with_mapping(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mapping = mapping_file(tmp_path, WITH_THEME)
    ann = team_export(tmp_path)
    refused = cli("ingest", str(ann))
    assert refused.code == 2 and "unknown label 'SPOOKS'" in refused.stderr
    done = cli("ingest", str(ann), "--format", "brat", "--mapping", str(mapping))
    assert done.code == 0 and "ingested 1 document(s)" in done.stdout, done.stderr


def test_every_mapping_in_the_docs_loads(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "loaders.md").read_text("utf-8")
    blocks = [b.split("```")[0] for b in docs.split("```yaml\n")[1:]]
    assert len(blocks) >= 5
    for block in blocks:
        mapping = load_mapping(mapping_file(tmp_path, block))
        assert mapping.labels or mapping.roles
