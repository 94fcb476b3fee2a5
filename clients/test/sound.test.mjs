// The React InterviewMonitor with `audio: true` in Debian's chromium: a fake camera (a real face whose lips stay
// still) and a fake microphone (another real person's speech), over WebRTC and over the WebSocket. Another voice
// must be heard as `other_voice`, the report must draw the sound track, and a declined microphone must leave the
// video running with a friendly note.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL;
const Y4M = process.env.FAKE_CAMERA_Y4M;
const WAV = process.env.FAKE_MICROPHONE_WAV;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${Y4M}`, `--use-file-for-fake-audio-capture=${WAV}`];

async function live(page, transport) {
  await page.goto(`${BASE_URL}/demo?transport=${transport}&audio=1`);
  assert.equal(await page.getByTestId('audio').isChecked(), true);
  await page.getByTestId('start').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=faces]')?.textContent === '1 face', null, { timeout: 60000 });
  return page.getByTestId('interview-monitor').getAttribute('data-session-id');
}

for (const transport of ['webrtc', 'websocket']) {
  test(`${transport}: a voice beside still lips is another voice, and the report draws the sound track`, async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...FLAGS, '--use-fake-ui-for-media-stream'] });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
      const sessionId = await live(page, transport);
      assert.equal(await page.getByTestId('microphone').getAttribute('data-state'), 'on');
      await page.waitForFunction(() => document.querySelector('[data-testid=events] [data-event-type=other_voice]'), null, { timeout: 60000 });
      await page.screenshot({ path: `${ARTIFACTS}/sound_${transport}_live.png` });
      await page.waitForTimeout(5000); // the voice goes on: the event lasts, the track grows
      await page.getByRole('button', { name: 'End session' }).click();
      await page.getByTestId('demo-report').waitFor({ timeout: 30000 });
      const report = await (await fetch(`${BASE_URL}/sessions/${sessionId}/report`)).json();
      const kinds = [...new Set(report.sound_track.map((run) => run.kind))];
      console.log(`${transport}: sound ${JSON.stringify(report.summary.sound)}, track kinds ${kinds}, events ${report.events.map((e) => `${e.type}@${e.started_at.toFixed(1)}`)}`);
      assert.ok(report.summary.sound.heard_s >= 6, JSON.stringify(report.summary.sound));
      assert.ok(report.summary.sound.other_voice_s >= 4, JSON.stringify(report.summary.sound));
      assert.ok(report.events.some((e) => e.type === 'other_voice'), JSON.stringify(report.events.map((e) => e.type)));
      assert.ok(kinds.includes('other_voice'), kinds);

      const html = await browser.newPage({ viewport: { width: 900, height: 1600 } });
      await html.goto(`${BASE_URL}/sessions/${sessionId}/report.html`);
      const drawn = await html.locator('svg.sound-track rect.sound').evaluateAll((rects) => rects.map((r) => r.dataset.kind));
      assert.ok(drawn.includes('other_voice'), drawn);
      assert.match(await html.getByTestId('sound-summary').textContent(), /another voice [1-9]\d* s/);
      await html.locator('svg.sound-track').scrollIntoViewIfNeeded();
      await html.screenshot({ path: `${ARTIFACTS}/sound_${transport}_report.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
}

test('a declined microphone is a friendly note, and the video goes on', async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
    await context.grantPermissions(['camera'], { origin: BASE_URL });
    const page = await context.newPage();
    const sessionId = await live(page, 'websocket');
    await page.waitForFunction(() => document.querySelector('[data-testid=microphone]')?.dataset.state === 'declined');
    assert.match(await page.getByTestId('microphone').textContent(), /Microphone declined: the session goes on without sound/);
    assert.equal(await page.getByTestId('interview-monitor').getAttribute('data-state'), 'live');
    await page.waitForTimeout(2000);
    const status = await (await fetch(`${BASE_URL}/sessions/${sessionId}`)).json();
    assert.ok(status.frames_analyzed >= 3, `only ${status.frames_analyzed} frames`);
    assert.equal(status.summary.sound, null);
    await page.screenshot({ path: `${ARTIFACTS}/sound_microphone_declined.png` });
  } finally {
    await browser.close();
  }
});
