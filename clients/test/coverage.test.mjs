// What a reviewer sees of a session that was not watched enough, in Debian's chromium: the report of a session
// sent by the JS client with ten minutes without frames, and of one whose frames were refused, checked in the DOM.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { ConflictError, InterviewClient } from '../javascript_client.js';

const BASE_URL = process.env.BASE_URL;
const DATA_DIR = process.env.DATA_DIR;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const FACES = ['face1_grace_hopper.jpg', 'face1_obama_portrait.jpg', 'face1_astronaut.png', 'face1_average_male.jpg'];

async function page(url, shot) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await tab.goto(url);
    const seen = await tab.evaluate(() => ({
      verdict: document.querySelector('[data-testid=verdict] .verdict')?.textContent ?? '',
      reason: document.querySelector('[data-testid=verdict] .reason')?.textContent ?? '',
      coverage: document.querySelector('[data-testid=coverage]')?.textContent ?? '',
      refused: document.querySelectorAll('[data-testid=coverage] tr.refused').length,
      span: Number(document.querySelector('svg.bands').dataset.span),
      bands: [...document.querySelectorAll('svg.bands rect.event')].map((rect) => ({
        id: rect.dataset.eventId, start: Number(rect.dataset.start), end: Number(rect.dataset.end),
        fill: rect.getAttribute('fill'),
      })),
    }));
    await tab.screenshot({ path: `${ARTIFACTS}/${shot}`, fullPage: true });
    return seen;
  } finally {
    await browser.close();
  }
}

test('ten minutes without frames: the page says incomplete, why, and draws the stretch where it was', async () => {
  const client = new InterviewClient(BASE_URL);
  const sessionId = await client.startSession('coverage-gap');
  const faces = await Promise.all(FACES.map((name) => readFile(`${DATA_DIR}/${name}`)));
  const times = [0, 0.2, 0.4, 0.6, 0.8, 600, 600.2, 600.4];
  for (const [i, timestamp] of times.entries()) await client.analyzeFrame(sessionId, faces[i % faces.length], { timestamp });
  const report = await client.endSession(sessionId);
  assert.equal(report.verdict, 'incomplete');
  const [gap] = report.events.filter((e) => e.type === 'not_watched');
  assert.equal(gap.basis.reason, 'no_frames');
  const seen = await page(`${BASE_URL}/sessions/${sessionId}/report.html`, 'report_incomplete_gap.png');
  assert.match(seen.verdict, /Incomplete/);
  assert.match(seen.reason, /could not be watched/);
  assert.match(seen.coverage, /no frames arrived/);
  const drawn = seen.bands.find((band) => band.id === gap.id);
  assert.ok(drawn, `the not_watched stretch is not drawn: ${JSON.stringify(seen.bands)}`);
  assert.ok(Math.abs(drawn.start - 0.8) < 0.05 && Math.abs(drawn.end - 600) < 0.05, JSON.stringify(drawn));
});

test('frames refused after a far-future frame: counted on the page, and their time not watched', async () => {
  const client = new InterviewClient(BASE_URL, { retries: 0 });
  const sessionId = await client.startSession('coverage-refused');
  const faces = await Promise.all(FACES.map((name) => readFile(`${DATA_DIR}/${name}`)));
  await client.analyzeFrame(sessionId, faces[0], { timestamp: 1e6 });
  for (let i = 0; i < 10; i += 1) {
    await assert.rejects(client.analyzeFrame(sessionId, faces[1 + (i % 3)], { timestamp: i * 0.5 }),
      (error) => error instanceof ConflictError && error.code === 'frame_out_of_order');
  }
  const report = await client.endSession(sessionId);
  assert.equal(report.verdict, 'incomplete');
  assert.deepEqual(report.summary.coverage.refused.by_reason, { out_of_order: 10 });
  const seen = await page(`${BASE_URL}/sessions/${sessionId}/report.html`, 'report_incomplete_refused.png');
  assert.match(seen.verdict, /Incomplete/);
  assert.match(seen.coverage, /Frames refused: 10/);
  assert.equal(seen.refused, 1);
  const [gap] = report.events.filter((e) => e.type === 'not_watched');
  const drawn = seen.bands.find((band) => band.id === gap.id);
  assert.ok(drawn && drawn.end - drawn.start > 4.5, JSON.stringify(seen.bands)); // 10 frames 0.5 s apart: 5 s
  assert.ok(Math.abs(seen.span - 5) < 0.05, `the axis reaches the refused time: ${seen.span}`);
});
