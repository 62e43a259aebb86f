// Shared e2e harness: serves dist/ and launches headless Chromium (playwright-core, system browser).
//
//   import { test, before, after } from 'node:test';
//   import { startHarness } from '../lib/harness.mjs';
//   let h;
//   before(async () => { h = await startHarness(); });
//   after(() => h?.close());
//   test('x', async () => { const page = await h.open('/raft?n=5'); ...; await h.screenshot(page, 'raft'); });
//
// Environment: HALAB_DIST (default ../dist), CHROMIUM (default /usr/bin/chromium),
// HALAB_SLOWMO (ms), HALAB_HEADFUL=1 to watch.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TESTS_DIR = path.resolve(here, '..');
export const REPO_ROOT = path.resolve(TESTS_DIR, '..');
export const DIST_DIR = process.env.HALAB_DIST ?? path.join(REPO_ROOT, 'dist');
export const SCREENSHOT_DIR = path.join(TESTS_DIR, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Running as root in a container: no sandbox; no network or background services beyond loopback.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches the system Chromium. Playwright gives each launch a fresh temporary user-data-dir. */
export async function launchBrowser() {
  const headful = process.env.HALAB_HEADFUL === '1';
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: !headful,
    args: headful ? CHROMIUM_ARGS.filter((a) => a !== '--headless') : CHROMIUM_ARGS,
    slowMo: Number(process.env.HALAB_SLOWMO ?? 0),
    timeout: 60_000,
  });
}

/**
 * Starts the static server on a free loopback port and one browser.
 * `open(path)` gives a fresh context+page that records console errors and uncaught exceptions in
 * `page.errors` (use `assertNoErrors(page)`), and waits for the app to mount.
 */
export async function startHarness({ dist = DIST_DIR } = {}) {
  const server = await serveStatic(dist);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.close();
    throw err;
  }
  const contexts = new Set();
  return {
    url: server.url,
    browser,
    /**
     * `init`: a function (or script) to run in the page before the app's own scripts, e.g. to
     * watch the DOM from the start (Playwright's `addInitScript`, with `initArg` as its argument).
     */
    async open(route = '/', { viewport = { width: 1280, height: 800 }, waitFor = 'h1', settle = true, init, initArg } = {}) {
      const context = await browser.newContext({ viewport });
      contexts.add(context);
      // Playwright's own waits (waitForSelector, waitForFunction, click) get a generous deadline
      // too; tests never pass a shorter one.
      context.setDefaultTimeout(DEADLINE_MS);
      const page = await context.newPage();
      if (init) await page.addInitScript(init, initArg);
      page.errors = [];
      page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.errors.push(`console.error: ${msg.text()}`);
      });
      page.on('response', (res) => {
        if (res.status() >= 400) page.errors.push(`HTTP ${res.status()}: ${res.url()}`);
      });
      page.on('requestfailed', (req) => page.errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
      await page.goto(new URL(route, server.url).href, { waitUntil: 'load' });
      if (waitFor) await page.waitForSelector(waitFor);
      // A link with `t=` replays in slices, and the picture and panels appear only when it reaches
      // its instant: on a busy machine that takes many frames. Tests read the run at that instant
      // unless they watch the replay itself (`settle: false`).
      if (settle) await page.waitForSelector('[data-testid=replay-wait]', { state: 'detached' });
      return page;
    },
    async screenshot(page, name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/** Throws if the page logged a console error or threw an uncaught exception. */
export function assertNoErrors(page) {
  if (page.errors.length) throw new Error(`page errors:\n  ${page.errors.join('\n  ')}`);
}

/**
 * How long a test waits for a condition before it fails (ms; `HALAB_WAIT_MS` overrides). Generous
 * on purpose: on a loaded 2-core machine a render can take seconds, and a condition that holds
 * returns at once, so a long deadline costs nothing when the test passes. 60 s: with two busy
 * loops and a 4-thread soak on the same two cores (load average 25), opening a page once took
 * over 30 s.
 */
export const DEADLINE_MS = Number(process.env.HALAB_WAIT_MS ?? 60_000);

/**
 * The one way an e2e test waits: polls `check` until it returns without throwing (and not
 * `false`), then returns its value. After `timeout` ms it throws an error that names `what` it
 * waited for and what it last saw (the check's last error), so a failure reads like the assertion
 * it wraps. Use it after every action whose effect is read back: Yew re-renders after an event
 * handler returns, pages defer work past the next paint, and a busy machine delays both.
 *
 *   await waitUntil('n=7 in the URL', async () => assert.match(await search(page), /n=7/));
 */
export async function waitUntil(what, check, { timeout = DEADLINE_MS, interval = 25 } = {}) {
  const start = Date.now();
  let looks = 0;
  for (;;) {
    let last;
    looks += 1;
    try {
      const value = await check();
      if (value !== false) return value;
      last = 'the check returned false';
    } catch (e) {
      last = e;
    }
    const waited = Date.now() - start;
    if (waited >= timeout) {
      const saw = last instanceof Error ? last.message : String(last);
      const err = new Error(`waited ${(waited / 1000).toFixed(1)} s (${looks} looks) for ${what}; last saw: ${saw}`, {
        cause: last,
      });
      if (last instanceof Error && 'actual' in last) Object.assign(err, { actual: last.actual, expected: last.expected });
      throw err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** `waitUntil` for a check that is its own description (older tests; prefer naming what). */
export function eventually(check, timeout = DEADLINE_MS) {
  return waitUntil('a check to pass', check, { timeout });
}
