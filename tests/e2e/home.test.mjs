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

test('the Raft page loads the app: the title and the Raft playground; old links without p= still open it', async () => {
  const page = await h.open('/raft');
  assert.equal((await page.textContent('h1'))?.trim(), 'HA Lab');
  assert.equal(await page.title(), 'HA Lab');
  await page.waitForSelector('[data-testid=node-0]');
  await h.screenshot(page, 'raft-page');
  assertNoErrors(page);
  const old = await h.open('/?n=3&seed=4');
  await old.waitForSelector('[data-testid=node-2]');
  assert.equal(await old.$('[data-testid=node-3]'), null);
  assertNoErrors(old);
});

test('an unknown page says so instead of failing, and links every page', async () => {
  const page = await h.open('/nonesuch');
  const banner = await page.textContent('[data-testid=error-banner]');
  assert.match(banner, /no page called “nonesuch”/);
  assert.match(banner, /Raft, Paxos, lock service, atomic commit or load-balancing playground, the ring lab or the availability page/);
  const links = await page.$$eval('[data-testid=error-banner] a', (els) => els.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['raft', 'paxos', 'lock', 'txn', 'lb', 'ring', 'avail', '.']);
  assertNoErrors(page);
});

test('the header links every page, the lock service, atomic commit and load balancing among them', async () => {
  const page = await h.open('/raft');
  const nav = await page.$$eval('nav.pages a', (els) => els.map((a) => [a.getAttribute('href'), a.textContent]));
  assert.deepEqual(nav, [
    ['raft', 'Raft'],
    ['paxos', 'Paxos'],
    ['lock', 'Lock'],
    ['txn', '2PC/3PC'],
    ['lb', 'Load balancing'],
    ['ring', 'Ring'],
    ['avail', 'Availability'],
  ]);
  await page.click('[data-testid=nav-lock]');
  await page.waitForSelector('[data-testid=nav-lock][aria-current=page]');
  await page.waitForSelector('[data-testid=timeline]');
  assert.equal(await page.evaluate(() => location.pathname), '/lock');
  await page.click('[data-testid=nav-txn]');
  await page.waitForSelector('[data-testid=nav-txn][aria-current=page]');
  await page.waitForSelector('[data-testid=transactions]');
  assert.equal(await page.evaluate(() => location.pathname), '/txn');
  await page.click('[data-testid=nav-lb]');
  await page.waitForSelector('[data-testid=lb-live]');
  assert.equal(await page.evaluate(() => location.pathname), '/lb');
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

test('each page downloads only the bundle it is in, by path and by p=', async () => {
  const cases = [
    ['/', 'halab-front', '[data-testid=concept-map]'],
    ['/?lang=zh', 'halab-front', '[data-testid=concept-map]'],
    ['/gallery', 'halab-front', '[data-testid=stories]'],
    ['/learn?p=raft', 'halab-front', '[data-testid=learn-steps]'],
    ['/embed', 'halab-front', '[data-testid=embed-examples]'],
    ['/?n=3', 'halab-raft', '[data-testid=node-0]'],
    ['/paxos', 'halab-paxos', '[data-testid=node-0]'],
    ['/lb', 'halab-lb', '[data-testid=node-0]'],
    ['/txn', 'halab-txn', '[data-testid=node-0]'],
    ['/ring', 'halab-labs', '[data-testid=ring-svg]'],
    ['/avail', 'halab-labs', '[data-testid=avail-chart]'],
    ['/raft?p=ring&vn=50', 'halab-labs', '[data-testid=ring-svg]'],
    ['/ring?p=lock', 'halab-lock', '[data-testid=timeline]'],
    ['/nonesuch?p=ring', 'halab-front', '[data-testid=error-banner]'],
  ];
  for (const [route, bundle, ready] of cases) {
    const page = await h.open(route);
    await page.waitForSelector(ready);
    const wasm = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((n) => n.endsWith('.wasm')),
    );
    assert.deepEqual(wasm, [`/${bundle}_bg.wasm`], `${route} fetched ${wasm}`);
    assertNoErrors(page);
    await page.close();
  }
});
