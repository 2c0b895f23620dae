"""The shells over allegraph's functions: the command line now, the HTTP API next."""
