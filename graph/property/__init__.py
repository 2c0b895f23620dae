"""The property-graph half: the Cypher databases behind one small interface (`backend`).

Every statement allegraph sends lives in `cypher` with the dialect differences; FalkorDB
(embedded server, client, GRAPH.BULK builder) and Neo4j (Bolt driver) implement the
interface. Nothing here knows about RDF: the sync hands over plain `rows`.
"""
