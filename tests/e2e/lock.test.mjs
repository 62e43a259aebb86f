// The lock service page end to end: every preset's outcome as the page shows it (fencing,
// tokens, the "not judged" one-holder invariant, the grace period, drift), pausing and drifting
// by clicking, sharing, embedding, bad links and the phone layout. Presets are picked from the
// page's own menu; each is then reopened with `t=` (run to an instant and pause), so the
// assertions read a fixed simulated state from data attributes, never frame timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import {
  assertEmbed,
  caption,
  clippedCaptions,
  nodes,
  openPreset as openPresetOf,
  pause,
  search,
  sidewaysOverflow,
  status,
  timeline,
} from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const FENCING = 'storage accepts no lower token';
const TOKENS = 'tokens increase';
const ONE_HOLDER = 'at most one holder';

const openPreset = (id, t, opts) => openPresetOf(h, '/lock', 'lock', id, t, opts);

/** The invariant panel: verdict, invariants not judged, text. */
async function verdict(page) {
  return page.$eval('[data-testid=invariants]', (el) => ({
    ok: el.dataset.ok === 'true',
    unjudged: el.dataset.unjudged,
    text: el.textContent,
  }));
}

/** The writes the storage saw, oldest first. */
async function writes(page) {
  const rows = await page.$$eval('[data-testid=storage-writes] li', (els) =>
    els.map((el) => ({ token: Number(el.dataset.token), ok: el.dataset.ok === 'true', stale: el.dataset.stale === 'true', text: el.textContent })),
  );
  return rows.reverse();
}

async function storage(page) {
  return page.$eval('[data-testid=storage-sum]', (el) => ({
    highest: Number(el.dataset.highest),
    accepted: Number(el.dataset.accepted),
    refused: Number(el.dataset.refused),
  }));
}

test('the page explains itself; clients, server and storage are named; no client-write button', async () => {
  const page = await h.open('/lock?seed=1&t=1s');
  assert.match(await page.textContent('.lede'), /fencing token/);
  assert.equal(await page.getAttribute('[data-testid=nav-lock]', 'aria-current'), 'page');
  const roles = (await nodes(page)).map((n) => n.role);
  assert.deepEqual(roles.slice(0, 2), ['server', 'storage']);
  const holder = roles.indexOf('holder');
  assert.ok(holder >= 2, `a client holds the lock at 1 s: ${roles}`);
  const [who, token] = (await caption(page, holder)).slice(0, 2);
  assert.equal(who, `client ${holder - 1}`);
  assert.match(token, /^holds token \d+$/);
  const server = await caption(page, 0);
  assert.equal(server[0], 'lock server');
  assert.equal(server[1], `${who} · token ${token.split(' ').at(-1)}`, 'the server leased it to that client');
  assert.match(server[2], /^\d\.\d\d s left$/);
  const store = await caption(page, 1);
  assert.equal(store[0], 'storage');
  assert.match(store[1], /^highest token \d+$/);
  assert.match(store[2], /^\d+ stored · 0 refused$/);
  assert.equal(await page.$('[data-testid=write]'), null, 'the lock takes no client writes');
  assert.ok(await page.$('[data-testid=explainer]'));
  // Only client links are drawn (and can be cut): 2 clients × (server, storage).
  assert.equal(await page.$$eval('[data-testid^=link-]', (els) => els.length), 4);
  assert.equal(await page.$$eval('[data-testid=timeline] [data-testid^=tl-row-]', (els) => els.length), 4);
  assertNoErrors(page);
});

test('preset healthy: tokens go up at every grant and every invariant holds', async () => {
  const page = await openPreset('healthy', '5s');
  const v = await verdict(page);
  assert.ok(v.ok && v.unjudged === '', JSON.stringify(v));
  assert.match(v.text, /3 invariants hold/);
  const w = await writes(page);
  assert.ok(w.length >= 5 && w.every((x) => x.ok), JSON.stringify(w));
  assert.ok(w.every((x, i) => i === 0 || x.token > w[i - 1].token), `tokens increase: ${w.map((x) => x.token)}`);
  const s = await storage(page);
  assert.equal(s.highest, w.at(-1).token);
  assert.equal(s.refused, 0);
  assertNoErrors(page);
});

