"""Every Cypher statement allegraph sends, by name, and the dialect differences between
FalkorDB and Neo4j as a small table. Parameters always; the only text spliced into a
statement is a label or relationship type from the ontology, or a validated integer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ontology import ActorKind, StatementKind


@dataclass(frozen=True)
class Dialect:
    name: str
    schema: tuple[str, ...]  # index / constraint DDL, run once per sync
    n10s_schema: tuple[str, ...] = ()  # the same for the n10s shape (`uri`, not `iri`)
    # Temporal functions the n10s shape's dates and date-times are made with.
    temporal: frozenset[str] = frozenset({"date", "localdatetime"})


FALKORDB = Dialect(
    "falkordb",
    schema=(
        "CREATE INDEX FOR (n:Resource) ON (n.iri)",
        "CREATE INDEX FOR (n:Actor) ON (n.iri)",
    ),
    n10s_schema=("CREATE INDEX FOR (n:Resource) ON (n.uri)",),
    # No `datetime`: FalkorDB has no date-time with an offset.
)
NEO4J = Dialect(
    "neo4j",
    schema=(
        "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
        "CREATE INDEX actor_iri IF NOT EXISTS FOR (n:Actor) ON (n.iri)",
    ),
    # The constraint n10s checks for before any import, under its own name.
    n10s_schema=(
        "CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:Resource) REQUIRE r.uri IS UNIQUE",
    ),
    temporal=frozenset({"date", "localdatetime", "datetime"}),
)

# Labels a node may carry besides :Resource; removed before a node's current ones are set.
NODE_LABELS: tuple[str, ...] = (
    "Actor",
    *(kind.value for kind in ActorKind),
    "Statement",
    *(kind.iri.fragment for kind in StatementKind),
    "AllegedAct",
    "Document",
    "Concept",
    "Modality",
)
SHORTCUT_TYPES: tuple[str, ...] = ("ACCUSED", "DENIED", "WARNED", "THREATENED")
ROLL_UP_TYPES: tuple[str, ...] = ("PART_OF", "SPEAKS_FOR")  # what an actor rolls up through
NETWORK_TYPES: tuple[str, ...] = (*SHORTCUT_TYPES, *ROLL_UP_TYPES)
ACCUSED = SHORTCUT_TYPES[0]
ROLL_UP_DEPTH = 10  # levels an accusation is rolled up through, at most

# The derived network the sync keeps (graph/sync/rolled_up_graph.py): not mapped from RDF.
ROLLED_UP = "ROLLED_UP_ACCUSED"  # (x)→(y): accusations rolled up, counted
MIRRORS = "MIRRORS"  # (a)→(b), a's IRI before b's: rolled-up accusations found both ways
DERIVED_TYPES: tuple[str, ...] = (ROLLED_UP, MIRRORS)
ROLLED_UP_STATE = "RolledUpAccusations"  # label of the one node saying the network is exact
SYNC_POSITION = "SyncPosition"  # label of the one node saying how far the sync read the log
MENTIONED_IN = "MENTIONED_IN"  # (body)→(document), owned by the evidence span
# Edges their source never owns: spans own MENTIONED_IN, statements the shortcuts from their
# claimant, and the derived network has no owner. Withdrawing a document releases the edges
# its subjects own by the other types only (`release_edges`).
NOT_OWNED_BY_SOURCE: tuple[str, ...] = (MENTIONED_IN, *SHORTCUT_TYPES, *DERIVED_TYPES)
RELATIONSHIP_TYPES = "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"


def _labels(labels: Iterable[str]) -> str:
    return "".join(f":`{label}`" for label in labels)


def _types(types: Iterable[str]) -> str:
    """`:`A`|`B`` for a relationship pattern."""
    return ":" + "|".join(f"`{t}`" for t in types)


CLEAR = f"MATCH (n) WHERE n:Resource OR n:{ROLLED_UP_STATE} OR n:{SYNC_POSITION} DETACH DELETE n"

# sync: reading what the graph holds --------------------------------------------------------

SYNCED_DOCUMENTS = "MATCH (d:Document) RETURN d.iri AS iri, d.graphHash AS hash"
SYNCED_DOCUMENTS_OF = """
UNWIND $iris AS iri
MATCH (d:Resource {iri: iri})
WHERE d:Document
RETURN d.iri AS iri, d.graphHash AS hash
"""
READ_SYNC_POSITION = f"MATCH (p:{SYNC_POSITION}) RETURN p.changeLog AS log, p.bytesRead AS read"
SET_SYNC_POSITION = f"MERGE (p:{SYNC_POSITION}) SET p.changeLog = $log, p.bytesRead = $read"
ANY_SYNCED_DOCUMENT = "MATCH (d:Document) WHERE d.graphHash IS NOT NULL RETURN d.iri LIMIT 1"

DOCUMENT_SUBJECTS = """
UNWIND $documents AS doc
MATCH (d:Resource {iri: doc})
OPTIONAL MATCH (d)-[:MENTIONS]->(actor:Resource)
OPTIONAL MATCH (d)<-[:WAS_DERIVED_FROM]-(derived:Resource)
RETURN doc, collect(DISTINCT actor.iri) AS actors, collect(DISTINCT derived.iri) AS derived
"""

# sync: withdrawing a document version (each statement atomic on its own) -------------------

# Between the claimant and each target: a claimant's every edge was walked for each statement
# (22 s for 100 documents at 100,000, the busiest actor having 190,000 edges).
DELETE_SHORTCUTS = f"""
UNWIND $statements AS st
MATCH (s:Resource {{iri: st}})-[:CLAIMANT]->(c:Resource)
MATCH (s)-[:TARGET]->(t:Resource)
MATCH (c)-[r{_types(SHORTCUT_TYPES)}]->(t)
WHERE r.owner = st
DELETE r
"""

DELETE_MENTIONS = """
UNWIND $documents AS doc
MATCH (:Resource {iri: doc})<-[r:MENTIONED_IN]-(:Resource)
DELETE r
"""


# Releasing and deleting are two statements: FalkorDB applied neither the SET nor the
# DELETE of `SET … WITH … WHERE size(…) = 0 DELETE` in one statement.
def release_edges(types: Iterable[str]) -> str:
    """Each (subject, document) pair: the document taken from the edges of these types
    that the subject owns. Typed, so that an actor's MENTIONED_IN and shortcut edges (tens
    of thousands for a busy one) are not walked; 25 s for 100 documents at 100,000 untyped."""
    return f"""
