// The most accused actors, by the number of accusation statements against them.
MATCH (s:Accusation)-[:TARGET]->(b:Actor)
RETURN b.label AS accused, count(DISTINCT s) AS accusations
ORDER BY accusations DESC, accused
LIMIT 10
