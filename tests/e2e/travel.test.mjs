// Time travel and the space-time diagram (issue 14): scrub to an instant and step either way,
// click an arrow to travel to its send, fork the run with a fault clicked in the past, compare
// the run with a bug switch flipped, and the diagram alone in embed mode. Every check reads the
// page's data attributes and waits for them (with a deadline), never for a timer tick.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { status, search, nodes } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const RAFT = '/raft?n=5&seed=4&rate=20&loss=0.05&faults=crash:0@1s,restart:0@1.8s,part:1.2/3.4.0@2.5s,heal@3.2s';

/** The scrubber's data attributes as numbers. */
async function scrubber(page) {
  return page.$eval('[data-testid=scrubber]', (el) => ({
    now: Number(el.dataset.now),
    end: Number(el.dataset.end),
    step: Number(el.dataset.step),
    last: Number(el.dataset.last),
    past: el.dataset.past === 'true',
  }));
}

/** Clicks a download button; returns the file's name and text. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

/** Drags the slider to `ms` (fill sets the value and fires `input`, as a drag does). */
async function scrubTo(page, ms) {
  await page.fill('[data-testid=scrub-range]', String(ms));
  await waitUntil(`the page at ${ms} ms`, async () => assert.equal((await scrubber(page)).now, ms * 1000));
}

test('scrubbing lands on the instant a link to it replays, and steps go both ways', async () => {
  const page = await h.open(`${RAFT}&t=4s`);
  const end = await status(page);
  assert.equal(end.time, 4_000_000);
  // A real drag: the slider stays the same element under the pointer while the page lands on
  // each instant it passes.
  const box = await page.locator('[data-testid=scrub-range]').boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.9, y);
  await page.mouse.down();
  const seen = new Set();
  for (const f of [0.8, 0.6, 0.4, 0.3]) {
    await page.mouse.move(box.x + box.width * f, y, { steps: 4 });
    await waitUntil(`the page landed near ${f} of the run`, async () => {
      const s = await scrubber(page);
      assert.ok(s.past && Math.abs(s.now / s.end - f) < 0.05, JSON.stringify(s));
      seen.add(s.now);
    });
  }
  await page.mouse.up();
  assert.ok(seen.size >= 4, `landed on every instant dragged over: ${[...seen]}`);
  await scrubTo(page, 2000);
  const at2 = await status(page);
  const s = await scrubber(page);
  assert.ok(s.past && s.end === 4_000_000 && s.last === end.steps, JSON.stringify(s));
  assert.ok(at2.steps < end.steps);
  // Node 0 crashed at 1 s and restarted at 1.8 s; at 1.5 s it is down.
  await scrubTo(page, 1500);
  await waitUntil('node 0 crashed at 1.5 s', async () =>
    assert.equal((await nodes(page)).find((n) => n.id === 0).role, 'crashed'),
  );
  await scrubTo(page, 2000);
  assert.equal((await status(page)).hash, at2.hash, 'the same instant, the same run');
  // The same instant from a fresh link.
  const fresh = await h.open(`${RAFT}&t=2s`);
  assert.equal((await status(fresh)).hash, at2.hash, 'a link to 2 s lands where the scrubber did');
  await fresh.close();
  // One event back, one forward.
  await page.click('[data-testid=scrub-back]');
  await waitUntil('one event back', async () => assert.equal((await status(page)).steps, at2.steps - 1));
  await page.click('[data-testid=scrub-forward]');
  await waitUntil('one event forward', async () => assert.equal((await status(page)).steps, at2.steps));
  // And back to where the run had got.
  await page.click('[data-testid=scrub-live]');
  await waitUntil('back at the frontier', async () => {
    const st = await status(page);
    assert.equal(st.hash, end.hash);
    assert.equal((await scrubber(page)).past, false);
  });
  assertNoErrors(page);
  await h.screenshot(page, 'travel-raft');
  await page.close();
});

