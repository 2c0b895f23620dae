// Lints Cypher statements with Neo4j's own language support (no server needed).
// Input on stdin: a JSON array of statements. Output: a JSON array, one entry per statement,
// with the diagnostics Neo4j's linter reports (severity 1 = error, 2 = warning).
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = statements.map((query) => {
  // Declare the statement's own $parameters, as the driver would send them.
  const parameters = Object.fromEntries(
    [...query.matchAll(/\$(\w+)/g)].map((m) => [m[1], null]),
  );
  const { diagnostics } = lintCypherQuery(query, { parameters });
  return {
    query,
    diagnostics: diagnostics.map((d) => ({ severity: d.severity, message: d.message })),
  };
});
process.stdout.write(JSON.stringify(results));
