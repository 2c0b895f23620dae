"""The native loader: good files load; every kind of bad file is refused with place and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import InputError, load_document
from loaders.formats.native import parse_text
from tests.docs import TEXT, minimal, write


def refuse(path: Path, **kwargs: int) -> InputError:
    with pytest.raises(InputError) as caught:
        load_document(path, **kwargs)
    assert caught.value.source == str(path)
    return caught.value


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_minimal_document_loads_and_locates_text_only_spans(tmp_path: Path, suffix: str) -> None:
    doc = load_document(write(tmp_path / f"d{suffix}", minimal()))
    denial = doc.statements[1]
    assert (denial.quote.start, denial.quote.end) == (TEXT.index("this"), len(TEXT))
    assert doc.entities[1].mentions[0].text == "NATO"


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "x",\n  "text": "t" oops\n}', encoding="utf-8")
    error = refuse(path)
    assert error.problems[0].place == "line 3, column 15"
    assert "malformed JSON" in error.problems[0].reason


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntext: [unclosed\nentities: []\n", encoding="utf-8")
    error = refuse(path)
    assert error.problems[0].place.startswith("line ")
    assert "malformed YAML" in error.problems[0].reason


def test_unknown_entity_reference_gives_yaml_line_and_pointer(tmp_path: Path) -> None:
    data = minimal()
    data["statements"][0]["targets"] = ["otan"]
    path = write(tmp_path / "d.yaml", data)
    error = refuse(path)
    [problem] = error.problems
    assert problem.place.endswith("(/statements/0/targets/0)")
    line = int(problem.place.split()[1].rstrip(","))
    assert "otan" in path.read_text().splitlines()[line - 1]
    assert problem.reason == "unknown entity 'otan'"


def test_json_problems_are_placed_by_pointer(tmp_path: Path) -> None:
    data = minimal()
    data["statements"][1]["responds_to"] = ["s9"]
    error = refuse(write(tmp_path / "d.json", data))
    assert [(p.place, p.reason) for p in error.problems] == [
        ("/statements/1/responds_to/0", "unknown statement 's9'")
    ]


@pytest.mark.parametrize(
    ("start", "end", "text", "expected"),
    [
        (50, 90, None, "lies outside the text"),
        (4, 7, "NATO", "reads 'SVR', not 'NATO'"),
        (None, None, "Kremlin", "does not occur"),
        (None, None, "NATO", "occurs more than once"),
    ],
)
def test_bad_spans_are_refused(
    tmp_path: Path, start: int | None, end: int | None, text: str | None, expected: str
) -> None:
    data = minimal()
    span = {k: v for k, v in {"start": start, "end": end, "text": text}.items() if v is not None}
    data["entities"][0]["mentions"] = [span]
    error = refuse(write(tmp_path / "d.json", data))
    assert error.problems[0].place == "/entities/0/mentions/0"
    assert expected in error.problems[0].reason


@pytest.mark.parametrize(
    ("mutate", "pointer", "expected"),
    [
        (lambda d: d["entities"][0].update(kind="Spy"), "/entities/0/kind", "Input should be"),
        (
            lambda d: d["statements"][0].update(kind="gossip"),
            "/statements/0/kind",
            "Input should be",
        ),
        (lambda d: d["statements"][0].pop("claimant"), "/statements/0/claimant", "missing"),
        (lambda d: d.pop("text"), "/text", "missing"),
        (lambda d: d["statements"][0].update(date="2022-13-45"), "/statements/0/date", "date"),
        (lambda d: d["acts"][0].update(types=["gossip"]), "/acts/0/types", "unknown act type"),
        (lambda d: d.update(statments=[]), "/statments", "unknown field"),
        (lambda d: d["entities"][1].update(id="svr"), "/entities/1/id", "duplicate id 'svr'"),
    ],
)
def test_content_errors_name_the_pointer(
    tmp_path: Path, mutate, pointer: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    data = minimal()
    mutate(data)
    error = refuse(write(tmp_path / "d.json", data))
    assert any(p.place == pointer and expected in p.reason for p in error.problems), (
        error.describe()
    )


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("id: a\nid: b\ntext: some text\n", encoding="utf-8")
    error = refuse(path)
    assert error.problems[0].place == "line 2, column 1"
    assert "duplicate key 'id'" in error.problems[0].reason


def test_non_utf8_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"id: a\ntext: caf\xe9\n")
    error = refuse(path)
    assert error.problems[0].place == "line 2, column 10"
    assert "not valid UTF-8" in error.problems[0].reason


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b"")
    assert "empty" in refuse(path).problems[0].reason


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:  # a sparse file: refused by size, never read
        handle.truncate(51 * 1024 * 1024)
    error = refuse(path)
    assert "over the limit of 52,428,800 bytes" in error.problems[0].reason
    small = write(tmp_path / "d.json", minimal())
    assert "over the limit" in refuse(small, max_bytes=100).problems[0].reason


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(InputError, match="expected an object"):
        parse_text("upload", "[1, 2]", yaml_syntax=False)


def test_a_nul_character_is_refused_where_it_is(tmp_path: Path) -> None:
    data = minimal()
    data["title"] = "before\u0000after"
    data["entities"][0]["aliases"] = ["fine", "bad\u0000"]
    error = refuse(write(tmp_path / "d.json", data))
    assert [p.place for p in error.problems] == ["/title", "/entities/0/aliases/1"]
    assert all("NUL character" in p.reason for p in error.problems)
    path = tmp_path / "d.yaml"
    path.write_text('id: a\ntitle: "x\\0y"\ntext: some text\n', encoding="utf-8")
    assert refuse(path).problems[0].place.startswith("line 2")


def test_data_json_cannot_write_is_still_looked_through_for_a_nul(tmp_path: Path) -> None:
    """A YAML key JSON cannot have (a date) skips the quick look, not the search."""
    path = tmp_path / "d.yaml"
    path.write_text('id: a\n2024-01-01: "x\\0y"\ntext: some text\n', encoding="utf-8")
    assert refuse(path).problems[0].place.startswith("line 2")
