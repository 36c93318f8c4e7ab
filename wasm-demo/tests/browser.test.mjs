// The demo page in headless Chromium: served from loopback beside the simulator, it loads
// the wasm core, creates a server, watches its actions and shows a typed error.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { serveDemo } from '../serve.mjs';
import { simulator, wasmPath } from './helpers.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.HCLOUD_SCREENSHOT ?? join(tmpdir(), 'hcloud-wasm-demo.png');
// Locally the test is skipped without Chromium; in CI (where ci.sh installs it) it must run.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM}` : false;

let sim;
let site;
let browser;
let profile;

before(async () => {
  if (skip) return;
  assert.ok(existsSync(wasmPath), `${wasmPath} is missing; run wasm-demo/build.sh`);
  sim = await simulator('--action-seconds', '1.5');
  site = await serveDemo({ port: 0, api: sim.url, token: 'sim-token' });
  const { chromium } = await import('playwright-core');
  profile = mkdtempSync(join(tmpdir(), 'hcloud-chromium-'));
  // A fresh profile (Playwright passes it as --user-data-dir), nothing but loopback traffic.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (site ? site.server.close(resolve) : resolve()));
  site?.server.closeAllConnections?.();
  await sim?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the page creates a server, shows its progress until it runs, and shows a typed error', { skip, timeout: 90_000 }, async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  // Chromium logs every non-2xx fetch; the 404 asked for below is expected.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  // Nothing may leave loopback.
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' ? route.continue() : route.abort();
  });

  await page.goto(site.url, { timeout: 20_000 });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  assert.match(await page.textContent('#core-status'), /core ready/);

  await page.fill('#name', 'browser-made');
  await page.click('#create');
  // Actions appear with their progress bars while the page waits on them.
  await page.waitForSelector('.action[data-status]', { timeout: 10_000 });
  await page.waitForFunction(
    () => document.querySelector('#created-status')?.textContent === 'running',
    null,
    { timeout: 45_000 },
  );
  assert.equal(await page.textContent('#created-name'), 'browser-made');
  const statuses = await page.$$eval('.action', (rows) => rows.map((row) => row.dataset.status));
  assert.ok(statuses.length >= 1);
  assert.ok(statuses.every((status) => status === 'success'), statuses.join(','));
  await page.waitForSelector('#servers tr td.status-running', { timeout: 10_000 });
  const row = await page.$$eval('#servers tr', (rows) =>
    rows.map((r) => [...r.children].map((td) => td.textContent)).find((cells) => cells[1] === 'browser-made'),
  );
  assert.equal(row?.[2], 'running');
  const log = await page.textContent('#log');
  assert.match(log, /send\s+POST http:\/\/127\.0\.0\.1:\d+\/v1\/servers/);
  assert.match(log, /sleep\s+\d+ ms/);

  // A typed error: a server that does not exist.
  await page.fill('#server-id', '999999');
  await page.click('#get');
  await page.waitForSelector('#error.shown', { timeout: 10_000 });
  assert.equal(await page.textContent('#error .error-code'), 'not_found');
  assert.equal(await page.textContent('#error .error-kind'), 'api');
  assert.equal(await page.textContent('#error .error-status'), '404');

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
