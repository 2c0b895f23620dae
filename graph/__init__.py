"""The RDF side (mapping, store, SHACL, ingest) and, next, the property-graph side."""