UNWIND $pairs AS pair
MATCH (n:Resource {{iri: pair.subject}})-[r{_types(types)}]->(:Resource)
WHERE r.owner = pair.subject AND pair.document IN r.documents
SET r.documents = [d IN r.documents WHERE d <> pair.document]
"""


def delete_unsupported_edges(types: Iterable[str]) -> str:
    return f"""
UNWIND $subjects AS subject
MATCH (n:Resource {{iri: subject}})-[r{_types(types)}]->(:Resource)
WHERE r.owner = subject AND size(r.documents) = 0
DELETE r
"""


# One row per subject with all the documents it loses: a busy actor's `documents` list (tens
# of thousands) was searched and rewritten once per withdrawn document that mentions it.
RELEASE_NODES = """
UNWIND $groups AS row
MATCH (n:Resource {iri: row.subject})
WITH n, [d IN n.documents WHERE NOT d IN row.documents] AS kept
WHERE size(kept) < size(n.documents)
SET n.documents = kept
"""

DELETE_UNSUPPORTED_NODES = """
UNWIND $subjects AS subject
MATCH (n:Resource {iri: subject})
WHERE size(n.documents) = 0
DETACH DELETE n
"""

# sync: writing a document version ---------------------------------------------------------


# A node's current properties, and the documents it gained (`n` and `row` bound).
_SET_PROPERTIES_AND_DOCUMENTS = """
WITH row, n, coalesce(n.documents, []) AS before
SET n = row.props
SET n.documents = before + [d IN row.documents WHERE NOT d IN before]
"""


def upsert_nodes(labels: Iterable[str]) -> str:
    """Nodes with one label set: current properties, documents gained, stale labels dropped."""
    return f"""
