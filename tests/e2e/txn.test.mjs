// The atomic commit page end to end: every preset's outcome as the page shows it (2PC blocking
// with the participants' blocked counters, a participant's crash, 3PC deciding alone, 3PC
// splitting under a partition with the note that it is the protocol, the commit-on-timeout bug),
// the 2PC/3PC switch and settings in the URL, a clicked crash in the URL and a shared link that
// replays it, embedding, bad links and the phone layout. Presets are picked from the page's own
// menu; each is then reopened with `t=` (run to an instant and pause), so the assertions read a
// fixed simulated state from data attributes, never frame timing.
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

const ATOMICITY = 'atomicity';
const VALIDITY = 'commit only if all voted yes';
const SEC = 1_000_000;

const openPreset = (id, t, opts) => openPresetOf(h, '/txn', 'txn', id, t, opts);

/** The invariant panel: verdict and text. */
async function verdict(page) {
  return page.$eval('[data-testid=invariants]', (el) => ({ ok: el.dataset.ok === 'true', text: el.textContent }));
}

/** The participants table: { id, role, doubt, blocked } (µs), in node order. */
async function participants(page) {
  return page.$$eval('[data-testid^=participant-]', (els) =>
    els.map((el) => ({
      id: Number(el.dataset.testid.split('-')[1]),
      role: el.dataset.role,
      doubt: Number(el.dataset.doubt),
      blocked: Number(el.dataset.blocked),
    })),
  );
}

/** Transaction `n` in the outcomes table: its outcome and each node's { node, state, at }. */
async function txn(page, n) {
  return page.$eval(`[data-testid=txn-${n}]`, (el) => ({
    outcome: el.dataset.outcome,
    cells: [...el.querySelectorAll('td[data-node]')].map((td) => ({
      node: Number(td.dataset.node),
      state: td.dataset.state,
      at: td.dataset.at === undefined ? null : Number(td.dataset.at),
    })),
  }));
}

async function tally(page) {
  return page.$eval('[data-testid=txn-sum]', (el) => ({ committed: Number(el.dataset.committed), aborted: Number(el.dataset.aborted) }));
}

test('the page explains itself; the coordinator and participants are drawn; no client-write button', async () => {
  const page = await h.open('/txn?seed=1&t=0.81s');
  assert.match(await page.textContent('.lede'), /Two-phase commit.*in doubt/);
  assert.equal(await page.getAttribute('[data-testid=nav-txn]', 'aria-current'), 'page');
  assert.equal(await page.textContent('[data-testid=nav-txn]'), '2PC/3PC');
  const v = await nodes(page);
  assert.deepEqual(v.map((n) => n.role), ['coordinator', 'working', 'working', 'working'], 'txn 2: votes being logged');
  assert.deepEqual(v.map((n) => n.term), [2, 2, 2, 2]);
  const labels = await page.$$eval('.cluster .node .label', (els) => els.map((e) => e.textContent));
  assert.deepEqual(labels, ['C', 'P1', 'P2', 'P3']);
  assert.deepEqual(await caption(page, 0), ['coordinator', 'txn 2: 0/3 yes votes', '0 committed · 1 aborted']);
  assert.deepEqual(await caption(page, 1), ['txn 2', 'logging vote']);
  assert.equal(await page.$('[data-testid=write]'), null, 'the coordinator makes its own transactions');
  const explainer = await page.textContent('[data-testid=explainer]');
  for (const must of [/in doubt/, /PreCommit/, /partition/, /Paxos Commit/, /Spanner/, /Gray, Notes on Data Base Operating Systems \(1978\)/, /Skeen, Nonblocking/, /Gray & L\. Lamport, Consensus on Transaction Commit/]) {
    assert.match(explainer, must);
  }
  assert.equal(await page.$$eval('[data-testid^=link-]', (els) => els.length), 3, 'the coordinator\'s links only');
  assert.equal(await page.$$eval('[data-testid=timeline] [data-testid^=tl-row-]', (els) => els.length), 4);
  assert.equal(await page.getAttribute('[data-testid=mode-2pc]', 'aria-pressed'), 'true');
  assertNoErrors(page);
});

