"""The shells over allegraph's functions: the command line, the HTTP API and the workbench."""
