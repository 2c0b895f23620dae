"""Evidence dossiers: one investigator question as one self-contained HTML file to hand on.

A dossier holds the question's network picture (the same `render_network` snippet, so it
opens offline), then every statement behind it as numbered evidence (the quote in its
sentence, who said it of whom, the act, kind, date, modality, source document and character
offsets), how the question was asked and when the file was made. Its print style gives a
clean report from the browser's "print to PDF".

Builders (`actor_dossier`, `chains_dossier`, `mirrors_dossier`) read the store;
`render_dossier` is pure: the same `Dossier` gives the same HTML.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from urllib.parse import quote, urlencode

from graph.property.backend import CypherBackend
from graph.rdf import catalog
from graph.rdf.ntriples import iri_text
from graph.rdf.store import RDFStore
from ontology import AG, StatementKind
from viz.details import node_details, sources
from viz.model import Evidence, Source, Subgraph
from viz.render import asset, page, render_network, safe_url
from viz.subgraphs import chains_subgraph, mirrors_subgraph, neighbourhood_subgraph

CONTEXT_CHARS = 400  # at most this much of the sentence is shown on each side of a quote
PICTURE_HEIGHT = 560  # CSS pixels on screen; print shrinks it to the page


@dataclass(frozen=True)
class Passage:
    """A quote in its sentence: the text before it, the quote, and the text after it."""

    before: str
    quote: str
    after: str


@dataclass(frozen=True)
class EvidenceItem:
    """One statement as a dossier cites it (names, not IRIs, for people to read)."""

    statement: str
    kind: str
    claimant: str
    targets: tuple[str, ...]
    act: str | None
    passage: Passage
    date: str | None
    modality: str | None
    document: Source | None
    start: int | None
    end: int | None
    responds_to: tuple[str, ...] = ()
    drawn: bool = True  # False: a kind the picture has no link for (a claim, a retraction)


@dataclass(frozen=True)
class Question:
    """How a dossier was asked: in words, as parameters, and as the request and command
    that make it again."""

    words: str
    parameters: tuple[tuple[str, str], ...]
    request: str
    command: str


@dataclass(frozen=True)
class Dossier:
    question: Question
    picture: Subgraph
    evidence: tuple[EvidenceItem, ...]
    made_at: dt.datetime
    version: str

    @property
    def title(self) -> str:
        return self.picture.title


def allegraph_version() -> str:
    try:
        return package_version("allegraph")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# the quote in its sentence -------------------------------------------------------------------

# The end of a sentence: stops (and any closing quotes or brackets) before a space, or a
# line break. A stop after a lone capital is an initial or abbreviation ("U.S.").
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n")


def sentence_around(text: str, start: int | None, end: int | None, quote: str) -> Passage:
    """The sentence(s) holding `text[start:end]`, cut at `CONTEXT_CHARS` on each side. When
    the offsets do not give the quote back (an edited text), its first occurrence is used;
    when there is none, the quote stands alone."""
    if start is None or end is None or text[start:end] != quote:
        found = text.find(quote) if quote else -1
        if found < 0:
            return Passage("", quote, "")
        start, end = found, found + len(quote)
    low = max(0, start - CONTEXT_CHARS)
    begin = low
    for stop in _SENTENCE_END.finditer(text, low, start):
        begin = stop.end()
    high = min(len(text), end + CONTEXT_CHARS)
    # From the quote's last character: a quote ending on its full stop ends the sentence.
    closing = _SENTENCE_END.search(text, max(start, end - 1), high)
    finish = max(end, closing.end() if closing else high)
    before, after = text[begin:start], text[end:finish]
    before = ("…" if begin == low and low > 0 else "") + before.lstrip()
    after = after.rstrip() + ("…" if closing is None and high < len(text) else "")
    return Passage(before, text[start:end], after)


# gathering the evidence ----------------------------------------------------------------------


def gather_evidence(
    store: RDFStore, picture: Subgraph, extra: Iterable[str] = ()
) -> tuple[EvidenceItem, ...]:
    """Every statement behind the picture's links, and the `extra` ones (statements the
    picture cannot draw), in reading order: by date (undated last), document, offset."""
    drawn = {e.statement: e for edge in picture.edges for e in edge.evidence}
    wanted = list(dict.fromkeys([*drawn, *extra]))
    details = catalog.statement_details(store, wanted)
    people = {a for s in details for a in (s.claimant, *s.targets)}
    names = {node.iri: node.label for node in node_details(store, people)}
    documents = {s.iri: s for s in sources(store, {s.document for s in details})}
    texts = _texts(store, documents)
    items = [
        _item(s, drawn.get(s.iri), names, documents.get(s.document), texts.get(s.document, ""))
        for s in details
    ]
    return tuple(sorted(items, key=_reading_order))


def _texts(store: RDFStore, documents: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(documents))
    if not wanted:
        return {}
    values = " ".join(iri_text(d) for d in wanted)
    rows = store.solutions(
        f"SELECT ?g ?text WHERE {{ VALUES ?g {{ {values} }} "
        f"GRAPH ?g {{ ?g {iri_text(str(AG.text))} ?text }} }}"
    )
    return {r["g"].value: r["text"].value for r in rows}


def _item(
    statement: catalog.Statement,
    shown: Evidence | None,
    names: dict[str, str],
    document: Source | None,
    text: str,
) -> EvidenceItem:
    s = statement
    return EvidenceItem(
        statement=s.iri,
        kind=s.kind,
        claimant=names.get(s.claimant, s.claimant),
        targets=tuple(sorted(names.get(t, t) for t in s.targets)),
        # The picture's act says what a denial answers; a statement not drawn has its own.
        act=shown.act if shown is not None else s.act_label,
        passage=sentence_around(text, s.start, s.end, s.quote),
        date=s.date,
        modality=s.modality or None,
        document=document,
        start=s.start,
        end=s.end,
        responds_to=s.responds_to,
        drawn=shown is not None,
    )


def _reading_order(item: EvidenceItem) -> tuple[bool, str, str, str, int, str]:
    title = item.document.title.casefold() if item.document else ""
    doc = item.document.iri if item.document else ""
    return (item.date is None, item.date or "", title, doc, item.start or 0, item.statement)


# one builder per question -------------------------------------------------------------------


def actor_dossier(
    store: RDFStore,
    actor: str,
    depth: int = 1,
    backend: CypherBackend | None = None,
    made_at: dt.datetime | None = None,
) -> Dossier:
    """An actor's network to `depth` links, and besides the statements behind its links
    every other statement the actor made or received (claims, retractions: not drawn)."""
    picture = neighbourhood_subgraph(store, actor, depth, backend)
    own = catalog.StatementFilter(actor=actor)
    total, _ = catalog.statements(store, own, 0, 0)
    _, statements = catalog.statements(store, own, total, 0)
    name = _name(picture, actor)
    question = Question(
        f"Who is within {_links(depth)} of {name} in the network of accusations, denials, "
        "warnings and threats, and what exactly did each side say?",
        (("actor", f"{name} <{actor}>"), ("depth", str(depth)), _engine(backend)),
        f"GET /dossier/actors/{quote(catalog.actor_id(actor), safe='')}?depth={depth}",
        f"allegraph report --actor {shlex.quote(name)} --depth {depth} -o dossier.html",
    )
    evidence = gather_evidence(store, picture, (s.iri for s in statements))
    return Dossier(question, picture, evidence, made_at or _now(), allegraph_version())


def chains_dossier(
    store: RDFStore,
    source: str,
    target: str,
    max_hops: int = 4,
    kinds: Sequence[str] | None = None,
    backend: CypherBackend | None = None,
    made_at: dt.datetime | None = None,
) -> Dossier:
    """Every chain of the chosen statement kinds from one actor to another."""
    wanted = list(kinds or [StatementKind.accusation.value])
    picture = chains_subgraph(store, source, target, max_hops, wanted, backend)
    a, b = _name(picture, source), _name(picture, target)
    followed = ", ".join(wanted)
    query = urlencode(
        {
            "from": catalog.actor_id(source),
            "to": catalog.actor_id(target),
            "max_hops": max_hops,
            "kinds": ",".join(wanted),
        }
    )
    question = Question(
        f"Through which chains of statements ({followed}) does {a} reach {b}, in at most "
        f"{max_hops} hops, and what was said at each hop?",
        (
            ("from", f"{a} <{source}>"),
            ("to", f"{b} <{target}>"),
            ("max hops", str(max_hops)),
            ("kinds", followed),
            _engine(backend),
        ),
        f"GET /dossier/chains?{query}",
        f"allegraph report --chains {shlex.quote(a)} {shlex.quote(b)} --max-hops {max_hops} "
        f"--kinds {shlex.quote(','.join(wanted))} -o dossier.html",
    )
    evidence = gather_evidence(store, picture)
    return Dossier(question, picture, evidence, made_at or _now(), allegraph_version())


def mirrors_dossier(
    store: RDFStore,
    backend: CypherBackend | None = None,
    same_act_type: bool = True,
    roll_up: bool = True,
    made_at: dt.datetime | None = None,
) -> Dossier:
    """Every pair of actors who accuse each other, with the accusations both ways."""
    picture = mirrors_subgraph(store, backend, same_act_type, roll_up)
    words = "Which actors accuse each other" + (
        " of the same kind of act" if same_act_type else " (of any act)"
    )
    if roll_up:
        words += ", counting what an actor's parts and spokespeople say as said by the actor"
    flags = ("" if same_act_type else " --no-same-act-type") + ("" if roll_up else " --no-roll-up")
    question = Question(
        words + "?",
        (
            ("same act type", _yes(same_act_type)),
            ("rolled up through part-of and speaks-for", _yes(roll_up)),
            _engine(backend),
        ),
        "GET /dossier/mirrors?"
        + urlencode({"same_act_type": _bool(same_act_type), "roll_up": _bool(roll_up)}),
        f"allegraph report --mirrors{flags} -o dossier.html",
    )
    evidence = gather_evidence(store, picture)
    return Dossier(question, picture, evidence, made_at or _now(), allegraph_version())


def _name(picture: Subgraph, iri: str) -> str:
    return next((n.label for n in picture.nodes if n.iri == iri), catalog.actor_id(iri))


def _links(depth: int) -> str:
    return "1 link" if depth == 1 else f"{depth} links"


def _engine(backend: CypherBackend | None) -> tuple[str, str]:
    if backend is None:
        return ("answered from", "the RDF store (SPARQL)")
    return ("answered from", "the property graph (Cypher), synced from the RDF store")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _bool(value: bool) -> str:
    return "true" if value else "false"


# HTML ------------------------------------------------------------------------------------------


def render_dossier(dossier: Dossier) -> str:
    """The dossier as one standalone page: everything inline, nothing loaded."""
    figure = render_network(dossier.picture, fragment=True, height=PICTURE_HEIGHT)
    body = (
        _header(dossier)
        + "<main>\n"
        + _question_html(dossier.question)
        + '<section class="ag-picture" aria-labelledby="picture">\n'
        + '<h2 id="picture">Picture</h2>\n'
        + figure
        + "</section>\n"
        + _evidence_html(dossier.evidence)
        + _sources_html(dossier.evidence)
        + "</main>\n"
        + _footer(dossier)
        + f"<script>{asset('dossier.js')}</script>\n"
    )
    return page(f"Evidence dossier: {dossier.title}", body, asset("dossier.css"))


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _header(dossier: Dossier) -> str:
    documents = {e.document.iri for e in dossier.evidence if e.document}
    count = len(dossier.evidence)
    return (
        '<header class="ag-head">\n<p class="ag-kicker">allegraph evidence dossier</p>\n'
        f"<h1>{escape(dossier.title)}</h1>\n"
        f'<p class="ag-summary">{count:,} statement{"" if count == 1 else "s"} from '
        f"{len(documents):,} document{'' if len(documents) == 1 else 's'}. Made "
        f'<time datetime="{dossier.made_at.astimezone(dt.UTC).isoformat()}">'
        f"{_stamp(dossier.made_at)}</time> with allegraph {escape(dossier.version)}.</p>\n"
        "</header>\n"
    )


def _question_html(question: Question) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>'
        for k, v in question.parameters
    )
    return (
        '<section class="ag-question" aria-labelledby="question">\n'
        '<h2 id="question">How it was asked</h2>\n'
        f'<p class="ag-words">{escape(question.words)}</p>\n'
        f'<table class="ag-parameters"><caption>Parameters</caption><tbody>{rows}</tbody></table>\n'
        f"<p>The same dossier from the API: <code>{escape(question.request)}</code><br>\n"
        f"and from the command line: <code>{escape(question.command)}</code></p>\n"
        "</section>\n"
    )


def _evidence_html(evidence: Sequence[EvidenceItem]) -> str:
    number = {item.statement: i for i, item in enumerate(evidence, 1)}
    items = "".join(_item_html(i, item, number) for i, item in enumerate(evidence, 1))
    listing = (
        f'<ol class="ag-evidence-list">\n{items}</ol>\n'
        if evidence
        else "<p>No statement answers this question.</p>\n"
    )
    return (
        '<section class="ag-evidence" aria-labelledby="evidence">\n'
        f'<h2 id="evidence">Evidence ({len(evidence):,})</h2>\n{listing}</section>\n'
    )


def _item_html(i: int, item: EvidenceItem, number: dict[str, int]) -> str:
    targets = ", ".join(item.targets) or "(no one named)"
    passage = item.passage
    sentence = (
        f"{escape(passage.before)}<mark>{escape(passage.quote)}</mark>{escape(passage.after)}"
    )
    fields = [
        ("Kind", escape(item.kind) + ("" if item.drawn else " (not drawn in the picture)")),
        ("Act", escape(item.act) if item.act else "—"),
        ("Date", escape(item.date) if item.date else "undated"),
        ("Modality", escape(item.modality) if item.modality else "—"),
        *_answers(item, number),
        *_document_fields(item.document),
        ("Offsets", _offsets(item)),
        ("Statement", f'<span class="ag-iri">{escape(item.statement)}</span>'),
    ]
    rows = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields)
    return (
        f'<li class="ag-item" id="evidence-{i}">\n'
        f'<h3><span class="ag-number">{i}.</span> {escape(item.claimant)} → {escape(targets)}'
        f' <span class="ag-kind ag-kind-{escape(item.kind)}">{escape(item.kind)}</span></h3>\n'
        f'<blockquote class="ag-sentence"><p>{sentence}</p></blockquote>\n'
        f'<dl class="ag-fields">{rows}</dl>\n</li>\n'
    )


def _answers(item: EvidenceItem, number: dict[str, int]) -> list[tuple[str, str]]:
    if not item.responds_to:
        return []
    cited = [
        f'<a href="#evidence-{number[r]}">evidence {number[r]}</a>'
        if r in number
        else f'<span class="ag-iri">{escape(r)}</span>'
        for r in item.responds_to
    ]
    return [("Answers", ", ".join(cited))]


def _document_fields(document: Source | None) -> list[tuple[str, str]]:
    if document is None:
        return [("Document", "unknown")]
    url = safe_url(document.url)
    link = f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>' if url else "—"
    return [
        ("Document", f"<cite>{escape(document.title)}</cite>"),
        ("Publisher", escape(document.publisher) if document.publisher else "—"),
        ("Published", escape(document.issued) if document.issued else "—"),
        ("URL", link),
    ]


def _offsets(item: EvidenceItem) -> str:
    if item.start is None or item.end is None:
        return "not recorded"
    return f"characters {item.start:,}–{item.end:,} of the document text"


def _sources_html(evidence: Sequence[EvidenceItem]) -> str:
    cited = {e.document.iri: e.document for e in evidence if e.document}
    if not cited:
        return ""
    ordered = sorted(cited.values(), key=lambda s: (s.title.casefold(), s.iri))
    rows = "".join(f"<li>{_source_line(s)}</li>" for s in ordered)
    return (
        '<section class="ag-sources" aria-labelledby="sources">\n'
        f'<h2 id="sources">Sources ({len(ordered):,})</h2>\n<ol>{rows}</ol>\n</section>\n'
    )


def _source_line(source: Source) -> str:
    text = f"<cite>{escape(source.title)}</cite>" + "".join(
        f", {escape(x)}" for x in (source.publisher, source.issued) if x
    )
    url = safe_url(source.url)
    if url:
        text += f'. <a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'
    return text + f' <span class="ag-iri">{escape(source.iri)}</span>'


def _footer(dossier: Dossier) -> str:
    return (
        '<footer class="ag-foot"><p>Made '
        f"{_stamp(dossier.made_at)} with allegraph {escape(dossier.version)}: "
        f"<code>{escape(dossier.question.request)}</code></p></footer>\n"
    )
