// Exhaustive checking in the browser (issue 16): "Check from here" finds a bug switch's
// counterexample and opens it as a replay paused where the invariant broke; manual mode lets
// the reader deliver, drop and fire by hand, and the link replays those steps. Every check reads
// the page's data attributes and waits for them (with a deadline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { status, search } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('check from here finds forget and opens the counterexample as a replay', async () => {
  const page = await h.open('/raft?n=3&seed=11&bugs=forget&t=0s');
  await page.waitForSelector('[data-testid=check]');
  await page.click('[data-testid=check]');
  await page.waitForSelector('[data-testid=check-status][data-outcome=bad]', { timeout: 60_000 });
  const text = await page.textContent('[data-testid=check-status]');
  assert.match(text, /Election safety breaks after 8 steps/);
  const unique = Number(await page.getAttribute('[data-testid=check-status] .counters', 'data-unique'));
  assert.ok(unique > 1000, `states searched: ${unique}`);
  // The run is the counterexample now: stopped on the violation, its steps in the link.
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  const q = decodeURIComponent(await search(page));
  assert.match(q, /steer:on@1ms/);
  assert.equal((q.match(/@/g) ?? []).length, 9, `steer and 8 steps: ${q}`);
  const end = await status(page);
  // The same link in a fresh tab lands on the same violation.
  const fresh = await h.open(`${q}&t=5s`);
  await fresh.waitForSelector('[data-testid=invariants][data-ok=false]');
  assert.equal((await status(fresh)).hash, end.hash);
  await fresh.close();
  assertNoErrors(page);
  await h.screenshot(page, 'check-raft-forget');
  await page.close();
});

test('the correct protocol passes the same search', async () => {
  const page = await h.open('/txn?n=4&t=0s');
  await page.waitForSelector('[data-testid=check]');
  await page.click('[data-testid=check]');
  await page.waitForSelector('[data-testid=check-status][data-outcome=ok]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=invariants][data-ok=true]');
  assert.doesNotMatch(await search(page), /steer/);
  assertNoErrors(page);
  await page.close();
});

test('manual mode: fire a timer, deliver and drop by hand, and the link replays it', async () => {
  const page = await h.open('/raft?n=3&t=0s');
  await page.waitForSelector('.check-card button.steer');
  await page.click('.check-card button.steer');
  await page.waitForSelector('.check-card button.steer[aria-pressed=true]');
  await page.click('[data-testid=steps] [data-testid=fire] >> nth=0');
  await page.waitForSelector('[data-testid=steps] li[data-msg]');
  const ids = await page.$$eval('[data-testid=steps] li[data-msg]', (els) => els.map((el) => el.dataset.msg));
  assert.ok(ids.length >= 2, `the timer's handler sent messages: ${ids}`);
  await page.click(`[data-testid=steps] li[data-msg="${ids[0]}"] [data-testid=deliver]`);
  await page.click(`[data-testid=steps] li[data-msg="${ids[1]}"] [data-testid=lose]`);
  await waitUntil('both gone from the list', async () => {
    const left = await page.$$eval('[data-testid=steps] li[data-msg]', (els) => els.map((el) => el.dataset.msg));
    assert.ok(!left.includes(ids[0]) && !left.includes(ids[1]), `${left}`);
  });
  const q = decodeURIComponent(await search(page));
  assert.match(q, new RegExp(`steer:on@[^,]+,fire:\\d:0@[^,]+,deliver:${ids[0]}@[^,]+,lose:${ids[1]}@`));
  const end = await status(page);
  const fresh = await h.open(`${q}&t=${end.time / 1e6}s`);
  await waitUntil('the link lands on the same run', async () => assert.equal((await status(fresh)).hash, end.hash));
  await fresh.close();
  assertNoErrors(page);
  await h.screenshot(page, 'check-raft-manual');
  await page.close();
});

test('a lease bug is found in timed mode and its link replays', async () => {
  const page = await h.open('/lock?n=4&ttl=200ms&work=50ms-100ms&bugs=receipt&t=0s');
  await page.waitForSelector('[data-testid=timed-note]');
  await page.click('[data-testid=check]');
  await page.waitForSelector('[data-testid=check-status][data-outcome=bad]', { timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=check-status]'), /At most one holder breaks after \d+ steps/);
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  const q = decodeURIComponent(await search(page));
  assert.match(q, /steer:on@1ms/);
  const end = await status(page);
  const fresh = await h.open(`${q}&t=5s`);
  await fresh.waitForSelector('[data-testid=invariants][data-ok=false]');
  assert.equal((await status(fresh)).hash, end.hash);
  await fresh.close();
  assertNoErrors(page);
  await h.screenshot(page, 'check-lock-receipt');
  await page.close();
});