UNWIND $rows AS row
MERGE (n:Resource {{iri: row.iri}}){_SET_PROPERTIES_AND_DOCUMENTS}REMOVE n{_labels(NODE_LABELS)}
SET n{_labels(labels) or ":Resource"}
"""


# Nodes built in bulk that later batches met again, their labels unchanged: the first label
# written after a bulk build made FalkorDB rework its label matrices (5 s at 10,000 documents).
UPDATE_NODES = f"""
UNWIND $rows AS row
MATCH (n:Resource {{iri: row.iri}}){_SET_PROPERTIES_AND_DOCUMENTS}"""

NODE_LABELS_OF = """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
RETURN n.iri AS iri, labels(n) AS labels
"""


def merge_edges(rel_type: str) -> str:
    """Edges of one type keyed by (source, target, owner); their documents are a set."""
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.source}}), (b:Resource {{iri: row.target}})
MERGE (a)-[r:`{rel_type}` {{owner: row.owner}}]->(b)
SET r += row.props,
    r.documents = CASE WHEN r.documents IS NULL THEN row.documents
                  ELSE r.documents + [d IN row.documents WHERE NOT d IN r.documents] END
"""


def create_nodes(labels: Iterable[str]) -> str:
    """Nodes the graph does not hold yet (checked by `EXISTING_NODES` just before): no
    index lookup, no merge of documents."""
    return f"""
UNWIND $rows AS row
CREATE (n:Resource{_labels(labels)})
SET n = row.props, n.documents = row.documents
"""


