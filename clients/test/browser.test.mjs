// The /demo page (the React InterviewMonitor) in Debian's chromium with a fake webcam fed from a real video.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const Y4M = process.env.FAKE_CAMERA_Y4M;
const TWO_FACES_Y4M = process.env.FAKE_CAMERA_TWO_FACES_Y4M;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream'];

async function launch(allowCamera, camera = Y4M) {
  const args = [...FLAGS, `--use-file-for-fake-video-capture=${camera}`];
  if (allowCamera) args.push('--use-fake-ui-for-media-stream');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

test('demo: live analysis, a hidden tab reaches the server, ending shows the report', async () => {
  const browser = await launch(true);
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    await page.goto(`${BASE_URL}/demo`);
    // this server keeps no evidence: the page says no frame is stored (and only then)
    assert.match(await page.getByTestId('privacy').textContent(), /no frame is stored/);
    await page.getByTestId('start').click();
    await page.getByTestId('check-progress').waitFor({ timeout: 60000 }); // the camera check says how far it is
    assert.match(await page.getByTestId('check-progress').textContent(), /about 5 seconds/);
    await page.waitForFunction(() => document.querySelector('[data-testid=faces]')?.textContent === '1 face', null, { timeout: 60000 });
    const sessionId = await page.getByTestId('interview-monitor').getAttribute('data-session-id');
    assert.ok(sessionId);
    const started = Date.now();
    const before = (await (await fetch(`${BASE_URL}/sessions/${sessionId}`)).json()).frames_analyzed;
    await page.waitForTimeout(4000);
    const after = (await (await fetch(`${BASE_URL}/sessions/${sessionId}`)).json()).frames_analyzed;
    const fps = (after - before) / ((Date.now() - started) / 1000);
    console.log(`demo sustained ${fps.toFixed(1)} analysed frames/s (asked for 4)`);
    assert.ok(fps >= 2, `only ${fps} frames/s`);

    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    let types = [];
    for (let i = 0; i < 50 && !types.includes('tab_hidden'); i += 1) {
      await page.waitForTimeout(100);
      const status = await (await fetch(`${BASE_URL}/sessions/${sessionId}/report`)).json();
      types = status.events.map((e) => e.type);
    }
    assert.ok(types.includes('tab_hidden'), `server saw ${types}`);
    await page.locator('[data-testid=events] li[data-event-type=tab_hidden]').waitFor();
    // the event by its title, not its code; and the gauge says what a reviewer will be asked
    assert.match(await page.getByTestId('events').textContent(), /Interview tab hidden/);
    assert.doesNotMatch(await page.getByTestId('events').textContent(), /tab_hidden/);
    await page.screenshot({ path: `${ARTIFACTS}/demo_live.png` });

    await page.getByRole('button', { name: 'End session' }).click();
    await page.getByTestId('demo-report').waitFor({ timeout: 30000 });
    assert.match(await page.getByTestId('demo-report').textContent(), /Verdict: (Clear|Incomplete|Needs human review)/);
    const poster = await page.locator('video').evaluate((video) => video.poster);
    assert.match(poster, /^data:image\/jpeg/, 'the last picture stays on screen after the camera stops');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}/demo_report.png` });
  } finally {
    await browser.close();
  }
});

test('a declined camera gets a friendly message', async () => {
  const browser = await launch(false);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/demo`);
    await page.getByTestId('start').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=interview-monitor]')?.dataset.state === 'permission-denied', null, { timeout: 30000 });
    assert.match(await page.getByTestId('state').textContent(), /Camera access was declined/);
    await page.screenshot({ path: `${ARTIFACTS}/demo_camera_declined.png` });
  } finally {
    await browser.close();
  }
});

test('webrtc: the same camera over a WebRTC track and over the WebSocket gives the same events and verdict', async () => {
  const outcomes = {};
  for (const transport of ['websocket', 'webrtc']) {
    const browser = await launch(true, TWO_FACES_Y4M);
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
      await page.goto(`${BASE_URL}/demo?transport=${transport}`);
      assert.equal(await page.getByTestId('transport').inputValue(), transport);
      await page.getByTestId('start').click();
      // over WebRTC the results come only on the data channel: the panel showing them proves it delivers
      await page.waitForFunction(() => document.querySelector('[data-testid=faces]')?.textContent === '2 faces', null, { timeout: 60000 });
      const monitor = page.getByTestId('interview-monitor');
      assert.equal(await monitor.getAttribute('data-transport'), transport);
      const sessionId = await monitor.getAttribute('data-session-id');
      await page.waitForTimeout(9000);
      // a second face is a high event: whatever the score, the gauge is not the green of "nothing to see"
      await page.locator('[data-testid=events] li[data-event-type=multiple_faces]').waitFor();
      assert.notEqual(await page.getByTestId('risk').getAttribute('data-level'), 'low');
      await page.getByRole('button', { name: 'End session' }).click();
      await page.getByTestId('demo-report').waitFor({ timeout: 30000 });
      const report = await (await fetch(`${BASE_URL}/sessions/${sessionId}/report`)).json();
      const seconds = report.summary.duration_s;
      const multiple = report.events.filter((e) => e.type === 'multiple_faces');
      outcomes[transport] = {
        verdict: report.verdict,
        types: [...new Set(report.events.map((e) => e.type))].sort(),
        frames: report.summary.frames_analyzed,
        fps: Number((report.summary.frames_analyzed / seconds).toFixed(2)),
        multiple_faces_s: Number(multiple.reduce((sum, e) => sum + e.duration_s, 0).toFixed(1)),
        seconds,
      };
      await page.screenshot({ path: `${ARTIFACTS}/demo_${transport}.png` });
    } finally {
      await browser.close();
    }
  }
  console.log(`transports compared: ${JSON.stringify(outcomes)}`);
  assert.ok(outcomes.webrtc.types.includes('multiple_faces'), JSON.stringify(outcomes));
  assert.deepEqual(outcomes.webrtc.types, outcomes.websocket.types, JSON.stringify(outcomes));
  assert.equal(outcomes.webrtc.verdict, outcomes.websocket.verdict, JSON.stringify(outcomes));
  assert.ok(outcomes.webrtc.fps >= 2.5, `webrtc analysed only ${outcomes.webrtc.fps} frames/s`);
});