test('preset 2pc: transactions commit, one with a no vote aborts everywhere, both invariants hold', async () => {
  const page = await openPreset('2pc', '8s');
  const v = await verdict(page);
  assert.ok(v.ok, v.text);
  assert.match(v.text, /2 invariants hold/);
  const t = await tally(page);
  assert.ok(t.committed >= 5 && t.aborted >= 1, JSON.stringify(t));
  assert.match(await page.textContent('[data-testid=txn-sum]'), new RegExp(`decided ${t.committed} commits · ${t.aborted} aborts?`));
  const rows = await page.$$eval('[data-testid^=txn-]:is(tr)', (els) => els.map((el) => el.dataset.outcome));
  assert.ok(rows.includes('committed') && rows.includes('aborted'), rows.join());
  assert.ok(!rows.includes('split'));
  const tl = await timeline(page);
  assert.ok(tl.some((x) => x.cls === 'committed' && x.node === 1), 'commit ticks');
  assert.ok(tl.some((x) => x.cls === 'aborted' && x.node === 0 && /ABORT/.test(x.label)), 'an abort tick');
  await h.screenshot(page, 'txn');
  assertNoErrors(page);
});

test('preset 2pc-blocking: every participant sits in doubt with its locks held until the coordinator returns', async () => {
  const page = await openPreset('2pc-blocking', '5.5s');
  assert.ok((await verdict(page)).ok);
  const v = await nodes(page);
  assert.deepEqual(v.map((n) => n.role), ['crashed', 'in-doubt', 'in-doubt', 'in-doubt']);
  for (const id of [1, 2, 3]) {
    const lines = await caption(page, id);
    assert.equal(lines[0], 'txn 2');
    assert.equal(lines[1], 'in doubt');
    const secs = Number(lines[2].match(/^blocked (\d+\.\d) s$/)?.[1]);
    assert.ok(secs >= 4.5, `participant ${id}: ${lines}`);
    assert.equal(lines[3], 'locks held');
  }
  for (const p of await participants(page)) {
    assert.equal(p.role, 'in-doubt');
    assert.ok(p.doubt >= 4.5 * SEC && p.blocked >= p.doubt, JSON.stringify(p));
  }
  assert.deepEqual(await caption(page, 0), ['coordinator', 'crashed', 'txn 2: no decision logged', '0 committed · 1 aborted']);
  const t2 = await txn(page, 2);
  assert.equal(t2.outcome, 'open');
  assert.deepEqual(t2.cells.map((c) => c.state), ['none', 'in-doubt', 'in-doubt', 'in-doubt']);
  const tl = await timeline(page);
  for (const id of [1, 2, 3]) {
    assert.ok(tl.some((x) => x.node === id && x.cls === 'in-doubt' && x.open === 'true'), `participant ${id} in doubt on the timeline`);
    assert.match(await page.textContent(`[data-testid=tl-row-${id}]`), /blocked 4\.\d s/);
  }
  assert.ok(tl.some((x) => x.node === 0 && x.cls === 'down'));
  await h.screenshot(page, 'txn-blocking');
  assertNoErrors(page);

  // After the coordinator's restart at 6 s: presumed abort, nobody in doubt, blocked about 5.2 s.
  const query = (await search(page)).replace(/&t=[^&]*/, '');
  assert.match(query, /faults=crash:0@840ms,restart:0@6s/);
  const later = await h.open(`/txn${query}&t=7s`);
  assert.ok((await verdict(later)).ok);
  assert.ok((await nodes(later)).every((n) => n.role !== 'in-doubt' && n.role !== 'crashed'), JSON.stringify(await nodes(later)));
  for (const p of await participants(later)) {
    assert.equal(p.doubt, 0, JSON.stringify(p));
    assert.ok(p.blocked >= 5 * SEC && p.blocked < 5.5 * SEC, JSON.stringify(p));
  }
  const after2 = await txn(later, 2);
  assert.equal(after2.outcome, 'aborted');
  assert.ok(after2.cells.slice(1).every((c) => c.state === 'aborted' && c.at > 6 * SEC), JSON.stringify(after2));
  assert.match(await page.textContent('[data-testid=preset-about]'), /in doubt/);
  assertNoErrors(later);
});