def create_edges(rel_type: str) -> str:
    """Edges that cannot exist yet, because an end or their owner was just created: MERGE
    would scan every edge of a busy actor for each one."""
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.source}}), (b:Resource {{iri: row.target}})
CREATE (a)-[r:`{rel_type}`]->(b)
SET r = row.props, r.owner = row.owner, r.documents = row.documents
"""


EXISTING_NODES = """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
RETURN n.iri AS iri
"""

SET_GRAPH_HASHES = """
UNWIND $rows AS row
MATCH (d:Resource {iri: row.iri})
SET d.graphHash = row.hash
"""

# sync: the rolled-up accusation network (graph/sync/rolled_up_graph.py) ---------------------

_UP = f"-[:{'|'.join(ROLL_UP_TYPES)}*0..{ROLL_UP_DEPTH}]->"
_DOWN = f"<-[:{'|'.join(ROLL_UP_TYPES)}*0..{ROLL_UP_DEPTH}]-"  # each pattern from its bound actor

ROLLED_UP_EXACT = f"MATCH (s:{ROLLED_UP_STATE}) RETURN s.exact AS exact"
SET_ROLLED_UP_EXACT = f"MERGE (s:{ROLLED_UP_STATE}) SET s.exact = $exact"

# What withdrawing documents touches: the accusing pairs of their statements, and the
# actors whose part-of / speaks-for links they support.
# (From the statements' own claimant and target: the shortcut edges' owners would be
# looked for among every accusation of a busy claimant.)
_ACCUSATION = _labels([StatementKind.accusation.iri.fragment])
WITHDRAWN_ACCUSATIONS = f"""
UNWIND $documents AS doc
MATCH (:Resource {{iri: doc}})<-[:WAS_DERIVED_FROM]-(s{_ACCUSATION})
MATCH (s)-[:CLAIMANT]->(c:Actor)
MATCH (s)-[:TARGET]->(t:Actor)
RETURN DISTINCT c.iri AS claimant, t.iri AS target, s.iri AS statement
"""

WITHDRAWN_LINKS = f"""
UNWIND $documents AS doc
MATCH (:Resource {{iri: doc}})-[:MENTIONS]->(u:Actor)-[r:{"|".join(ROLL_UP_TYPES)}]->(:Actor)
WHERE doc IN r.documents
RETURN DISTINCT u.iri AS actor
"""

# Actors that withdrawing these documents deletes (no other document has them): their
# derived edges go with them. Each actor once, and a busy one (tens of thousands of
# documents) kept out by its list's length before its list is compared.
DOOMED_ACTORS = """
UNWIND $documents AS doc
MATCH (:Resource {iri: doc})-[:MENTIONS]->(a:Actor)
WITH DISTINCT a
WITH a WHERE size(a.documents) <= size($documents)
WITH a WHERE size([d IN a.documents WHERE NOT d IN $documents]) = 0
RETURN a.iri AS actor
"""

# Actors at or under these (whose roll-ups a link of theirs can change).
ROLLING_UP_INTO = f"""
UNWIND $actors AS actor
MATCH (:Actor {{iri: actor}}){_DOWN}(d:Actor)
RETURN DISTINCT d.iri AS actor
"""

# Each actor and what it rolls up into (itself included).
CLOSURES = f"""
UNWIND $actors AS actor
MATCH (c:Actor {{iri: actor}}){_UP}(x:Actor)
RETURN actor, collect(DISTINCT x.iri) AS up
"""

ALL_CLOSURES = f"""
MATCH (c:Actor){_UP}(x:Actor)
RETURN c.iri AS actor, collect(DISTINCT x.iri) AS up
"""

# Accusing pairs with their accusations' act types, each once ('' for an accusation without
# one): all, some, or those at some actors. Sending each accusation's list back instead took
# five times as long (hundreds of parallel edges between busy actors).
_ACT_TYPES = (
    "UNWIND CASE WHEN size(coalesce(r.actTypes, [])) = 0 THEN [''] ELSE r.actTypes END AS k"
)
_BASE_RETURN = f"""WITH c, t, r
{_ACT_TYPES}
WITH c, t, collect(DISTINCT k) AS kinds
RETURN c.iri AS claimant, t.iri AS target, kinds AS actTypes"""

ALL_ACCUSATIONS = f"""
MATCH (c:Actor)-[r:{ACCUSED}]->(t:Actor)
{_BASE_RETURN}
"""

# Both ends looked up first, then the edges between them: from the claimant alone, FalkorDB
# walked every accusation of a busy one (2.5 times slower). `kept`: the act types of the
# accusations whose statements are not in `pair.withdrawn` (an empty list for none), which
# is what the pair keeps once a batch has withdrawn those.
ACCUSATIONS_BETWEEN = f"""
UNWIND $pairs AS pair
MATCH (c:Actor {{iri: pair.claimant}})
MATCH (t:Actor {{iri: pair.target}})
WITH pair, c, t
MATCH (c)-[r:{ACCUSED}]->(t)
WITH c, t, r, NOT r.owner IN pair.withdrawn AS stays
{_ACT_TYPES}
WITH c, t, k, max(CASE WHEN stays THEN 1 ELSE 0 END) AS kept
RETURN c.iri AS claimant, t.iri AS target, collect(k) AS actTypes,
       collect(CASE WHEN kept = 1 THEN k END) AS kept
