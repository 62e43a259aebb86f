// The Paxos playground end to end: values chosen in both variants, the duelling proposers and
// the backoff that ends the duel, a bug preset caught by the checker, sharing, embedding,
// routing between the pages. Runs use `t=` (run to an instant and pause) or high speeds, and
// read simulated facts from data attributes and notes, never frame timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { assertEmbed, nodes, noteTimes, pause, search, status } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const DUEL = 'p=paxos&n=9&seed=202&rate=0&lat=1ms-20ms&proposers=2&mode=single&backoff=0';
const CHOSEN = '[data-testid^="slot-"][data-chosen=true]';

/** The proposers panel: id, phase and highest round of each proposer. */
async function proposers(page) {
  return page.$$eval('[data-testid^="proposer-"][data-phase]', (els) =>
    els.map((el) => ({ id: Number(el.dataset.testid.slice(9)), phase: el.dataset.phase, round: Number(el.dataset.round) })),
  );
}

/** The chosen row: { slot: value } for every chosen slot in the window. */
async function chosen(page) {
  const cells = await page.$$eval(CHOSEN, (els) => els.map((el) => [el.dataset.testid.slice(5), el.dataset.value]));
  return Object.fromEntries(cells);
}

async function chosenCount(page) {
  return Number(await page.getAttribute('[data-testid=slots]', 'data-chosen-count'));
}

test('single-decree: three proposers race and one value is chosen', async () => {
  const page = await h.open('/paxos?mode=single&proposers=3&seed=3&rate=0&t=0.5s');
  assert.match(await page.textContent('.lede'), /Single-decree Paxos chooses one value; Multi-Paxos chooses a log/);
  assert.equal(await page.getAttribute('[data-testid=mode-single]', 'aria-pressed'), 'true');
  const value = (await chosen(page))['0'];
  assert.match(value ?? '', /^v[0-2]$/, 'slot 0 holds one proposer\'s value');
  assert.equal(await chosenCount(page), 1);
  assert.deepEqual((await proposers(page)).map((p) => p.phase), ['idle', 'idle', 'idle']);
  const roles = (await nodes(page)).map((n) => n.role);
  assert.deepEqual(roles, ['proposer', 'proposer', 'proposer', 'acceptor', 'acceptor']);
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-ok'), 'true');
  assertNoErrors(page);
});

test('Multi-Paxos: a leader emerges and client writes are chosen slot after slot', async () => {
  const page = await h.open('/paxos?seed=1&rate=4&speed=100');
  assert.equal(await page.getAttribute('[data-testid=nav-paxos]', 'aria-current'), 'page');
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=slots]')?.dataset.chosenCount) >= 4,
  );
  await pause(page);
  const values = Object.values(await chosen(page));
  assert.ok(values.length > 0 && values.every((v) => /^(k\d=\d+|no-op)$/.test(v)), JSON.stringify(values));
  assert.ok((await nodes(page)).some((n) => n.role === 'leader'));
  assert.ok((await proposers(page)).some((p) => p.phase === 'proposing'));
  assert.ok((await noteTimes(page, /leads with ballot/)).length > 0);
  assertNoErrors(page);
});

test('desktop screenshot at a fixed instant', async () => {
  const page = await h.open('/paxos?seed=1&rate=4&t=2.13s');
  assert.equal((await status(page)).time, 2_130_000);
  assert.equal(await chosenCount(page), 8);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-label'), 'play', 't= pauses');
  await h.screenshot(page, 'paxos');
  assertNoErrors(page);
});

test('duelling proposers choose nothing; switching backoff on ends the duel', async () => {
  const page = await h.open(`/paxos?${DUEL}&t=2s&speed=1`);
  assert.equal(await page.$eval('[data-testid=preset]', (el) => el.value), 'duel');
  const before = await proposers(page);
  assert.equal(before.length, 2);
  assert.ok(before.every((p) => p.round > 100), `ballots kept rising: ${JSON.stringify(before)}`);
  assert.equal(await page.$(CHOSEN), null, 'nothing chosen in 2 simulated seconds');
  assert.equal(await chosenCount(page), 0);
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-ok'), 'true', 'a livelock is not a safety violation');
  assert.ok((await noteTimes(page, /prepares ballot/)).length >= 20);
  assert.equal(await page.isChecked('[data-testid=backoff]'), false);

  await page.click('[data-testid=backoff]');
  await waitUntil('backoff=0 gone from the URL', async () =>
    assert.doesNotMatch(await search(page), /backoff=/, 'backoff on is the default'),
  );
  await page.waitForSelector(`[data-testid=slot-0][data-chosen=true]`);
  const times = await noteTimes(page, /is chosen/);
  assert.ok(times.length > 0 && Math.min(...times) < 0.5, `chosen at ${times} s of the rerun`);
  assertNoErrors(page);
});

