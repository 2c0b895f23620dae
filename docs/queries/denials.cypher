// Every denial as a path: the picture under the table draws them.
MATCH p = (:Actor)-[:DENIED]->(:Actor)
RETURN p
