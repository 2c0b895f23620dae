"""Evidence dossiers: the file lists every statement behind its question (checked against
what the catalog and the API give for the actor, not a fixed count), shows each quote in its
sentence, opens offline in real Chromium with its picture drawn and nothing loaded, prints
to A4, and comes the same from the API (as an attachment) and from the CLI."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import httpx
import yaml

from graph.rdf import catalog
from graph.rdf.actors import resolve_actor
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from tests.conftest import SEED_YAML
from viz.browser import open_offline
from viz.dossier import (
    Dossier,
    actor_dossier,
    chains_dossier,
    mirrors_dossier,
    render_dossier,
    sentence_around,
)

MADE = dt.datetime(2025, 12, 5, 9, 30, tzinfo=dt.UTC)
SEED_TEXT: str = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))["text"]


def own_statements(store: RDFStore, actor: str) -> set[str]:
    """Every statement the actor made or received, as the catalog (and the API) lists them."""
    where = catalog.StatementFilter(actor=actor)
    total, _ = catalog.statements(store, where, 0, 0)
    return {s.iri for s in catalog.statements(store, where, total, 0)[1]}


def drawn_statements(dossier: Dossier) -> set[str]:
    return {e.statement for edge in dossier.picture.edges for e in edge.evidence}


# what a dossier holds ---------------------------------------------------------------------


def test_the_svr_dossier_lists_every_statement_of_its_question(seed_store: RDFStore) -> None:
    svr = resolve_actor(seed_store, "SVR")
    dossier = actor_dossier(seed_store, svr, 1, made_at=MADE)
    listed = [e.statement for e in dossier.evidence]
    own = own_statements(seed_store, svr)
    assert own and drawn_statements(dossier) - own  # links among its neighbours count too
    assert len(listed) == len(set(listed))
    assert set(listed) == own | drawn_statements(dossier)
    html = render_dossier(dossier)
    assert len(re.findall(r'<li class="ag-item" id="evidence-\d+">', html)) == len(listed)
    for item in dossier.evidence:
        assert escape(item.passage.quote) in html
        assert f"characters {item.start:,}–{item.end:,}" in html


def test_an_actor_at_depth_zero_still_lists_its_own_statements(
    seed_store: RDFStore, graph_db: Any
) -> None:
    sync_documents(seed_store, graph_db)
    svr = resolve_actor(seed_store, "SVR")
    dossier = actor_dossier(seed_store, svr, 0, graph_db, made_at=MADE)
    assert dossier.picture.edges == ()
    assert {e.statement for e in dossier.evidence} == own_statements(seed_store, svr)
    assert not any(e.drawn for e in dossier.evidence)
    assert "(not drawn in the picture)" in render_dossier(dossier)


def test_chain_and_mirror_dossiers_list_the_statements_behind_their_links(
    seed_store: RDFStore,
) -> None:
    stoltenberg, russia = (resolve_actor(seed_store, n) for n in ("Stoltenberg", "Russia"))
    chains = chains_dossier(seed_store, stoltenberg, russia, 2, ["warning"], made_at=MADE)
    assert [e.kind for e in chains.evidence] == ["warning"]
    assert {e.statement for e in chains.evidence} == drawn_statements(chains)
    mirrors = mirrors_dossier(seed_store, made_at=MADE)
    assert {e.kind for e in mirrors.evidence} == {"accusation"}
    assert {e.statement for e in mirrors.evidence} == drawn_statements(mirrors)
    sides = {(e.claimant, e.targets) for e in mirrors.evidence}
    assert ("Jens Stoltenberg", ("Russia",)) in sides and ("SVR", ("NATO", "Ukraine")) in sides


def test_each_item_names_claimant_targets_act_date_modality_source(seed_store: RDFStore) -> None:
    stoltenberg = resolve_actor(seed_store, "Stoltenberg")
    dossier = actor_dossier(seed_store, stoltenberg, 1, made_at=MADE)
    denial = next(e for e in dossier.evidence if e.passage.quote == "This is just another lie.")
    assert (denial.kind, denial.claimant, denial.targets) == (
        "denial",
        "Jens Stoltenberg",
        ("Russia",),
    )
    assert (denial.date, denial.modality) == ("2022-03-15", "asserted")
    assert denial.document is not None and denial.document.title.startswith("Russia’s SVR")
    assert SEED_TEXT[denial.start : denial.end] == denial.passage.quote  # type: ignore[misc]
    answered = [e for e in dossier.evidence if e.statement in denial.responds_to]
    assert answered == []  # the SVR's accusation is not Stoltenberg's: named, not numbered
    html = render_dossier(dossier)
    assert 'Answers</dt><dd><span class="ag-iri">' in html


def test_the_question_says_how_to_ask_it_again(seed_store: RDFStore) -> None:
    svr = resolve_actor(seed_store, "SVR")
    question = actor_dossier(seed_store, svr, 2, made_at=MADE).question
    assert "SVR" in question.words and ("depth", "2") in question.parameters
    assert question.request == "GET /dossier/actors/svr?depth=2"
    assert question.command == "allegraph report --actor SVR --depth 2 -o dossier.html"
    html = render_dossier(actor_dossier(seed_store, svr, 2, made_at=MADE))
    assert "2025-12-05 09:30:00 UTC" in html and "GET /dossier/actors/svr?depth=2" in html


def test_rendering_is_pure_but_for_the_timestamp(seed_store: RDFStore) -> None:
    dossier = actor_dossier(seed_store, resolve_actor(seed_store, "NATO"), 1, made_at=MADE)
    later = replace(dossier, made_at=MADE + dt.timedelta(hours=1))
    assert render_dossier(dossier) == render_dossier(dossier)
    one, other = render_dossier(dossier), render_dossier(later)
    assert one != other
    assert one.replace("09:30:00", "10:30:00") == other


def test_hostile_text_stays_text(seed_store: RDFStore) -> None:
    dossier = actor_dossier(seed_store, resolve_actor(seed_store, "SVR"), 0, made_at=MADE)
    hostile = '</mark><script>window.pwned=1</script><img src=x onerror="window.pwned=1">'
    item = replace(dossier.evidence[0], claimant=hostile, act=hostile)
    html = render_dossier(replace(dossier, evidence=(item, *dossier.evidence[1:])))
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert escape(hostile) in html


# the quote in its sentence ----------------------------------------------------------------


def test_a_quote_inside_a_sentence_is_shown_in_the_whole_sentence() -> None:
    quote = "which Russia links to Western intelligence"
    start = SEED_TEXT.index(quote)
    passage = sentence_around(SEED_TEXT, start, start + len(quote), quote)
    assert passage.before == "The SVR suggested that the NGO “White Helmets,” "
    assert passage.after == ", might play a role in manipulating evidence against Russia and Syria."


def test_a_quote_that_ends_its_sentence_gets_nothing_after_it() -> None:
    quote = "This is just another lie."
    start = SEED_TEXT.index(quote)
    passage = sentence_around(SEED_TEXT, start, start + len(quote), quote)
    assert (passage.before, passage.after) == ("“", "")  # the quotation mark opens it


def test_initials_do_not_end_a_sentence() -> None:
    quote = "alone is deploying Patriot batteries"
    start = SEED_TEXT.index(quote)
    passage = sentence_around(SEED_TEXT, start, start + len(quote), quote)
    assert passage.before == "The U.S. "
    assert passage.after.startswith(" to Poland") and passage.after.endswith("situation.")


def test_wrong_offsets_fall_back_to_the_quote_in_the_text_or_alone() -> None:
    quote = "This is just another lie."
    assert sentence_around(SEED_TEXT, 0, 5, quote).quote == quote
    assert sentence_around(SEED_TEXT, None, None, quote).after == ""
    alone = sentence_around(SEED_TEXT, 0, 5, "words the text does not hold")
    assert (alone.before, alone.after) == ("", "")


def test_a_sentence_without_an_end_is_cut_with_an_ellipsis() -> None:
    text = "word " * 500 + "QUOTE" + " more" * 500
    start = text.index("QUOTE")
    passage = sentence_around(text, start, start + 5, "QUOTE")
    assert passage.before.startswith("…") and passage.after.endswith("…")
    assert len(passage.before) <= 402 and len(passage.after) <= 402


# in a real browser ------------------------------------------------------------------------


def test_the_dossier_opens_offline_with_its_picture_and_every_item(
    seed_store: RDFStore, browser: Any, tmp_path: Path
) -> None:
    dossier = actor_dossier(seed_store, resolve_actor(seed_store, "SVR"), 1, made_at=MADE)
    path = tmp_path / "dossier.html"
    path.write_text(render_dossier(dossier), encoding="utf-8")
    opened = open_offline(browser, path)
    canvas = opened.page.locator(".ag-canvas canvas")
    assert canvas.count() == 1 and canvas.is_visible()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    items = opened.page.locator(".ag-evidence-list > li")
    assert items.count() == len(dossier.evidence)
    for i, item in enumerate(dossier.evidence):
        shown = items.nth(i)
        assert shown.is_visible()
        assert shown.locator("mark").inner_text() == item.passage.quote
    assert opened.page.locator("html").get_attribute("lang") == "en"
    assert opened.page.locator("h1").count() == 1
    assert opened.blocked == [] and opened.errors == [] and opened.console_errors == []


def test_the_dossier_prints_its_picture_as_an_image_and_keeps_items_whole(
    seed_store: RDFStore, browser: Any, tmp_path: Path
) -> None:
    dossier = actor_dossier(seed_store, resolve_actor(seed_store, "SVR"), 1, made_at=MADE)
    path = tmp_path / "dossier.html"
    path.write_text(render_dossier(dossier), encoding="utf-8")
    opened = open_offline(browser, path)
    page = opened.page
    page.wait_for_selector(".ag-stage.ag-printable img.ag-print", state="attached")
    page.emulate_media(media="print")
    assert page.locator("img.ag-print").is_visible()
    assert not page.locator(".ag-canvas").is_visible()
    assert page.evaluate("document.querySelector('img.ag-print').naturalWidth") > 300
    breaks = page.evaluate(
        "[...document.querySelectorAll('.ag-item')].map(e => getComputedStyle(e).breakInside)"
    )
    assert breaks == ["avoid"] * len(dossier.evidence)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    assert opened.blocked == [] and opened.errors == []


def test_axe_finds_no_accessibility_violation(
    seed_store: RDFStore, browser: Any, tmp_path: Path
) -> None:
    axe = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.exists(), "axe-core is missing: run `make setup`"
    dossier = mirrors_dossier(seed_store, made_at=MADE)
    path = tmp_path / "dossier.html"
    path.write_text(render_dossier(dossier), encoding="utf-8")
    opened = open_offline(browser, path)
    opened.page.add_script_tag(path=str(axe))
    violations = opened.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => v.id + ' (' + v.impact + '): ' + v.nodes[0].target.join(' '))"""
    )
    assert violations == []


