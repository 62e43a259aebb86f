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
    async open(route = '/', { viewport = { width: 1280, height: 800 }, waitFor = 'h1' } = {}) {
      const context = await browser.newContext({ viewport });
      contexts.add(context);
      const page = await context.newPage();
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
      if (waitFor) await page.waitForSelector(waitFor, { timeout: 30_000 });
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
 * Retries an async assertion until it passes or `timeout` ms have gone by, then rethrows its
 * last failure. Yew re-renders after an event handler returns, so a read straight after a click
 * or a select can still see the old DOM.
 */
export async function eventually(check, timeout = 5_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
