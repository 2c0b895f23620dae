// Chains of accusation up to three hops long from Jens Stoltenberg, shortest first.
MATCH p = (a:Actor {label: "Jens Stoltenberg"})-[:ACCUSED*1..3]->(b:Actor)
RETURN p, length(p) AS hops
ORDER BY hops
LIMIT 25
