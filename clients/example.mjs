// The JavaScript client in Node 20, end to end: node clients/example.mjs [URL] IMAGE_OR_VIDEO [...]
// (make example runs it against a service it starts). Images are sent one a second on the session's clock;
// a video is sampled at FPS (default 2) with ffmpeg. It prints each result, each event as it opens and
// closes, the verdict and a signed link to the report. Whatever goes wrong, the session it started is ended.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ApiError, InterviewClient } from './javascript_client.js';

const VIDEO = new Set(['.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v']);
const FPS = Number(process.env.FPS ?? 2);
const args = process.argv.slice(2);
const url = args[0]?.startsWith('http') ? args.shift() : 'http://localhost:8000';
const paths = args;

function stop(message, code = 2) {
  console.error(message);
  process.exit(code);
}

if (paths.length === 0) stop('usage: node clients/example.mjs [URL] IMAGE_OR_VIDEO [IMAGE_OR_VIDEO...]');
for (const path of paths) {
  if (!existsSync(path) || !statSync(path).isFile()) stop(`no such file: ${path}`);
}
if (paths.some((path) => VIDEO.has(extname(path).toLowerCase()))) {
  const probe = spawnSync('ffmpeg', ['-version']);
  if (probe.error) stop('a video needs ffmpeg on the PATH to be cut into frames (apt-get install ffmpeg); images need nothing');
}

/** A video's frames as JPEGs, FPS a second: ffmpeg writes them back to back, each from FFD8 to FFD9. */
async function* videoFrames(path) {
  const ffmpeg = spawn('ffmpeg', ['-loglevel', 'error', '-i', path, '-vf', `fps=${FPS}`, '-f', 'image2pipe',
    '-vcodec', 'mjpeg', '-q:v', '4', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  ffmpeg.stderr.on('data', (chunk) => { errors += chunk; });
  const exited = new Promise((resolve) => ffmpeg.on('close', resolve));
  let buffer = Buffer.alloc(0);
  for await (const chunk of ffmpeg.stdout) {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const start = buffer.indexOf(Buffer.from([0xff, 0xd8]));
      const end = start < 0 ? -1 : buffer.indexOf(Buffer.from([0xff, 0xd9]), start + 2);
      if (end < 0) break;
      yield buffer.subarray(start, end + 2);
      buffer = buffer.subarray(end + 2);
    }
  }
  if ((await exited) !== 0) throw new Error(`ffmpeg could not read ${path}: ${errors.trim() || 'unknown error'}`);
}

/** Every frame of every path with its time on the session's clock: one second per image, FPS per video. */
async function* frames() {
  let clock = 0;
  for (const path of paths) {
    if (VIDEO.has(extname(path).toLowerCase())) {
      let index = 0;
      for await (const jpeg of videoFrames(path)) {
        yield { path, frame: jpeg, timestamp: clock + index / FPS };
        index += 1;
      }
      clock += index / FPS;
    } else {
      yield { path, frame: readFileSync(path), timestamp: clock };
      clock += 1;
    }
  }
}

const seen = new Map(); // event id -> its severity, to print an event once as it opens, and again as it changes
function describe(event) {
  const before = seen.get(event.id);
  seen.set(event.id, event.severity);
  const title = `${event.title ?? event.type} (${event.severity})`;
  if (before === undefined) return `opened ${event.id} ${title}${event.ended_at !== null ? ', closed at once' : ''}`;
  if (event.ended_at !== null) return `closed ${event.id} ${title} after ${event.duration_s.toFixed(1)} s`;
  return before !== event.severity ? `${event.id} ${title}: now ${event.severity}` : null;
}

const client = new InterviewClient(url, { apiKey: process.env.API_KEY });
let sessionId = null;
let ending = null;
async function end() {
  if (!sessionId) return null;
  ending ??= client.endSession(sessionId);
  return ending;
}
process.on('SIGINT', async () => {
  console.error('\ninterrupted: ending the session');
  await end().catch(() => {});
  process.exit(130);
});

try {
  sessionId = await client.startSession('example-candidate');
  console.log(`session ${sessionId}`);
  for await (const { path, frame, timestamp } of frames()) {
    const result = await client.analyzeFrame(sessionId, frame, { timestamp });
    const events = result.events.map(describe).filter(Boolean).join('; ') || '-';
    console.log(`${result.timestamp.toFixed(2).padStart(7)} s  ${basename(path).padEnd(28)} faces ${result.faces.count}  gaze ${result.gaze.direction.padEnd(8)} risk ${result.risk.score.toFixed(1).padStart(5)}  events: ${events}`);
  }
  const report = await end();
  console.log(`\nverdict: ${report.verdict}  (${report.summary.explanation.reason})`);
  console.log(`report page: ${await client.reportLink(sessionId)}`); // signed: opens without the API key
} catch (error) {
  const why = error instanceof ApiError ? `the service refused it: ${error.message}` : error.message;
  console.error(`\nstopped: ${why}`);
  if (sessionId) {
    await end().then(() => console.error(`session ${sessionId} ended; what was analysed is in its report`))
      .catch((failure) => console.error(`session ${sessionId} could not be ended: ${failure.message}`));
  }
  process.exit(1);
}
