// Who accused whom, through the shortcut relationships the sync writes beside each statement.
MATCH (a:Actor)-[r:ACCUSED]->(b:Actor)
RETURN a.label AS accuser, b.label AS accused, r.date AS date
ORDER BY accuser, accused
