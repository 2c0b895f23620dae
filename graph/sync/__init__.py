"""The bridge between the two halves: RDF store → property graph (`sync_documents`).

`mapping` turns RDF into node and edge rows, `readers` reads documents into rows (in worker
processes when many), `bulk` builds a new graph in one pass, `run` drives an incremental,
provenance-aware sync, and `verify` checks the counts the mapping promises.
"""