test('preset 2pc-participant-crash: a missing vote aborts txn 2 at the timeout', async () => {
  const page = await openPreset('2pc-participant-crash', '3s');
  assert.ok((await verdict(page)).ok);
  const t2 = await txn(page, 2);
  assert.equal(t2.outcome, 'aborted');
  assert.deepEqual(t2.cells.map((c) => c.state), ['aborted', 'aborted', 'none', 'aborted'], 'participant 2 never voted');
  assert.match(await page.textContent('[data-testid=notes]'), /txn 2: 1 vote\(s\) missing at the timeout/);
  assertNoErrors(page);
});

test('preset 3pc-coordinator-crash: the participants commit txn 2 on their own while the coordinator is down', async () => {
  const page = await openPreset('3pc-coordinator-crash', '3s');
  assert.ok((await verdict(page)).ok);
  assert.equal(await page.getAttribute('[data-testid=mode-3pc]', 'aria-pressed'), 'true');
  assert.equal((await nodes(page))[0].role, 'crashed');
  const t2 = await txn(page, 2);
  assert.equal(t2.outcome, 'committed');
  for (const c of t2.cells.slice(1)) {
    assert.equal(c.state, 'committed');
    assert.ok(c.at > 0.87 * SEC && c.at < 6 * SEC, `committed while the coordinator was down: ${JSON.stringify(c)}`);
  }
  for (const p of await participants(page)) {
    assert.ok(p.blocked > 0 && p.blocked < 2 * SEC && p.doubt === 0, JSON.stringify(p));
  }
  assert.match(await page.textContent('[data-testid=notes]'), /participant 1: no word on txn 2; decides alone/);
  assertNoErrors(page);
});

test('preset 3pc-partition: atomicity breaks, and the page says it is 3PC itself, not a bug', async () => {
  const page = await openPreset('3pc-partition', '3s');
  const v = await verdict(page);
  assert.equal(v.ok, false);
  assert.match(v.text, new RegExp(`${ATOMICITY} violated`));
  assert.match(v.text, /txn 2: the coordinator committed, participant 2 aborted/);
  const note = page.locator('[data-testid=verdict-note]');
  assert.ok(await note.isVisible(), 'the explanation is on screen');
  assert.equal(await note.getAttribute('data-kind'), 'protocol');
  assert.match(await note.textContent(), /Not a bug: this is three-phase commit itself\..*partition.*consensus/);
  assert.equal(await page.isChecked('[data-testid=bug-committimeout]'), false, 'no bug switch is on');
  const t2 = await txn(page, 2);
  assert.equal(t2.outcome, 'split');
  assert.deepEqual(t2.cells.slice(1, 3).map((c) => c.state), ['committed', 'aborted']);
  assert.ok(await page.isDisabled('[data-testid=play]'), 'the run stopped');
  assert.equal(await page.$$eval('.cluster .link.cut', (els) => els.length), 2, 'the coordinator is cut off from 2 and 3');
  await h.screenshot(page, 'txn-violation');
  assertNoErrors(page);
});

test('preset bug-committimeout: committing without every vote breaks validity', async () => {
  const page = await openPreset('bug-committimeout', '2s&speed=10');
  const v = await verdict(page);
  assert.equal(v.ok, false);
  assert.match(v.text, new RegExp(`${VALIDITY} violated`));
  assert.match(v.text, /the coordinator committed txn 2, but participant 2 never voted yes/);
  assert.equal(await page.getAttribute('[data-testid=verdict-note]', 'data-kind'), 'bug');
  assert.ok(await page.isChecked('[data-testid=bug-committimeout]'));
  // Switching the bug off reruns the same faults, and the transaction aborts instead.
  await page.click('[data-testid=bug-committimeout]');
  await waitUntil('bugs= gone from the URL', async () => assert.doesNotMatch(await search(page), /bugs=/));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 1_300_000);
  assert.ok((await verdict(page)).ok);
  assert.equal(await page.$('[data-testid=verdict-note]'), null);
  assertNoErrors(page);
});