test('preset kleppmann: the paused client\'s token-2 write is refused after token 3; one-holder is not judged', async () => {
  // The pause ends at 2.9 s; one-holder is judged again one TTL later, at 3.9 s.
  const page = await openPreset('kleppmann', '3.5s');
  const v = await verdict(page);
  assert.equal(v.ok, true, 'fencing held: no invariant is violated');
  assert.equal(v.unjudged, ONE_HOLDER);
  assert.match(v.text, /2 invariants hold, 1 not judged/);
  assert.match(await page.textContent('[data-testid=unjudged]'), /at most one holder — not judged: client 1 was paused — [1-9]\d* overlaps? seen/);
  const w = await writes(page);
  const refused = w.findIndex((x) => !x.ok);
  assert.ok(refused > 0, JSON.stringify(w));
  assert.equal(w[refused].token, 2);
  assert.match(w[refused].text, /client 1 wrote with token 2: refused, token 3 was already seen/);
  assert.ok(w.slice(0, refused).some((x) => x.ok && x.token === 3), 'token 3 was stored first');
  assert.equal((await storage(page)).refused, 1);
  assert.equal((await caption(page, 1))[2].endsWith('1 refused'), true);
  const tl = await timeline(page);
  assert.ok(tl.some((x) => x.cls === 'rejected' && x.node === 1 && /client 1, token 2/.test(x.label)), 'a refused tick');
  assert.ok(tl.some((x) => x.cls === 'paused' && x.node === 2), 'the pause shows on client 1\'s row');
  assert.ok(tl.some((x) => x.cls === 'holding' && x.node === 2 && x.label === '#2'), 'client 1 held token 2 through it');
  await h.screenshot(page, 'lock');
  assertNoErrors(page);
});

