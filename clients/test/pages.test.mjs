// The pages a reviewer and an integrator open, in Debian's chromium: the report (its chart checked in the
// DOM), signed report links with API keys on, the JS client refused a key, and /docs with no network route.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { AuthenticationError, InterviewClient } from '../javascript_client.js';

const BASE_URL = process.env.BASE_URL;
const KEYED_URL = process.env.KEYED_URL; // API_KEYS=review-key, REPORT_LINK_SECRET=LINK_SECRET
const LINK_SECRET = process.env.LINK_SECRET;
const DATA_DIR = process.env.DATA_DIR;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const image = (name) => readFile(`${DATA_DIR}/${name}`);
const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });

/** A session of `count` frames `spacing` s apart: one face, then two (multiple_faces), then none, then one. */
async function recorded(client, spacing, count, gapAfter = null) {
  const sessionId = await client.startSession(`pages-${spacing}`);
  const [one, two, none] = await Promise.all(['face1_grace_hopper.jpg', 'faces2_zidane.jpg', 'noface_coffee.png'].map(image));
  for (let i = 0; i < count; i += 1) {
    const share = i / count;
    const frame = share < 0.3 ? one : share < 0.6 ? two : share < 0.8 ? none : one;
    const timestamp = i * spacing + (gapAfter !== null && i > gapAfter ? 20 : 0);
    await client.analyzeFrame(sessionId, frame, { timestamp });
  }
  return client.endSession(sessionId);
}

async function chartOf(page) {
  return page.evaluate(() => {
    const bands = document.querySelector('svg.bands');
    const chart = document.querySelector('svg.chart');
    const peak = chart.querySelector('g.peak');
    const circle = peak?.querySelector('circle');
    return {
      left: Number(bands.dataset.axisLeft), right: Number(bands.dataset.axisRight), span: Number(bands.dataset.span),
      events: [...bands.querySelectorAll('rect.event')].map((rect) => ({
        id: rect.dataset.eventId, x: Number(rect.getAttribute('x')), width: Number(rect.getAttribute('width')),
        start: Number(rect.dataset.start), end: Number(rect.dataset.end),
      })),
      gaps: [...chart.querySelectorAll('rect.gap')].map((rect) => [Number(rect.dataset.start), Number(rect.dataset.end)]),
      peak: peak ? { at: Number(peak.dataset.at), value: Number(peak.dataset.peak), cx: Number(circle.getAttribute('cx')), cy: Number(circle.getAttribute('cy')) } : null,
      points: [...chart.querySelectorAll('polyline.risk')].flatMap((line) => line.getAttribute('points').trim().split(/\s+/).map((xy) => xy.split(',').map(Number))),
      verdictReason: document.querySelector('[data-testid=verdict]')?.textContent ?? '',
    };
  });
}

