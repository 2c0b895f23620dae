"""The SPARQL 1.1 Protocol's machinery behind `/sparql`: worker processes that run queries
(`workers`), the answer in the negotiated media type (`answer`) and the result formats
(`results`). The route itself is `api.routes.sparql`."""