test('preset kleppmann-nofence: the stale write lands and fencing turns red', async () => {
  const page = await openPreset('kleppmann-nofence', '4s');
  const v = await verdict(page);
  assert.equal(v.ok, false);
  assert.match(v.text, new RegExp(`${FENCING} violated`));
  assert.match(v.text, /accepted client 1's write with token 2 after accepting token 3/);
  assert.equal(v.unjudged, ONE_HOLDER, 'one-holder stays amber, apart from the red');
  assert.ok((await writes(page)).some((x) => x.stale && x.token === 2));
  assert.ok(await page.isChecked('[data-testid=bug-nofence]'));
  assert.ok(await page.isDisabled('[data-testid=play]'), 'the run stopped');
  await h.screenshot(page, 'lock-violation');
  assertNoErrors(page);
});

test('preset server-restart: a grace period, then the token numbering continues', async () => {
  const page = await openPreset('server-restart', '4s');
  const v = await verdict(page);
  assert.ok(v.ok && v.unjudged === '', JSON.stringify(v));
  const tl = await timeline(page);
  assert.ok(tl.some((x) => x.node === 0 && x.cls === 'grace'), 'the grace period is on the server\'s row');
  assert.ok(tl.some((x) => x.node === 0 && x.cls === 'down'), 'and the crash before it');
  const w = await writes(page);
  assert.ok(w.length >= 4 && w.every((x, i) => x.ok && (i === 0 || x.token > w[i - 1].token)), JSON.stringify(w));
  assert.match(await page.textContent('[data-testid=notes]'), /grace period over/);
  assertNoErrors(page);
});

test('preset bug-volatile: the restarted server grants token 1 again', async () => {
  const page = await openPreset('bug-volatile', '3s');
  const v = await verdict(page);
  assert.equal(v.ok, false);
  assert.match(v.text, new RegExp(`${TOKENS} violated`));
  assert.match(v.text, /token 1 granted to client 2 \(acquisition 0\.3\) after token 2 had gone to client 1/);
  assertNoErrors(page);
});

test('preset client-restart: the new life asks as acquisition 1.0 and the run stays green; bug-reuse turns red', async () => {
  const page = await openPreset('client-restart', '1.4s');
  const v = await verdict(page);
  assert.ok(v.ok && v.unjudged === '', JSON.stringify(v));
  assert.deepEqual((await caption(page, 2)).slice(0, 3), ['client 1', 'asking', 'acquisition 1.0']);
  assertNoErrors(page);

  const bug = await openPreset('bug-reuse', '2s');
  const b = await verdict(bug);
  assert.equal(b.ok, false);
  assert.match(b.text, new RegExp(`${TOKENS} violated`));
  assert.match(b.text, /client 1 \(life 1\) holds token 1, which client 1 held in life 0/);
  assert.ok(await bug.isChecked('[data-testid=bug-reuse]'));
  assertNoErrors(bug);
});

test('preset drift: clocks past the bound overlap holders, fencing still holds', async () => {
  const page = await openPreset('drift', '8s');
  const v = await verdict(page);
  assert.equal(v.ok, true);
  assert.equal(v.unjudged, ONE_HOLDER);
  const why = await page.textContent('[data-testid=unjudged]');
  assert.match(why, /drifts/);
  const overlaps = Number(why.match(/(\d+) overlaps? seen/)?.[1]);
  assert.ok(overlaps > 0, why);
  assert.ok((await storage(page)).refused >= 1, 'a stale write was refused');
  assert.ok((await caption(page, 0)).includes('clock +50%'));
  assert.ok((await caption(page, 2)).includes('clock −50%'));
  assert.match(await page.textContent('[data-testid=tl-row-0]'), /clock \+50%/);
  assertNoErrors(page);
});

test('preset bug-receipt: a lease counted from the grant\'s arrival overlaps another', async () => {
  const page = await openPreset('bug-receipt', '8s');
  const v = await verdict(page);
  assert.equal(v.ok, false);
  assert.match(v.text, new RegExp(`${ONE_HOLDER} violated`));
  assert.match(v.text, /believe they hold the lock/);
  assertNoErrors(page);
});

test('pausing and drifting by clicking land in the URL, and a shared link replays them', async () => {
  const page = await h.open('/lock?seed=3&speed=2');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 1_000_000);
  await pause(page);
  await page.click('[data-testid=node-2] .body');
  await page.waitForSelector('[data-testid=node-menu]');
  assert.match(await page.textContent('[data-testid=menu-pause]'), /Pause 2s \(a GC pause\)/);
  assert.equal(await page.$('[data-testid=menu-write]'), null);
  await page.click('[data-testid=menu-pause]');
  await page.waitForSelector('[data-testid=node-2][data-role=paused]');
  await page.click('[data-testid=node-0] .body');
  await page.click('[data-testid=menu-drift-fast]');
  await waitUntil('the pause and the drift in the caption, the URL, the notes and the timeline', async () => {
    assert.ok((await caption(page, 0)).includes('clock +50%'));
    assert.match(await search(page), /faults=pause:2:2s@[\d.]+m?s,drift:0:0\.5@[\d.]+m?s/);
    const notes = await page.textContent('[data-testid=notes]');
    assert.match(notes, /client 1 paused for 2s/);
    assert.match(notes, /lock server's clock runs 50% fast/);
    assert.ok(await page.$('[data-testid=timeline] .tl-paused'), 'the pause is drawn on the timeline');
  });
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 4_000_000);
  await pause(page);
  await page.click('[data-testid=share]');
  const url = await (await page.waitForSelector('[data-testid=share-result]')).getAttribute('data-url');
  assert.match(url, /\/lock\?p=lock&n=4&seed=3&faults=pause:2:2s@[^&]*drift:0:0\.5@[^&]*&speed=2&t=\d/);

  const copy = await h.open(url);
  assert.deepEqual(await status(copy), await status(page), 'same time, step count and trace hash');
  assert.deepEqual(await nodes(copy), await nodes(page));
  assert.deepEqual(await writes(copy), await writes(page));
  assert.deepEqual(await verdict(copy), await verdict(page));
  assert.deepEqual(await timeline(copy), await timeline(page));
  assert.equal(await copy.$('[data-testid=error-banner]'), null);
  assertNoErrors(page);
  assertNoErrors(copy);
});