"""

ACCUSATIONS_BY = f"""
UNWIND $actors AS actor
MATCH (c:Actor {{iri: actor}})-[r:{ACCUSED}]->(t:Actor)
{_BASE_RETURN}
"""

ACCUSATIONS_OF = f"""
UNWIND $actors AS actor
MATCH (t:Actor {{iri: actor}})<-[r:{ACCUSED}]-(c:Actor)
{_BASE_RETURN}
"""

_ROLLED_UP_RETURN = (
    "RETURN x.iri AS source, y.iri AS target, r.pairs AS pairs, r.actTypes AS actTypes, "
    "r.supports AS supports"
)

ROLLED_UP_BETWEEN = f"""
UNWIND $pairs AS pair
MATCH (x:Actor {{iri: pair.source}})
MATCH (y:Actor {{iri: pair.target}})
WITH x, y
MATCH (x)-[r:{ROLLED_UP}]->(y)
{_ROLLED_UP_RETURN}
"""

ALL_ROLLED_UP = f"""
MATCH (x:Actor)-[r:{ROLLED_UP}]->(y:Actor)
{_ROLLED_UP_RETURN}
"""

ROLLED_UP_FROM = f"""
UNWIND $actors AS actor
MATCH (x:Actor {{iri: actor}})-[r:{ROLLED_UP}]->(y:Actor)
{_ROLLED_UP_RETURN}
"""

ROLLED_UP_INTO = f"""
UNWIND $actors AS actor
MATCH (y:Actor {{iri: actor}})<-[r:{ROLLED_UP}]-(x:Actor)
{_ROLLED_UP_RETURN}
"""

_SET_ROLLED_UP = "SET r.pairs = row.pairs, r.actTypes = row.actTypes, r.supports = row.supports"

CREATE_ROLLED_UP = f"""
UNWIND $rows AS row
MATCH (x:Actor {{iri: row.source}}), (y:Actor {{iri: row.target}})
CREATE (x)-[r:{ROLLED_UP}]->(y)
{_SET_ROLLED_UP}
"""

MERGE_ROLLED_UP = f"""
UNWIND $rows AS row
MATCH (x:Actor {{iri: row.source}}), (y:Actor {{iri: row.target}})
MERGE (x)-[r:{ROLLED_UP}]->(y)
{_SET_ROLLED_UP}
"""

DELETE_ROLLED_UP = f"""
UNWIND $pairs AS pair
MATCH (x:Actor {{iri: pair.source}})
MATCH (y:Actor {{iri: pair.target}})
WITH x, y
MATCH (x)-[r:{ROLLED_UP}]->(y)
DELETE r
"""

MERGE_MIRRORS = f"""
UNWIND $rows AS row
MATCH (a:Actor {{iri: row.source}}), (b:Actor {{iri: row.target}})
MERGE (a)-[m:{MIRRORS}]->(b)
SET m.actTypes = row.actTypes
"""

DELETE_MIRRORS = f"""
UNWIND $pairs AS pair
MATCH (a:Actor {{iri: pair.source}})
MATCH (b:Actor {{iri: pair.target}})
WITH a, b
MATCH (a)-[m:{MIRRORS}]->(b)
DELETE m
"""

DELETE_DERIVED = f"MATCH ()-[r:{'|'.join(DERIVED_TYPES)}]->() DELETE r"

# verify -------------------------------------------------------------------------------------

LABEL_COUNTS = "MATCH (n:Resource) UNWIND labels(n) AS label RETURN label, count(*) AS n"
TYPE_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n"

# investigator queries -----------------------------------------------------------------------


def _steps(types: Iterable[str]) -> str:
    return f"[:{'|'.join(types)}]"


def chain_edge(types: Iterable[str]) -> str:
    """Chains of one hop: an edge of one of `types` from the source to the target."""
    return f"""
MATCH (a:Actor {{iri: $source}})-{_steps(types)}->(b:Actor {{iri: $target}})
WHERE a <> b
RETURN DISTINCT [a.iri, b.iri] AS actors LIMIT $limit
"""


def chain_steps(types: Iterable[str]) -> str:
    """One more step from partial chains (`$stems`, lists of actor IRIs from the source, in
    result order) to an actor not on the chain and not the target: the first `$limit`
    as (stem's position, new actor's IRI), in that order, which is the order of the longer
    stems. `$after` skips the first stem's steps up to that IRI, so a caller can go on
    where a limited answer stopped (`queries._step`): a busy actor's thousand accused
    are then read a few at a time, as far as the search needs them."""
    return f"""
