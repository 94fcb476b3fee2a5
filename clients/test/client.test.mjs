// node --test (Node 20) against a real service: BASE_URL and DATA_DIR come from the pytest driver.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import WebSocket from 'ws';
import {
  BadRequestError, ConflictError, InterviewClient, NotFoundError, RateLimitError, encodeWav,
} from '../javascript_client.js';

const BASE_URL = process.env.BASE_URL;
const DATA_DIR = process.env.DATA_DIR;
const image = (name) => readFile(`${DATA_DIR}/${name}`);

test('every REST method, as the documentation promises', async () => {
  const client = new InterviewClient(BASE_URL);
  const sessionId = await client.startSession('candidate_123');
  assert.match(sessionId, /^[\w-]{20,}$/);
  const first = await client.analyzeFrame(sessionId, await image('face1_grace_hopper.jpg'), { timestamp: 0 });
  assert.equal(first.faces.count, 1);
  assert.equal(first.gaze.direction, 'center');
  const again = await client.analyzeFrame(sessionId, await image('face1_grace_hopper.jpg'), { timestamp: 0, frameId: 'f-0' });
  assert.deepEqual(again, { ...first, resent: true, frame_id: 'f-0' });  // answered as before, counted once
  const blob = new Blob([await image('faces2_portraits.jpg')], { type: 'image/jpeg' });
  assert.equal((await client.analyzeFrameFromBlob(sessionId, blob, { timestamp: 1 })).faces.count, 2);
  assert.equal((await client.sendClientEvent(sessionId, 'tab_hidden')).event.type, 'tab_hidden');
  assert.equal((await client.calibrate(sessionId)).calibration, 'restarted');
  assert.equal((await client.getStatus(sessionId)).frames_analyzed, 2);
  const report = await client.endSession(sessionId);
  assert.equal(report.status, 'ended');
  assert.deepEqual((await client.getReport(sessionId)).events, report.events);
});

test('sound over REST and the WebSocket: a WAV chunk heard, a bad one refused', async () => {
  const client = new InterviewClient(BASE_URL, { WebSocket });
  const sessionId = await client.startSession('sound');
  const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 440 * i) / 16000));
  const heard = await client.sendAudio(sessionId, encodeWav(tone, 16000), { timestamp: 0 });
  assert.equal(heard.duration_s, 1);
  assert.equal(heard.timestamp, 0);
  await assert.rejects(client.sendAudio(sessionId, new TextEncoder().encode('not a wav'), { timestamp: 1 }),
    (error) => error instanceof BadRequestError && error.code === 'invalid_audio');
  await assert.rejects(client.sendAudio(sessionId, encodeWav(tone, 16000), { timestamp: 0.5 }),
    (error) => error instanceof ConflictError && error.code === 'audio_out_of_order');
  const sounds = [];
  const conn = client.stream({ candidateId: 'ws-sound', onAudio: (message) => sounds.push(message) });
  await conn.ready;
  assert.ok(conn.sendAudio(encodeWav(tone, 16000)));
  for (let i = 0; i < 200 && sounds.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sounds[0].duration_s, 1);
  const report = await conn.end();
  assert.equal(report.summary.sound.heard_s, 1);
  conn.close();
});

test('typed errors from the error JSON', async () => {
  const client = new InterviewClient(BASE_URL);
  await assert.rejects(client.getReport('no-such-session'), (error) => error instanceof NotFoundError && error.code === 'session_not_found');
  const sessionId = await client.startSession('errors');
  await assert.rejects(client.analyzeFrame(sessionId, new TextEncoder().encode('not an image')), (error) => error instanceof BadRequestError && error.status === 400);
  const ended = await client.endSession(sessionId);
  assert.deepEqual(await client.endSession(sessionId), ended, 'a repeated end returns the same report');
  await assert.rejects(client.analyzeFrame(sessionId, new TextEncoder().encode('late')), (error) => error instanceof ConflictError && error.code === 'session_ended');
});

test('429 is retried after Retry-After, then raised', async () => {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    return new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), {
      status: 429, headers: { 'Retry-After': '0.05', 'Content-Type': 'application/json' },
    });
  };
  const client = new InterviewClient('http://service.test', { fetch, retries: 2 });
  await assert.rejects(client.startSession('c'), (error) => error instanceof RateLimitError && error.retryAfter === 0.05);
  assert.equal(calls, 3);
});

test('stream: results, client events, a dropped connection resumed, the report', async () => {
  const client = new InterviewClient(BASE_URL, { WebSocket });
  const results = [];
  const states = [];
  const conn = client.stream({ candidateId: 'streamer', onResult: (r) => results.push(r), onState: (s) => states.push(s) });
  const hello = await conn.ready;
  const frame = await image('face1_grace_hopper.jpg');
  const waitFor = async (check) => { for (let i = 0; i < 300 && !check(); i += 1) await new Promise((r) => setTimeout(r, 50)); assert.ok(check()); };
  assert.ok(conn.sendFrame(frame));
  await waitFor(() => results.length === 1);
  conn.socket.terminate(); // the network drops
  await waitFor(() => states.includes('reconnecting') && conn.state === 'live');
  assert.equal(conn.sessionId, hello.session_id);
  assert.ok(conn.sendFrame(frame));
  await waitFor(() => results.length === 2);
  assert.equal(results[1].frame_index, 1);
  conn.sendClientEvent('window_blur');
  const report = await conn.end();
  assert.equal(report.summary.frames_analyzed, 2);
  assert.ok(report.events.some((e) => e.type === 'window_blur'));
  conn.close();
});
