// The JavaScript client in Node 20, end to end: node clients/example.mjs [URL] [IMAGE...]
// (make example runs it against a service it starts). Prints each result and the report's verdict.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InterviewClient } from './javascript_client.js';

const [url = 'http://localhost:8000', ...images] = process.argv.slice(2);
if (images.length === 0) {
  console.error('usage: node clients/example.mjs URL IMAGE [IMAGE...]');
  process.exit(2);
}
const client = new InterviewClient(url, { apiKey: process.env.API_KEY });
const sessionId = await client.startSession('example-candidate');
console.log(`session ${sessionId}`);
for (const [index, path] of images.entries()) {
  // one image a second on the session's clock
  const result = await client.analyzeFrame(sessionId, readFileSync(path), { timestamp: index });
  const events = result.events.map((e) => `${e.type} (${e.severity})`).join(', ') || '-';
  console.log(`${result.timestamp.toFixed(2).padStart(7)} s  ${basename(path).padEnd(28)} faces ${result.faces.count}  gaze ${result.gaze.direction.padEnd(8)} risk ${result.risk.score.toFixed(1).padStart(5)}  events: ${events}`);
}
const report = await client.endSession(sessionId);
console.log(`\nverdict: ${report.verdict}  (${report.summary.explanation.reason})`);
console.log(`report page: ${await client.reportLink(sessionId)}`); // signed: opens without the API key
