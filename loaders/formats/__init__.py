"""One module per input format, each with `NAME`, `SUFFIXES`, `detect(path, head)` and
`parse(path)`; `loaders.FORMATS` registers them (like rdflib's parser plugins)."""
