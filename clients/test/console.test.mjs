// The reviewer's console in Debian's chromium, end to end: from /console to recorded decisions on a session
// with three events (list, filter, open, zoom the evidence, confirm, dismiss, keyboard), with API keys off and
// on; the pass, tenants, tampered passes and links, pages instead of JSON, live updates, and Swagger's Authorize.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { InterviewClient } from '../javascript_client.js';

const OPEN_URL = process.env.BASE_URL; // API keys off, evidence on
const KEYED_URL = process.env.KEYED_URL; // API_KEYS={"acme": "key-acme", "beta": "key-beta"}, evidence on
const DATA_DIR = process.env.DATA_DIR;
const ARTIFACTS = process.env.ARTIFACTS_DIR;
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const image = (name) => readFile(`${DATA_DIR}/${name}`);
const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
const shot = (page, name, fullPage = true) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage });

/** A session with three events: a phone held up (e1), a second face (e2), the tab hidden (e3). */
async function threeEvents(client, candidate, { end = true } = {}) {
  const id = await client.startSession(candidate, { evidence: true });
  const [face, phone, two] = await Promise.all(['face1_grace_hopper.jpg', 'phone_rf_screen_shown.jpg', 'faces2_zidane.jpg'].map(image));
  const frames = [...Array(6).fill(face), ...Array(8).fill(phone), ...Array(8).fill(two), ...Array(4).fill(face)];
  for (const [i, frame] of frames.entries()) await client.analyzeFrame(id, frame, { timestamp: i * 0.5 });
  await client.sendClientEvent(id, 'tab_hidden', { timestamp: 11.0 });
  const report = end ? await client.endSession(id) : await client.getReport(id);
  assert.deepEqual(report.events.map((e) => [e.id, e.type]), [['e1', 'phone_detected'], ['e2', 'multiple_faces'], ['e3', 'tab_hidden']]);
  return report;
}

async function clearSession(client, candidate) {
  const id = await client.startSession(candidate);
  await client.analyzeFrame(id, await image('face1_grace_hopper.jpg'), { timestamp: 0 });
  await client.endSession(id);
  return id;
}

const decisionsOf = (report) => Object.fromEntries(report.reviews.map((r) => [r.event_id ?? 'session', r]));

