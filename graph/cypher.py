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


FALKORDB = Dialect(
    "falkordb",
    schema=(
        "CREATE INDEX FOR (n:Resource) ON (n.iri)",
        "CREATE INDEX FOR (n:Actor) ON (n.iri)",
    ),
)
NEO4J = Dialect(
    "neo4j",
    schema=(
        "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
        "CREATE INDEX actor_iri IF NOT EXISTS FOR (n:Actor) ON (n.iri)",
    ),
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
NETWORK_TYPES: tuple[str, ...] = (*SHORTCUT_TYPES, "PART_OF", "SPEAKS_FOR")


def _labels(labels: Iterable[str]) -> str:
    return "".join(f":`{label}`" for label in labels)


CLEAR = "MATCH (n:Resource) DETACH DELETE n"

# sync: reading what the graph holds --------------------------------------------------------

SYNCED_DOCUMENTS = "MATCH (d:Document) RETURN d.iri AS iri, d.graphHash AS hash"

DOCUMENT_SUBJECTS = """
UNWIND $documents AS doc
MATCH (d:Resource {iri: doc})
OPTIONAL MATCH (d)-[:MENTIONS]->(actor:Resource)
OPTIONAL MATCH (d)<-[:WAS_DERIVED_FROM]-(derived:Resource)
RETURN doc, collect(DISTINCT actor.iri) AS actors, collect(DISTINCT derived.iri) AS derived
"""

# sync: withdrawing a document version (each statement atomic on its own) -------------------

DELETE_SHORTCUTS = """
UNWIND $statements AS st
MATCH (s:Resource {iri: st})-[:CLAIMANT]->(:Resource)-[r]->(:Resource)
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
RELEASE_EDGES = """
UNWIND $pairs AS pair
MATCH (n:Resource {iri: pair.subject})-[r]->(:Resource)
WHERE r.owner = pair.subject AND pair.document IN r.documents
SET r.documents = [d IN r.documents WHERE d <> pair.document]
"""

DELETE_UNSUPPORTED_EDGES = """
UNWIND $subjects AS subject
MATCH (n:Resource {iri: subject})-[r]->(:Resource)
WHERE r.owner = subject AND size(r.documents) = 0
DELETE r
"""

RELEASE_NODES = """
UNWIND $pairs AS pair
MATCH (n:Resource {iri: pair.subject})
WHERE pair.document IN n.documents
SET n.documents = [d IN n.documents WHERE d <> pair.document]
"""

DELETE_UNSUPPORTED_NODES = """
UNWIND $subjects AS subject
MATCH (n:Resource {iri: subject})
WHERE size(n.documents) = 0
DETACH DELETE n
"""

# sync: writing a document version ---------------------------------------------------------


def upsert_nodes(labels: Iterable[str]) -> str:
    """Nodes with one label set: current properties, documents gained, stale labels dropped."""
    return f"""
UNWIND $rows AS row
MERGE (n:Resource {{iri: row.iri}})
WITH row, n, coalesce(n.documents, []) AS before
SET n = row.props
SET n.documents = before + [d IN row.documents WHERE NOT d IN before]
REMOVE n{_labels(NODE_LABELS)}
SET n{_labels(labels) or ":Resource"}
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


SET_GRAPH_HASHES = """
UNWIND $rows AS row
MATCH (d:Resource {iri: row.iri})
SET d.graphHash = row.hash
"""

# verify -------------------------------------------------------------------------------------

LABEL_COUNTS = "MATCH (n:Resource) UNWIND labels(n) AS label RETURN label, count(*) AS n"
TYPE_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n"

# investigator queries -----------------------------------------------------------------------


def chains(max_hops: int, types: Iterable[str]) -> str:
    """All paths from one actor to another over shortcut edges of the given types."""
    hops = f"[:{'|'.join(types)}*1..{int(max_hops)}]"
    return f"""
MATCH p = (a:Actor {{iri: $source}})-{hops}->(b:Actor {{iri: $target}})
RETURN [n IN nodes(p) | n.iri] AS actors
"""


def mirrors(same_act_type: bool, roll_up: bool) -> str:
    """Pairs of sides that accuse each other (optionally of the same act type, optionally
    rolled up through PART_OF / SPEAKS_FOR, at most ten levels)."""
    act1 = ", (s1)-[:ALLEGED_ACT]->(:AllegedAct)-[:ACT_TYPE]->(k:Concept)" if same_act_type else ""
    act2 = ", (s2)-[:ALLEGED_ACT]->(:AllegedAct)-[:ACT_TYPE]->(k)" if same_act_type else ""
    if roll_up:
        up = "-[:PART_OF|SPEAKS_FOR*0..10]->"
        sides = f"MATCH (c1){up}(x:Actor), (t2){up}(x)\nMATCH (c2){up}(y:Actor), (t1){up}(y)"
    else:
        sides = (
            "WITH s1, s2, c1, c2, t1, t2{} WHERE c1 = t2 AND c2 = t1\n"
            "WITH c1 AS x, c2 AS y{}".format(*([", k"] * 2 if same_act_type else ["", ""]))
        )
    kind = "k.iri" if same_act_type else "null"
    return f"""
MATCH (s1:Accusation)-[:CLAIMANT]->(c1:Actor), (s1)-[:TARGET]->(t1:Actor){act1}
MATCH (s2:Accusation)-[:CLAIMANT]->(c2:Actor), (s2)-[:TARGET]->(t2:Actor){act2}
{sides}
WITH x, y{", k" if same_act_type else ""}
WHERE x.iri < y.iri
RETURN DISTINCT x.iri AS a, y.iri AS b, {kind} AS actType
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
