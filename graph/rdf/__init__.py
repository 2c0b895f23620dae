"""The RDF half: documents → N-Triples → SHACL → the Oxigraph store, and reads from it.

One named graph per document (`mapping`, `ntriples`, `store`, `texts`), the shared actor
network (`network`), ingest (`ingest`, `shacl`, `identity`), investigators' corrections
(`curation`) and what people ask of the store (`catalog`, `actors`, `stats`). Nothing here
knows about Cypher.
"""