test('keys off: list, filter, open, zoom the evidence, confirm, dismiss and decide by keyboard, in under a minute', async () => {
  const client = new InterviewClient(OPEN_URL);
  await clearSession(client, 'open-clear-1');
  const three = await threeEvents(client, 'open-three');
  await clearSession(client, 'open-clear-2');
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    const started = Date.now();
    await page.goto(`${OPEN_URL}/console`);
    await page.getByTestId('sessions').waitFor();
    assert.ok(await page.locator('tr[data-session-id]').count() >= 3);
    await shot(page, 'console_list');

    // filter: the verdict, and only sessions nobody has decided on
    await page.getByTestId('filter-verdict').selectOption(three.verdict);
    await page.getByTestId('filter-unreviewed').check();
    await page.getByTestId('apply-filters').click();
    await page.waitForURL(/verdict=/);
    const listed = await page.locator('tr[data-session-id]').evaluateAll((rows) => rows.map((r) => r.dataset.sessionId));
    assert.ok(listed.includes(three.session_id), 'the three-event session is listed');
    assert.ok(await page.locator('tr[data-verdict="clear"]').count() === 0, 'no clear session under this filter');
    assert.match(await page.getByTestId('list-timing').textContent(), /listed in \d+ ms/);
    await shot(page, 'console_list_filtered');

    // open it, and zoom the phone's evidence: the picture at its stored size, the event's box, the crop
    await page.locator(`tr[data-session-id="${three.session_id}"]`).click();
    await page.getByTestId('verdict').waitFor();
    const evidence = three.evidence.find((e) => e.event_id === 'e1');
    await page.locator('#evidence-e1 [data-testid=evidence-open]').click();
    const zoom = page.locator('#zoom-e1');
    await zoom.waitFor({ state: 'visible' });
    const full = await zoom.locator('.full img').evaluate((img) => ({ natural: img.naturalWidth, shown: img.getBoundingClientRect().width }));
    assert.equal(full.natural, evidence.width, 'the stored picture, whatever its size');
    assert.ok(Math.abs(full.shown - evidence.width) <= 1, `shown at its own size, not scaled: ${full.shown}`);
    assert.equal(await zoom.locator('rect.event-box').count(), 1, 'the event\'s box is drawn');
    assert.equal(await zoom.locator('rect.event-box').getAttribute('data-label').then((l) => l.split(' ')[0]), 'cell');
    const crop = await zoom.locator('img.crop-full').evaluate((img) => img.naturalWidth);
    assert.ok(crop > 0, 'the crop loaded');
    await shot(page, 'console_zoom_phone', false); // the overlay fills the window
    await page.keyboard.press('Escape');
    await zoom.waitFor({ state: 'hidden' });

    // mouse: confirm the phone with a note, dismiss the second face
    await page.getByTestId('note-e1').fill('phone held up to the camera');
    await page.getByTestId('confirm-e1').click();
    await page.locator('#event-e1 .decided[data-decision=confirmed]').waitFor();
    await page.getByTestId('dismiss-e2').click();
    await page.locator('#event-e2 .decided[data-decision=dismissed]').waitFor();
    // keyboard: the third event, then the whole session
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    assert.equal(await page.locator('tr.selected').getAttribute('data-event-id'), 'e3');
    await page.keyboard.press('n');
    await page.keyboard.type('the candidate said a delivery came');
    await page.keyboard.press('Escape');
    await page.keyboard.press('d');
    await page.locator('#event-e3 .decided[data-decision=dismissed]').waitFor();
    await page.keyboard.press('Shift+C');
    await page.locator('[data-testid=session-decision] .decided[data-decision=confirmed]').waitFor();
    const elapsed = (Date.now() - started) / 1000;
    await shot(page, 'console_session_decided');

    const after = decisionsOf(await client.getReport(three.session_id));
    assert.equal(after.e1.decision, 'confirmed');
    assert.equal(after.e1.note, 'phone held up to the camera');
    assert.equal(after.e2.decision, 'dismissed');
    assert.equal(after.e3.decision, 'dismissed');
    assert.equal(after.e3.note, 'the candidate said a delivery came');
    assert.equal(after.session.decision, 'confirmed');
    assert.ok(elapsed < 60, `from /console to a recorded decision took ${elapsed} s`);
    console.log(`keys off: /console to four recorded decisions in ${elapsed.toFixed(1)} s`);

    // back to the list: the session shows its decision
    await page.keyboard.press('[');
    await page.getByTestId('filters').waitFor();
    await page.goto(`${OPEN_URL}/console?reviewed=yes`);
    assert.ok(await page.locator(`tr[data-session-id="${three.session_id}"] [data-testid=reviewed]`).count() === 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('without a script the pages still work: plain forms decide, and Enter in a note decides nothing', async () => {
  const client = new InterviewClient(OPEN_URL);
  const id = await client.startSession('open-no-script');
  await client.analyzeFrame(id, await image('face1_grace_hopper.jpg'), { timestamp: 0 });
  await client.sendClientEvent(id, 'tab_hidden', { timestamp: 0.5 });
  await client.endSession(id);
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${OPEN_URL}/console`);
    await page.locator(`tr[data-session-id="${id}"] a`).click();
    await page.getByTestId('note-e1').fill('checked without a script');
    await page.getByTestId('note-e1').press('Enter'); // the form's default button is disabled: nothing is sent
    await page.waitForTimeout(500);
    assert.equal((await client.getReport(id)).reviews.length, 0);
    await page.getByTestId('dismiss-e1').click(); // a plain POST, then back to the page
    await page.locator('#event-e1 .decided[data-decision=dismissed]').waitFor();
    const [review] = (await client.getReport(id)).reviews;
    assert.equal(review.note, 'checked without a script');
    assert.equal(review.event_id, 'e1');
  } finally {
    await browser.close();
  }
});

test('keys off: a live session says so and updates itself', async () => {
  const client = new InterviewClient(OPEN_URL);
  const id = await client.startSession('open-live', { evidence: true });
  const face = await image('face1_grace_hopper.jpg');
  for (let i = 0; i < 4; i += 1) await client.analyzeFrame(id, face, { timestamp: i * 0.5 });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${OPEN_URL}/console/sessions/${id}`);
    assert.equal(await page.getByTestId('pulse').getAttribute('data-live'), 'true');
    await page.getByTestId('live').waitFor();
    assert.equal(await page.locator('table.events tr[data-event-id]').count(), 0);
    await client.sendClientEvent(id, 'tab_hidden', { timestamp: 2.0 });
    await page.locator('table.events tr[data-event-id=e1]').waitFor({ timeout: 15000 }); // no reload: it polled
    await shot(page, 'console_live');
    await client.endSession(id);
    await page.waitForFunction(() => document.querySelector('main')?.dataset.status === 'ended', null, { timeout: 30000 });
    assert.equal(await page.getByTestId('live').count(), 0, 'an ended session no longer says it is live');
  } finally {
    await browser.close();
  }
});

test('keys on: sign in once, only the tenant\'s sessions, keyboard only, pages never JSON', async () => {
  const acme = new InterviewClient(KEYED_URL, { apiKey: 'key-acme' });
  const beta = new InterviewClient(KEYED_URL, { apiKey: 'key-beta' });
  const theirs = await clearSession(beta, 'beta-only');
  await clearSession(acme, 'acme-clear');
  const three = await threeEvents(acme, 'acme-three');
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${KEYED_URL}/console`);
    await page.getByTestId('api-key').waitFor(); // asked for a key, not shown JSON
    await page.getByTestId('api-key').fill('not-a-key');
    await page.getByTestId('sign-in').click();
    assert.match(await page.getByTestId('problem').textContent(), /not accepted/);
    await shot(page, 'console_wrong_key');
    await page.getByTestId('api-key').fill('key-acme');
    await page.getByTestId('name').fill('Ana');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('sessions').waitFor();
    const [pass] = (await context.cookies()).filter((c) => c.name === 'ii_console');
    assert.ok(pass.httpOnly && pass.sameSite === 'Strict' && pass.expires > Date.now() / 1000, JSON.stringify(pass));
    assert.ok(!pass.value.includes('key-acme'));
    const listed = await page.locator('tr[data-session-id]').evaluateAll((rows) => rows.map((r) => r.dataset.sessionId));
    assert.ok(listed.includes(three.session_id) && !listed.includes(theirs), 'only acme\'s sessions');

    // keyboard only: open the newest session, decide on its three events and on the session
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.getByTestId('verdict').waitFor();
    assert.equal(await page.locator('main').getAttribute('data-session-id'), three.session_id);
    for (const key of ['c', 'd', 'd']) {
      const before = await page.locator('.decided').count();
      await page.keyboard.press('j');
      await page.keyboard.press(key);
      await page.waitForFunction((n) => document.querySelectorAll('.decided').length > n, before);
    }
    await page.keyboard.press('Shift+D');
    await page.locator('[data-testid=session-decision] .decided[data-decision=dismissed]').waitFor();
    const elapsed = (Date.now() - started) / 1000;
    const after = decisionsOf(await acme.getReport(three.session_id));
    assert.deepEqual(['e1', 'e2', 'e3', 'session'].map((k) => after[k].decision), ['confirmed', 'dismissed', 'dismissed', 'dismissed']);
    assert.equal(after.session.reviewer, 'Ana (acme)');
    assert.ok(elapsed < 60, `keyboard only: ${elapsed} s`);
    console.log(`keys on, keyboard only: sign-in to four recorded decisions in ${elapsed.toFixed(1)} s`);
    await shot(page, 'console_keyboard_decided');

    // another tenant's session is a 404 page; a report page opens with the pass; no page is JSON
    for (const path of [`/console/sessions/${theirs}`, `/sessions/${theirs}/report.html`]) {
      const answer = await page.goto(`${KEYED_URL}${path}`);
      assert.equal(answer.status(), 404, path);
      assert.equal(await page.getByTestId('error').getAttribute('data-status'), '404');
      assert.ok(!(await page.content()).includes('{"error"'), `${path} showed JSON`);
    }
    await shot(page, 'console_other_tenant_404');
    assert.equal((await page.goto(`${KEYED_URL}/sessions/${three.session_id}/report.html`)).status(), 200);
    assert.equal((await page.goto(`${KEYED_URL}/console/no/such/page`)).status(), 404);
    assert.equal(await page.getByTestId('error').count(), 1);

    // a tampered pass is refused: back to signing in, and the session is not shown
    const tampered = pass.value.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    await context.clearCookies();
    await context.addCookies([{ ...pass, value: tampered }]);
    await page.goto(`${KEYED_URL}/console/sessions/${three.session_id}`);
    assert.match(page.url(), /\/console\/login/);
    assert.match(await page.getByTestId('problem').textContent(), /not valid/);
    assert.equal(await page.getByTestId('verdict').count(), 0);
    await shot(page, 'console_tampered_pass');
  } finally {
    await browser.close();
  }
});

test('keys on: a signed link opens its one session; a tampered link and a bare report page are friendly refusals', async () => {
  const acme = new InterviewClient(KEYED_URL, { apiKey: 'key-acme' });
  const other = await clearSession(acme, 'acme-other');
  const id = await clearSession(acme, 'acme-linked');
  const link = await acme.request('GET', `/sessions/${id}/report-link`);
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(link.console_url);
    await page.getByTestId('verdict').waitFor();
    assert.ok(!page.url().includes('signature'), 'the signature leaves the address');
    assert.match(await page.getByTestId('who').textContent(), /signed link/);
    await page.getByTestId('dismiss-session').click();
    await page.locator('[data-testid=session-decision] .decided[data-decision=dismissed]').waitFor();
    assert.equal((await acme.getReport(id)).reviews[0].reviewer, 'reviewer with a signed link');
    await shot(page, 'console_signed_link');
    await page.goto(`${KEYED_URL}/console`); // the link opens its session, not the list
    assert.match(page.url(), new RegExp(`/console/sessions/${id}$`));
    assert.equal((await page.goto(`${KEYED_URL}/console/sessions/${other}`)).status(), 404);

    const fresh = await (await browser.newContext()).newPage();
    const altered = link.console_url.replace(/signature=(.)/, (_, c) => `signature=${c === 'a' ? 'b' : 'a'}`);
    for (const url of [altered, `${KEYED_URL}/sessions/${id}/report.html`]) {
      const answer = await fresh.goto(url);
      assert.equal(answer.status(), 401, url);
      assert.equal(await fresh.getByTestId('error').getAttribute('data-status'), '401');
      assert.ok(!(await fresh.content()).includes('{"error"'));
    }
    assert.equal(await fresh.getByTestId('sign-in-link').count(), 1, 'the bare report page offers to sign in');
    await shot(fresh, 'report_needs_sign_in');
  } finally {
    await browser.close();
  }
});

test('Swagger: Authorize takes the key, and the example body of start-session works as given', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 1300 } });
    await page.goto(`${KEYED_URL}/docs`);
    await page.locator('.swagger-ui .btn.authorize').click();
    await page.locator('.auth-container input').fill('key-acme');
    await page.locator('.auth-btn-wrapper .btn.modal-btn.auth.authorize').click();
    await page.locator('.btn-done').click();
    await page.locator('#operations-sessions-startSession .opblock-summary').click();
    await page.locator('#operations-sessions-startSession .try-out__btn').click();
    await page.locator('#operations-sessions-startSession .execute').click();
    const status = page.locator('#operations-sessions-startSession .live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 30000 });
    assert.equal((await status.textContent()).trim(), '201');
    await page.locator('#operations-sessions-startSession .live-responses-table').screenshot({ path: `${ARTIFACTS}/docs_authorized_start_session.png` });
  } finally {
    await browser.close();
  }
});
