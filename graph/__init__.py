"""The two halves of the graph and what joins them.

`graph.rdf` holds the RDF store and everything written to or read from it; `graph.property`
the Cypher databases; `graph.sync` carries one into the other; `graph.queries` asks the
investigator's questions of either. `graph.background` is the writer thread both halves use.
"""