UNWIND range(0, size($stems) - 1) AS i
WITH i, $stems[i] AS stem
MATCH (m:Actor {{iri: stem[-1]}})
WITH i, stem, m
MATCH (m)-{_steps(types)}->(n:Actor)
WHERE n.iri <> $target AND NOT n.iri IN stem AND (i > 0 OR n.iri > $after)
WITH DISTINCT i, n.iri AS next
RETURN i, next ORDER BY i, next LIMIT $limit
"""


def chain_ends(types: Iterable[str]) -> str:
    """The chains that end stems (in result order) with two more steps, the last one into
    the target: the first `$limit` as (stem's position, last actor but the target), in
    that order, which is the order of the whole actor lists. The target is looked up
    first, so the last step is a check between bound actors, not a walk over everything
    the next-to-last actor accused."""
    steps = _steps(types)
    return f"""
MATCH (b:Actor {{iri: $target}})
UNWIND range(0, size($stems) - 1) AS i
WITH b, i, $stems[i] AS stem
MATCH (m:Actor {{iri: stem[-1]}})
WITH b, i, stem, m
MATCH (m)-{steps}->(n:Actor)-{steps}->(b)
WHERE n <> b AND NOT n.iri IN stem
WITH DISTINCT i, n.iri AS last
RETURN i, last ORDER BY i, last LIMIT $limit
"""


def mirrors_without_roll_up(same_act_type: bool) -> str:
    """Pairs of actors that accuse each other (optionally of the same act type): each
    accusation edge x→y, then the reverse looked for between the two bound actors."""
    kinds = "UNWIND r1.actTypes AS k" if same_act_type else "WITH x, y, r1, null AS k"
    same = "AND k IN r2.actTypes" if same_act_type else ""
    return f"""
MATCH (x:Actor)-[r1:ACCUSED]->(y:Actor)
WHERE x.iri < y.iri
{kinds}
MATCH (y)-[r2:ACCUSED]->(x)
WHERE true {same}
RETURN DISTINCT x.iri AS a, y.iri AS b, k AS actType
"""


def rolled_up_accusations(same_act_type: bool) -> str:
    """Who accuses whom as distinct (accuser side, accused side, act type) rows, each side
    rolled up through PART_OF / SPEAKS_FOR (at most ten levels): the rows from
    which `queries.mirrors_cypher` keeps the pairs found both ways.

    Pairing them inside the query looked the reverse accusations up again for each row,
    rolling down from the accused side: 6 to 10 s at 10,000 documents, against a third of
    a second for these rows.
    """
    up = f"-[:{'|'.join(ROLL_UP_TYPES)}*0..{ROLL_UP_DEPTH}]->"
    kinds = "UNWIND r.actTypes AS k" if same_act_type else "WITH x, y, null AS k"
    return f"""
MATCH (c:Actor)-[r:ACCUSED]->(t:Actor)
MATCH (c){up}(x:Actor)
MATCH (t){up}(y:Actor)
WITH x, y, r WHERE x <> y
{kinds}
RETURN DISTINCT x.iri AS a, y.iri AS b, k AS actType
"""


def mirrors_maintained() -> str:
    """The mirrors the sync keeps (`MIRRORS`, one edge per pair, with the act types found
    both ways): read as they are, no accusation looked at."""
    return f"""
MATCH (a:Actor)-[m:{MIRRORS}]->(b:Actor)
RETURN a.iri AS a, b.iri AS b, m.actTypes AS actTypes
"""


def neighbourhood(depth: int) -> str:
    hops = f"[:{'|'.join(NETWORK_TYPES)}*0..{int(depth)}]"
    return f"""
MATCH (a:Actor {{iri: $actor}})-{hops}-(b:Actor)
RETURN DISTINCT b.iri AS actor
"""


NETWORK_EDGES = f"""
MATCH (a:Actor)-[r:{"|".join(NETWORK_TYPES)}]->(b:Actor)
WHERE a.iri IN $actors AND b.iri IN $actors
RETURN DISTINCT a.iri AS source, type(r) AS type, b.iri AS target
"""

TIMELINE = """
MATCH (s:Statement)-[:CLAIMANT|TARGET]->(:Actor {iri: $actor})
MATCH (s)-[:CLAIMANT]->(c:Actor)
OPTIONAL MATCH (s)-[:TARGET]->(t:Actor)
WITH s, c, collect(t.iri) AS targets
RETURN DISTINCT s.iri AS statement, s.statedOn AS date, c.iri AS claimant, targets,
       s.quote AS quote, [l IN labels(s) WHERE l <> 'Resource' AND l <> 'Statement'][0] AS kind
"""


def top_actors(kind: StatementKind, role: str) -> str:
    """The actors with the most statements of one kind as claimant (`CLAIMANT`) or target
    (`TARGET`): 9 ms at 10,000 documents, where the SPARQL GROUP BY took 340."""
    if role not in ("CLAIMANT", "TARGET"):
        raise ValueError(f"role is CLAIMANT or TARGET, not {role!r}")
    return f"""
MATCH (s{_labels([kind.iri.fragment])})-[:{role}]->(a:Actor)
RETURN a.iri AS actor, count(DISTINCT s) AS statements
ORDER BY statements DESC, actor
LIMIT $limit
"""


# Statements made (CLAIMANT) and received (TARGET) by month, counted in the database: the busiest
# actor of a 10,000-document corpus has 12,548, too many to send back one by one for a chart.
TIMELINE_MONTHS = """
MATCH (s:Statement)-[r:CLAIMANT|TARGET]->(:Actor {iri: $actor})
RETURN substring(coalesce(s.statedOn, ''), 0, 7) AS month, type(r) AS role,
       count(DISTINCT s) AS statements
"""

# FalkorDB returns a relationship's ends as internal node ids; the backend maps them to IRIs.
FALKORDB_NODE_IRIS = "MATCH (n) WHERE id(n) IN $ids RETURN id(n), n.iri"

# the n10s shape (graph/sync/n10s.py): what neosemantics makes of the same RDF --------------
# Names are n10s's shortened ones (`ag__Document`, `ag__claimant`), made from ontology terms.

# Where n10s keeps its namespace prefixes: one node, a property per prefix.
N10S_PREFIXES = "MATCH (p:`_NsPrefDef`) RETURN properties(p) AS prefixes"
N10S_DECLARE_PREFIXES = "MERGE (p:`_NsPrefDef`) SET p += $prefixes"


def n10s_synced_documents(document: str, graph_hash: str) -> str:
    """Each synced document's IRI and graph hash, read from the n10s shape."""
    return f"MATCH (d:Resource:`{document}`) RETURN d.uri AS iri, d.`{graph_hash}` AS hash"


N10S_EXISTING_NODES = """
UNWIND $uris AS uri
MATCH (n:Resource {uri: uri})
RETURN n.uri AS uri
"""


def _n10s_temporal(temporal: tuple[tuple[str, str], ...]) -> str:
    """Each temporal property (name, Cypher function) made from its text in
    `row.temporal`, in order."""
    return "".join(
        f", n.`{name}` = {function}(row.temporal[{i}])"
        for i, (name, function) in enumerate(temporal)
    )


def n10s_create_nodes(labels: tuple[str, ...], temporal: tuple[tuple[str, str], ...]) -> str:
    """Nodes the graph does not hold yet (`N10S_EXISTING_NODES` just before), created with
    their labels: setting a label on a node that exists made FalkorDB rework its label
    matrices (a MERGE, then the labels: 3.3 s for 20,000 nodes; CREATE: 0.1 s)."""
    return f"""
UNWIND $rows AS row
CREATE (n:Resource{_labels(labels)})
SET n = row.props{_n10s_temporal(temporal)}
"""


def n10s_update_nodes(labels: tuple[str, ...], temporal: tuple[tuple[str, str], ...]) -> str:
    """Nodes by `uri` that exist: `row.props` added to theirs, these labels too."""
    label_set = f"\nSET n{_labels(labels)}" if labels else ""
    return f"""
UNWIND $rows AS row
MATCH (n:Resource {{uri: row.uri}})
SET n += row.props{_n10s_temporal(temporal)}{label_set}
"""


def n10s_create_edges(rel_type: str) -> str:
    """Relationships between nodes by `uri`, none of which exists yet (the graph is built
    from nothing, each triple once)."""
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{uri: row.source}}), (b:Resource {{uri: row.target}})
CREATE (a)-[:`{rel_type}`]->(b)
"""


def n10s_set_graph_hashes(graph_hash: str) -> str:
    return f"""
UNWIND $rows AS row
MATCH (d:Resource {{uri: row.uri}})
SET d.`{graph_hash}` = row.hash
"""