for (const [spacing, count, gapAfter] of [[3, 12, 8], [0.2, 60, null]]) {
  test(`report with frames ${spacing} s apart: every event on the axis and inside the session, the peak drawn`, async () => {
    const report = await recorded(new InterviewClient(BASE_URL), spacing, count, gapAfter);
    assert.ok(report.events.some((e) => e.type === 'multiple_faces'), JSON.stringify(report.events.map((e) => e.type)));
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      await page.goto(`${BASE_URL}/sessions/${report.session_id}/report.html`);
      const chart = await chartOf(page);
      const first = report.stream.first_frame_at;
      const span = report.stream.last_frame_at - first;
      assert.ok(Math.abs(chart.span - span) < 0.02, `axis spans ${chart.span} s, the session ${span} s`);
      const x = (t) => chart.left + (t / chart.span) * (chart.right - chart.left);
      for (const event of report.events) {
        const drawn = chart.events.find((e) => e.id === event.id);
        assert.ok(drawn, `event ${event.id} ${event.type} is not drawn`);
        const start = event.started_at - first;
        assert.ok(Math.abs(drawn.start - Math.max(0, start)) < 0.02, `${event.type} drawn at ${drawn.start}, happened at ${start}`);
        assert.ok(drawn.start >= 0 && drawn.end <= chart.span + 0.01 && drawn.start <= drawn.end, JSON.stringify(drawn));
        assert.ok(Math.abs(drawn.x - x(drawn.start)) < 1.0 && drawn.x >= chart.left - 0.5 && drawn.x <= chart.right + 0.5);
      }
      assert.ok(chart.peak, 'no peak marker');
      assert.equal(chart.peak.value.toFixed(1), report.summary.peak_risk.toFixed(1));
      assert.ok(chart.peak.at >= 0 && chart.peak.at <= chart.span + 0.01);
      assert.ok(chart.points.some(([px, py]) => Math.abs(px - chart.peak.cx) < 1 && Math.abs(py - chart.peak.cy) < 1),
        'the risk line does not reach the peak marker');
      if (gapAfter !== null) assert.equal(chart.gaps.length, 1, 'the 20 s without frames is drawn as a gap');
      assert.match(chart.verdictReason, /because|event|second face|no event/i);
      await page.screenshot({ path: `${ARTIFACTS}/report_${String(spacing).replace('.', '_')}s.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 900 }); // a phone
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `the page is ${overflow} px wider than a phone screen`);
      await page.screenshot({ path: `${ARTIFACTS}/report_${String(spacing).replace('.', '_')}s_phone.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
}

test('with API keys on: a signed link opens the report; an altered or expired link is refused', async () => {
  const client = new InterviewClient(KEYED_URL, { apiKey: 'review-key' });
  const sessionId = await client.startSession('signed-link');
  await client.analyzeFrame(sessionId, await image('face1_grace_hopper.jpg'), { timestamp: 0 });
  await client.endSession(sessionId);
  const link = await client.reportLink(sessionId);
  assert.ok(!link.includes('review-key'));
  const expiredAt = Math.floor(Date.now() / 1000) - 5;
  const expiredSignature = createHmac('sha256', LINK_SECRET).update(`${sessionId}\n${expiredAt}`).digest('hex');
  const expired = `${KEYED_URL}/sessions/${sessionId}/report.html?expires=${expiredAt}&signature=${expiredSignature}`;
  const altered = link.replace(/signature=(.)/, (_, c) => `signature=${c === 'a' ? 'b' : 'a'}`);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const opened = await page.goto(link);
    assert.equal(opened.status(), 200);
    assert.match(await page.getByTestId('verdict').textContent(), /Clear|review/i);
    await page.screenshot({ path: `${ARTIFACTS}/report_signed_link.png` });
    for (const refused of [altered, expired, `${KEYED_URL}/sessions/${sessionId}/report.html`]) {
      const answer = await page.goto(refused);
      assert.equal(answer.status(), 401, refused);
      assert.match(await page.content(), /invalid_report_link|missing_api_key/);
    }
  } finally {
    await browser.close();
  }
});

test('the JS client with a wrong key stops with "not authorised", over REST and the WebSocket', async () => {
  const client = new InterviewClient(KEYED_URL, { apiKey: 'wrong-key', WebSocket, retries: 0 });
  await assert.rejects(client.startSession('nope'), (error) => error instanceof AuthenticationError && error.code === 'invalid_api_key');
  const states = [];
  const stream = client.stream({ candidateId: 'nope', onState: (state) => states.push(state) });
  await assert.rejects(stream.ready, (error) => error instanceof AuthenticationError && error.code === 'invalid_api_key');
  await new Promise((resolve) => setTimeout(resolve, 1500)); // no retry follows
  assert.deepEqual(states, ['unauthorised']);
  assert.equal(stream.state, 'unauthorised');
});

test('the React component with a wrong key says "not authorised" and stops trying', async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...FLAGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${process.env.FAKE_CAMERA_Y4M}`],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    const sockets = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${KEYED_URL}/demo`);
    await page.getByTestId('api-key').fill('wrong-key');
    await page.getByTestId('start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=interview-monitor]')?.dataset.state === 'unauthorised', null, { timeout: 30000 });
    assert.match(await page.getByTestId('state').textContent(), /Not authorised/);
    const tried = sockets.length;
    await page.waitForTimeout(3000); // a reconnect would come within a second or two
    assert.equal(sockets.length, tried, `it kept trying: ${sockets.join(', ')}`);
    assert.equal(await page.getByTestId('interview-monitor').getAttribute('data-state'), 'unauthorised');
    await page.screenshot({ path: `${ARTIFACTS}/demo_unauthorised.png` });
  } finally {
    await browser.close();
  }
});

test('/docs and /redoc render with no network route beyond this server', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const outside = [];
    await page.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
      outside.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    await page.goto(`${BASE_URL}/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 30000 });
    assert.ok(await page.locator('.swagger-ui .opblock').count() >= 15);
    assert.ok(await page.getByText('/sessions/{session_id}/webrtc').count() >= 1);
    await page.screenshot({ path: `${ARTIFACTS}/docs_offline.png` });
    await page.goto(`${BASE_URL}/redoc`);
    await page.locator('h2', { hasText: 'Start Session' }).first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: `${ARTIFACTS}/redoc_offline.png` });
    assert.deepEqual(outside, [], `the docs asked for ${outside.join(', ')}`);
  } finally {
    await browser.close();
  }
});