test('lock settings restart the run and are written into the URL', async () => {
  const page = await h.open('/lock?seed=2&t=1s');
  await page.selectOption('[data-testid=ttl]', { label: '2s' });
  await waitUntil('ttl=2s in the URL', async () => assert.match(await search(page), /ttl=2s/));
  await page.selectOption('[data-testid=bound]', { label: '5%' });
  await waitUntil('bound=0.05 in the URL', async () => assert.match(await search(page), /bound=0\.05/));
  await page.selectOption('[data-testid=work]', { label: '1s–3s' });
  await waitUntil('work=1s-3s in the URL', async () => assert.match(await search(page), /work=1s-3s/));
  await page.selectOption('[data-testid=nodes]', '8');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="node-"][data-role]').length === 8);
  assert.equal(await page.$$eval('[data-testid=nodes] option', (els) => els.map((e) => e.value).join(',')), '3,4,5,6,7,8');
  await page.click('[data-testid=bug-receipt]');
  await waitUntil('bugs=receipt in the URL', async () => assert.match(await search(page), /bugs=receipt/));
  assertNoErrors(page);
});

test('?embed=1 shows the cluster and minimal controls without the chrome', async () => {
  const page = await h.open('/lock?seed=1&faults=pause:2:2s@900ms&t=2.5s&embed=1', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=node-0]',
  });
  await assertEmbed(page, 4, ['[data-testid=timeline]', '[data-testid=storage-writes]', '[data-testid=ttl]']);
  assert.match(await page.textContent('[data-testid=invariants]'), /2 invariants hold, 1 not judged/);
  await h.screenshot(page, 'lock-embed');
  assertNoErrors(page);
});

test('a bad URL shows a readable banner and runs the default lock scenario', async () => {
  for (const [query, field, text] of [
    ['p=lock&ttl=1ms', '“ttl”', /must be between/],
    ['rate=4', '“rate”', /raft and paxos only/],
    ['faults=write:2@1s', '“faults[1]”', /takes no client writes/],
    ['faults=drift:2:0.9@1s', '“faults[1]”', /at most 0\.5/],
    ['n=12', '“n”', /between 3 and 8/],
  ]) {
    const page = await h.open(`/lock?${query}`);
    const msg = await (await page.waitForSelector('[data-testid=error-banner]')).textContent();
    assert.ok(msg.includes(field), `${query}: ${msg}`);
    assert.match(msg, text, query);
    assert.equal((await nodes(page)).length, 4, 'the default cluster runs');
    if (query.includes('ttl')) {
      assert.equal(await page.evaluate(() => location.pathname), '/lock');
      await h.screenshot(page, 'lock-bad-url');
    }
    assertNoErrors(page);
  }
});

test('phone layout: no sideways scrolling, captions and timeline fit', async () => {
  const page = await h.open('/lock?p=lock&n=4&seed=16&faults=drift:0:0.5@0s,drift:2:-0.5@0s&t=6s', {
    viewport: { width: 390, height: 844 },
  });
  const overflow = await sidewaysOverflow(page);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  const clipped = await clippedCaptions(page);
  assert.deepEqual(clipped, [], 'captions fit');
  const tl = await page.$eval('[data-testid=timeline]', (el) => el.getBoundingClientRect().toJSON());
  assert.ok(tl.left >= 0 && tl.right <= 390, JSON.stringify(tl));
  const size = await page.$eval('.cluster .caption', (el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 18, `captions are drawn large on a phone (${size}px before scaling)`);
  await h.screenshot(page, 'lock-phone');
  assertNoErrors(page);
});

test('p=lock decides the page, and the address follows it', async () => {
  const page = await h.open('/raft?p=lock&n=5&t=0.5s');
  assert.equal(await page.getAttribute('[data-testid=nav-lock]', 'aria-current'), 'page');
  assert.equal(await page.evaluate(() => location.pathname), '/lock');
  assert.equal((await nodes(page)).length, 5);
  assert.equal(await page.$('[data-testid=error-banner]'), null);
  await page.click('[data-testid=nav-paxos]');
  await page.waitForSelector('[data-testid=nav-paxos][aria-current=page]');
  assertNoErrors(page);
});