# over HTTP and from the command line ------------------------------------------------------


def test_the_api_gives_the_dossier_as_an_attachment(seed_api: str) -> None:
    response = httpx.get(seed_api + "/dossier/actors/svr", params={"depth": 1}, timeout=120)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == 'attachment; filename="dossier-svr.html"'
    html = response.text
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", html)
    said = httpx.get(seed_api + "/actors/svr/statements", params={"limit": 200}).json()["items"]
    assert said
    for statement in said:
        assert escape(statement["quote"]) in html


def test_the_api_dossiers_take_the_pictures_parameters(seed_api: str) -> None:
    schema = httpx.get(seed_api + "/openapi.json").json()["paths"]
    for question in ("/actors/{actor_id}", "/chains", "/mirrors"):
        picture = schema[f"/viz{question}"]["get"]
        dossier = schema[f"/dossier{question}"]["get"]
        # A picture may be cut to a page (offset, limit) or its busiest actors (most); a
        # dossier holds every statement of its question.
        drawn_only = ("fragment", "title", "most", "offset", "limit")
        ours = [p for p in picture["parameters"] if p["name"] not in drawn_only]
        assert dossier["parameters"] == ours
        assert dossier["security"] == picture["security"]


def test_the_api_dossiers_for_chains_and_mirrors_and_their_refusals(seed_api: str) -> None:
    chains = httpx.get(
        seed_api + "/dossier/chains",
        params={"from": "Stoltenberg", "to": "Russia", "kinds": "warning"},
        timeout=120,
    )
    assert chains.status_code == 200
    expected = 'attachment; filename="dossier-chains-jens-stoltenberg-q159.html"'
    assert chains.headers["content-disposition"] == expected
    assert "Stoltenberg warned that any use of chemical weapons" in chains.text
    mirrors = httpx.get(seed_api + "/dossier/mirrors", params={"roll_up": False}, timeout=120)
    assert mirrors.status_code == 200 and "--no-roll-up" in mirrors.text
    for path, params, status in [
        ("/dossier/actors/nobody", {}, 404),
        ("/dossier/actors/svr", {"depth": 9}, 422),
        ("/dossier/chains", {"from": "SVR", "to": "nobody"}, 404),
        ("/dossier/chains", {"from": "SVR", "to": "NATO", "kinds": "gossip"}, 400),
    ]:
        refused = httpx.get(seed_api + path, params=params, timeout=120)
        assert refused.status_code == status, (path, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert "content-disposition" not in refused.headers


def test_the_cli_writes_the_dossier_and_refuses_an_unknown_actor(cli: Any, tmp_path: Path) -> None:
    assert cli("ingest", str(SEED_YAML)).code == 0
    out = tmp_path / "svr.html"
    done = cli("report", "--actor", "SVR", "-o", str(out))
    assert done.code == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "allegraph report --actor SVR" in html
    assert html.count('<li class="ag-item"') == int(re.findall(r"(\d+) statement", done.stderr)[0])
    assert not list(tmp_path.glob("*.partial"))
    missing = tmp_path / "missing.html"
    refused = cli("report", "--actor", "Spectre", "-o", str(missing), "--engine", "sparql")
    assert refused.code == 2 and "no actor named 'Spectre'" in refused.stderr
    assert not missing.exists()
    both = cli("report", "--actor", "SVR", "--mirrors", "-o", str(missing), "--engine", "sparql")
    assert both.code == 2 and "exactly one" in both.stderr