test('a click on an arrow travels to its send; hovering shows what it carried', async () => {
  const page = await h.open(`${RAFT}&t=3s`);
  await page.waitForSelector('[data-testid=diagram-svg] line.arrow', { state: 'attached' });
  const arrow = await page.$$eval('[data-testid=diagram-svg] line.arrow:not(.client)', (els) => {
    const el = els[Math.floor(els.length / 2)];
    return { id: el.dataset.id, step: Number(el.dataset.step) };
  });
  const sel = `[data-testid=diagram-svg] line.arrow[data-id="${arrow.id}"]`;
  // The diagram handles pointer events on the whole picture and finds the arrow under them, so an
  // event dispatched on the arrow is what a pointer on it sends.
  await page.dispatchEvent(sel, 'mouseover');
  await waitUntil('the message under the pointer described', async () => {
    const text = await page.textContent('[data-testid=diagram-hover]');
    assert.match(text, /term/);
  });
  await page.dispatchEvent(sel, 'click');
  await waitUntil('the page at the arrow\'s send', async () => {
    assert.equal((await status(page)).steps, arrow.step);
    assert.equal((await scrubber(page)).past, true);
  });
  // The cursor is drawn where the page now is, and later arrows are faded.
  await page.waitForSelector('[data-testid=diagram-svg] .cursor-line', { state: 'attached' });
  assert.ok((await page.$$('[data-testid=diagram-svg] line.arrow.future')).length > 0);
  // Filters: hide heartbeats, then one message type.
  const count = async () => Number(await page.getAttribute('[data-testid=diagram-svg]', 'data-in-window'));
  const all = await count();
  await page.check('[data-testid=diagram-hide-routine]');
  await waitUntil('heartbeats hidden', async () => assert.ok((await count()) < all));
  // Exports: the diagram as a standalone SVG (with its stylesheet), the run as a text trace.
  const svg = await download(page, 'diagram-svg-export');
  assert.equal(svg.name, 'space-time.svg');
  assert.match(svg.text, /^<\?xml[^]*<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<style>[^]*\.diagram line\.arrow[^]*<\/svg>/);
  const drawn = Number(await page.getAttribute('[data-testid=diagram-svg]', 'data-arrows'));
  assert.equal((svg.text.match(/<line [^>]*class="arrow /g) ?? []).length, drawn, 'every drawn arrow is in the file');
  const trace = await download(page, 'diagram-trace');
  assert.equal(trace.name, 'raft-trace.txt');
  const lines = trace.text.trim().split('\n');
  assert.match(lines[0], /^# HA Lab trace: Raft \/raft\?p=raft&n=5&seed=4/);
  const last = lines.filter((l) => !l.startsWith('#')).at(-1);
  assert.equal(Number(last.trim().split(/\s+/)[0]), arrow.step, 'the trace ends at the instant on screen');
  await page.selectOption('[data-testid=diagram-only]', 'AppendReply');
  await waitUntil('only AppendReply', async () => {
    const labels = await page.$$eval('[data-testid=diagram-svg] line.arrow', (els) => els.map((e) => e.dataset.label));
    assert.ok(labels.length > 0 && labels.every((l) => l === 'AppendReply'), labels.join(','));
  });
  assertNoErrors(page);
  await page.close();
});

test('a fault clicked in the past forks the run, and the link replays the fork', async () => {
  const page = await h.open(`${RAFT}&t=4s`);
  await scrubTo(page, 2000);
  await page.click('[data-testid=node-3]');
  await page.waitForSelector('[data-testid=node-menu]');
  await page.click('[data-testid=menu-crash]');
  await page.waitForSelector('[data-testid=fork]');
  const fork = await page.$eval('[data-testid=fork]', (el) => ({ at: Number(el.dataset.at), cut: Number(el.dataset.cut) }));
  assert.deepEqual(fork, { at: 2_000_000, cut: 2 }, 'the partition and the heal after 2 s are cut');
  await waitUntil('the fork in the URL', async () => {
    const q = await search(page);
    assert.match(q, /crash:3@2\.001s/);
    assert.doesNotMatch(q, /part:|heal/);
  });
  assert.equal((await scrubber(page)).past, false, 'the fork is the run now');
  await page.waitForSelector('[data-testid=node-3][data-role=crashed]');
  const here = await status(page);
  // The link replays the fork exactly.
  const q = await search(page);
  const again = await h.open(`/raft${q}&t=${here.time / 1e6}s`);
  assert.equal((await status(again)).hash, here.hash);
  await again.close();
  await h.screenshot(page, 'travel-fork');
  assertNoErrors(page);
  await page.close();
});

test('compare: the same run with a bug switch flipped, and where the two part', async () => {
  const page = await h.open('/raft?n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms&t=1s');
  await page.selectOption('[data-testid=compare-bug]', 'forget');
  await page.waitForSelector('[data-testid=divergence]');
  const d = await page.$eval('[data-testid=divergence]', (el) => ({ step: el.dataset.step, time: Number(el.dataset.time), text: el.textContent }));
  assert.notEqual(d.step, 'none', d.text);
  assert.ok(d.time >= 104_000 && d.time <= 1_000_000, JSON.stringify(d));
  assert.match(d.text, /With forget off/);
  await page.waitForSelector('[data-testid=diagram-compare]');
  // The window (the first second) shows the divergence on both diagrams, and the violation on this
  // run's.
  await page.waitForSelector('[data-testid=diagram-svg] .violation-line', { state: 'attached' });
  await waitUntil('the divergence marked on both diagrams', async () => {
    assert.ok(await page.$('[data-testid=diagram-svg] .divergence-line'));
    assert.ok(await page.$('[data-testid=diagram-compare] .divergence-line'));
  });
  await h.screenshot(page, 'travel-compare');
  assertNoErrors(page);
  await page.close();
});

test('view=diagram embeds the diagram alone, and it scrolls sideways on a phone', async () => {
  const page = await h.open('/raft?n=3&seed=2&embed=1&view=diagram&t=2s', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=diagram-svg]',
  });
  await page.waitForSelector('[data-testid=diagram-svg] line.arrow', { state: 'attached' });
  assert.equal(await page.$('[data-testid=node-0]'), null, 'no cluster picture');
  assert.equal(await page.$('[data-testid=diagram-trace]'), null, 'no exports when embedded');
  assertNoErrors(page);
  await page.close();
  const phone = await h.open('/raft?n=5&seed=2&t=2s', { viewport: { width: 390, height: 800 } });
  const box = await phone.$eval('.diagram-scroll', (el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
  assert.ok(box.scroll > box.client, `the diagram scrolls inside its card: ${JSON.stringify(box)}`);
  const page_w = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(page_w <= 392, `the page itself does not scroll sideways: ${page_w}`);
  await h.screenshot(phone, 'travel-phone');
  assertNoErrors(phone);
  await phone.close();
});

test('every simulated page has the scrubber and the diagram', async () => {
  for (const p of ['paxos', 'lock', 'txn', 'lb']) {
    const page = await h.open(`/${p}?t=1s`);
    await page.waitForSelector('[data-testid=diagram-svg] line.arrow', { state: 'attached' });
    await scrubTo(page, 500);
    assert.equal((await status(page)).time, 500_000, p);
    assertNoErrors(page);
    await page.close();
  }
});