test('the 2PC/3PC switch and the settings restart the run and land in the URL', async () => {
  const page = await h.open('/txn?seed=2&t=1s');
  assert.equal(await page.$$eval('.tl-legend .tl-precommitted', (els) => els.length), 0, '2PC: no pre-commit');
  await page.click('[data-testid=mode-3pc]');
  await waitUntil('3PC selected, in the URL, and the run restarted', async () => {
    assert.match(await search(page), /^\?p=txn&n=4&seed=2&mode=3pc$/);
    assert.equal(await page.getAttribute('[data-testid=mode-3pc]', 'aria-pressed'), 'true');
    assert.match(await page.textContent('.lede'), /Three-phase commit/);
    assert.equal(await page.$$eval('.tl-legend .tl-precommitted', (els) => els.length), 1);
    assert.ok((await status(page)).time < SEC, 'the run restarted');
  });
  await page.selectOption('[data-testid=no]', { label: '25%' });
  await waitUntil('no=25 in the URL', async () => assert.match(await search(page), /no=25/));
  await page.selectOption('[data-testid=timeout]', { label: '1s' });
  await waitUntil('timeout=1s in the URL', async () => assert.match(await search(page), /timeout=1s/));
  await page.selectOption('[data-testid=nodes]', '6');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="node-"][data-role]').length === 6);
  assert.equal(await page.$$eval('[data-testid=nodes] option', (els) => els.map((e) => e.value).join(',')), '2,3,4,5,6,7,8');
  await waitUntil('n=6 in the URL', async () => assert.equal(await search(page), '?p=txn&n=6&seed=2&mode=3pc&no=25&timeout=1s'));
  await page.click('[data-testid=mode-2pc]');
  await waitUntil('mode=3pc gone from the URL', async () =>
    assert.equal(await search(page), '?p=txn&n=6&seed=2&no=25&timeout=1s'),
  );
  await page.click('[data-testid=bug-committimeout]');
  await waitUntil('bugs=committimeout in the URL', async () => assert.match(await search(page), /bugs=committimeout/));
  assertNoErrors(page);
});

test('a clicked crash lands in the URL, and a shared link replays it', async () => {
  const page = await h.open('/txn?seed=3&speed=2');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 1_000_000);
  await pause(page);
  await page.click('[data-testid=node-0] .body');
  await page.waitForSelector('[data-testid=node-menu]');
  assert.equal(await page.$('[data-testid=menu-write]'), null);
  assert.equal(await page.$('[data-testid=menu-drift-fast]'), null, 'clocks do not matter here');
  await page.click('[data-testid=menu-crash]');
  await page.waitForSelector('[data-testid=node-0][data-role=crashed]');
  await waitUntil('the crash in the URL, the notes and the caption', async () => {
    assert.match(await search(page), /^\?p=txn&n=4&seed=3&faults=crash:0@[\d.]+m?s&speed=2$/);
    assert.match(await page.textContent('[data-testid=notes]'), /coordinator crashed/);
    assert.equal((await caption(page, 0))[1], 'crashed');
  });
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 3_000_000);
  await pause(page);
  await page.click('[data-testid=share]');
  const url = await (await page.waitForSelector('[data-testid=share-result]')).getAttribute('data-url');
  assert.match(url, /\/txn\?p=txn&n=4&seed=3&faults=crash:0@[^&]+&speed=2&t=\d/);

  const copy = await h.open(url);
  assert.deepEqual(await status(copy), await status(page), 'same time, step count and trace hash');
  assert.deepEqual(await nodes(copy), await nodes(page));
  assert.deepEqual(await participants(copy), await participants(page));
  assert.deepEqual(await verdict(copy), await verdict(page));
  assert.deepEqual(await timeline(copy), await timeline(page));
  assert.equal(await copy.$('[data-testid=error-banner]'), null);
  // Crashed with no decision logged: whoever voted yes is still in doubt, and says so.
  const doubt = (await participants(copy)).filter((p) => p.role === 'in-doubt');
  for (const p of doubt) assert.match((await caption(copy, p.id)).join(' '), /blocked \d+\.\d s locks held/);
  assertNoErrors(page);
  assertNoErrors(copy);
});