test('a bug preset turns the invariant panel red', async () => {
  const page = await h.open('/paxos?speed=100');
  await page.selectOption('[data-testid=preset]', 'bug-acceptany');
  await waitUntil('the bug-acceptany preset described and in the URL', async () => {
    assert.match(await page.textContent('[data-testid=preset-about]'), /two values get chosen/);
    assert.match(page.url(), /bugs=acceptany/);
  });
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  assert.match(await page.textContent('[data-testid=invariants]'), /one value per slot violated/);
  assert.ok(await page.isDisabled('[data-testid=play]'), 'the run stopped');
  assert.ok(await page.isChecked('[data-testid=bug-acceptany]'));
  await h.screenshot(page, 'paxos-violation');
  await page.click('[data-testid=bug-acceptany]');
  await page.waitForSelector('[data-testid=invariants][data-ok=true]');
  assertNoErrors(page);
});

test('a shared URL replays the same run, and the settings are in the URL', async () => {
  const page = await h.open('/paxos?seed=5&rate=4&speed=20');
  await page.waitForSelector('[data-testid^="node-"][data-role=leader]');
  await pause(page);
  const leader = (await nodes(page)).find((n) => n.role === 'leader');
  await page.click(`[data-testid=node-${leader.id}] .body`);
  await page.click('[data-testid=menu-crash]');
  await page.waitForSelector(`[data-testid=node-${leader.id}][data-role=crashed]`);
  await page.click('[data-testid=link-2-3]', { force: true });
  await page.click('[data-testid=write]');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 3_000_000);
  await pause(page);
  await page.click('[data-testid=share]');
  const url = await (await page.waitForSelector('[data-testid=share-result]')).getAttribute('data-url');
  assert.match(url, new RegExp(`/paxos\\?p=paxos&n=5&seed=5&rate=4&faults=crash:${leader.id}@[^&]*cut:2-3@[^&]*write:`));
  assert.match(url, /&speed=20&t=\d/);
  const copy = await h.open(url);
  assert.deepEqual(await status(copy), await status(page), 'same time, step count and trace hash');
  assert.deepEqual(await nodes(copy), await nodes(page));
  assert.deepEqual(await chosen(copy), await chosen(page));
  assert.deepEqual(await proposers(copy), await proposers(page));
  assert.equal(await copy.$('[data-testid=error-banner]'), null);
  assertNoErrors(copy);

  // The Paxos settings restart the run and are written into the URL.
  await page.click('[data-testid=mode-single]');
  await waitUntil('mode=single in the URL', async () => assert.match(await search(page), /mode=single/));
  await page.selectOption('[data-testid=proposers]', '3');
  await waitUntil('proposers=3 in the URL', async () => assert.match(await search(page), /proposers=3/));
  await waitUntil('proposers 0, 1, 2 in the panel', async () =>
    assert.deepEqual((await proposers(page)).map((p) => p.id), [0, 1, 2]),
  );
  await page.selectOption('[data-testid=nodes]', '2');
  await waitUntil('proposers= gone from the URL with 2 nodes', async () =>
    assert.doesNotMatch(await search(page), /proposers=/, 'no more proposers than nodes (2, the default)'),
  );
  await page.click('[data-testid=mode-multi]');
  await waitUntil('mode= gone from the URL', async () => assert.doesNotMatch(await search(page), /mode=/));
  assertNoErrors(page);
});

test('?embed=1 shows the cluster and minimal controls without the chrome', async () => {
  const page = await h.open('/paxos?seed=1&rate=4&embed=1&t=2.13s', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=node-0]',
  });
  await assertEmbed(page, 5, ['[data-testid=slots]', '[data-testid=proposer-list]', '[data-testid=mode-single]']);
  await h.screenshot(page, 'paxos-embed');
  assertNoErrors(page);
});

test('phone layout stacks without sideways scrolling', async () => {
  const page = await h.open(`/paxos?${DUEL}&t=2s`, { viewport: { width: 390, height: 844 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  // Captions beside the nodes stay inside the picture.
  const clipped = await page.$$eval('.cluster .caption', (els) => {
    const svg = els[0].ownerSVGElement.getBoundingClientRect();
    return els.filter((el) => {
      const b = el.getBoundingClientRect();
      return b.left < svg.left - 1 || b.right > svg.right + 1;
    }).length;
  });
  assert.equal(clipped, 0, 'captions fit');
  await h.screenshot(page, 'paxos-phone');
  assertNoErrors(page);
});

test('p= decides the page, and the address follows it', async () => {
  const page = await h.open('/raft?p=paxos&n=3&t=0.5s');
  assert.equal(await page.getAttribute('[data-testid=nav-paxos]', 'aria-current'), 'page');
  assert.equal(await page.evaluate(() => location.pathname), '/paxos');
  assert.equal((await nodes(page)).length, 3);
  assert.equal(await page.$('[data-testid=error-banner]'), null);

  const home = await h.open('/?p=paxos&mode=single&t=0.5s');
  assert.ok(await home.$('[data-testid=proposer-list]'), 'the Paxos page on /');
  assert.equal(await home.evaluate(() => location.pathname), '/');
  await home.click('[data-testid=nav-raft]');
  await home.waitForSelector('[data-testid=nav-raft][aria-current=page]');
  assert.equal(await home.evaluate(() => location.pathname), '/raft');
  assertNoErrors(page);
  assertNoErrors(home);
});
