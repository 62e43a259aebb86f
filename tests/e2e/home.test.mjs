import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors } from '../lib/harness.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('home page loads the app: the title and the Raft playground', async () => {
  const page = await h.open('/');
  assert.equal((await page.textContent('h1'))?.trim(), 'HA Lab');
  assert.equal(await page.title(), 'HA Lab');
  await page.waitForSelector('[data-testid=node-0]');
  await h.screenshot(page, 'home');
  assertNoErrors(page);
});

test('an unknown page says so instead of failing', async () => {
  const page = await h.open('/nonesuch');
  assert.match(await page.textContent('[data-testid=error-banner]'), /no page called “nonesuch”/);
  assertNoErrors(page);
});

test('server sends .wasm as application/wasm', async () => {
  const page = await h.open('/');
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name).find((n) => n.endsWith('.wasm')),
  );
  assert.ok(wasm, 'the page fetched a .wasm file');
  const res = await fetch(wasm);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
});