test('?embed=1 shows the cluster and minimal controls without the chrome', async () => {
  const page = await h.open('/txn?p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s&t=3s&embed=1', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=node-0]',
  });
  await assertEmbed(page, 4, ['[data-testid=timeline]', '[data-testid=participants]', '[data-testid=transactions]', '[data-testid=mode-2pc]']);
  assert.match(await page.textContent('[data-testid=invariants]'), /2 invariants hold/);
  assert.deepEqual((await nodes(page)).map((n) => n.role), ['crashed', 'in-doubt', 'in-doubt', 'in-doubt']);
  await h.screenshot(page, 'txn-embed');
  assertNoErrors(page);
});

test('a bad URL shows a readable banner and runs the default commit scenario', async () => {
  for (const [query, field, text] of [
    ['p=txn&mode=4pc', '“mode”', /expected 2pc or 3pc, got "4pc"/],
    ['p=txn&n=9', '“n”', /between 2 and 8/],
    ['no=101', '“no”', /percentage, 0 to 100/],
    ['timeout=1ms', '“timeout”', /must be between 10ms and 60s/],
    ['faults=write:1@1s', '“faults[1]”', /takes no client writes/],
  ]) {
    const page = await h.open(`/txn?${query}`);
    const msg = await (await page.waitForSelector('[data-testid=error-banner]')).textContent();
    assert.ok(msg.includes(field), `${query}: ${msg}`);
    assert.match(msg, text, query);
    assert.equal((await nodes(page)).length, 4, 'the default cluster runs');
    assert.equal(await page.getAttribute('[data-testid=mode-2pc]', 'aria-pressed'), 'true');
    if (query.includes('mode')) {
      assert.equal(await page.evaluate(() => location.pathname), '/txn');
      await h.screenshot(page, 'txn-bad-url');
    }
    assertNoErrors(page);
  }
});

test('phone layout: no sideways scrolling; captions, the blocked counters and the tables fit', async () => {
  const page = await h.open('/txn?p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s&t=5.5s', {
    viewport: { width: 390, height: 844 },
  });
  const overflow = await sidewaysOverflow(page);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  const clipped = await clippedCaptions(page);
  assert.deepEqual(clipped, [], 'captions fit');
  assert.match((await caption(page, 2)).join(' '), /blocked 4\.\d s locks held/, 'the bottom participant\'s counter is there');
  for (const sel of ['[data-testid=timeline]', '[data-testid=participants]', '[data-testid=transactions]', 'nav.pages']) {
    const box = await page.$eval(sel, (el) => el.getBoundingClientRect().toJSON());
    assert.ok(box.left >= 0 && box.right <= 390, `${sel}: ${JSON.stringify(box)}`);
  }
  const size = await page.$eval('.cluster .caption', (el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 18, `captions are drawn large on a phone (${size}px before scaling)`);
  await h.screenshot(page, 'txn-phone');
  assertNoErrors(page);
});

test('p=txn decides the page, and the address follows it', async () => {
  const page = await h.open('/raft?p=txn&n=5&t=0.5s');
  assert.equal(await page.getAttribute('[data-testid=nav-txn]', 'aria-current'), 'page');
  assert.equal(await page.evaluate(() => location.pathname), '/txn');
  assert.equal((await nodes(page)).length, 5);
  assert.equal(await page.$('[data-testid=error-banner]'), null);
  await page.click('[data-testid=nav-lock]');
  await page.waitForSelector('[data-testid=nav-lock][aria-current=page]');
  assertNoErrors(page);
});
