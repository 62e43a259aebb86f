// Reading a playground page (any protocol) from its DOM: the status line's data attributes,
// the nodes' roles, the play button. Simulated facts only, never frame timing.
import assert from 'node:assert/strict';
import { assertNoErrors, waitUntil } from '../lib/harness.mjs';

export const NODE = '[data-testid^="node-"]';

/** Status line as numbers/strings: { time, steps, hash }. */
export async function status(page) {
  return page.$eval('[data-testid=status]', (el) => ({
    time: Number(el.dataset.time),
    steps: Number(el.dataset.steps),
    hash: el.dataset.hash,
  }));
}

/** Every node's id, role and term (Paxos: the promised round). */
export async function nodes(page) {
  return page.$$eval(NODE, (els) =>
    els.map((el) => ({ id: Number(el.dataset.testid.slice(5)), role: el.dataset.role, term: Number(el.dataset.term) })),
  );
}

/** Pauses the run if it is playing. */
export async function pause(page) {
  if ((await page.getAttribute('[data-testid=play]', 'aria-label')) === 'pause') {
    await page.click('[data-testid=play]');
  }
  await page.waitForSelector('[data-testid=play][aria-label=play]');
}

/** The address bar's query. */
export function search(page) {
  return page.evaluate(() => location.search);
}

/** Simulated instants (seconds) of the notes whose text matches `re`, newest first. */
export async function noteTimes(page, re) {
  // The notes panel redraws at most ten times a second (PANEL_DRAW_MS), so a note can trail the
  // picture by a frame or more: wait (with a deadline) for a first match before reading.
  await page
    .waitForFunction(
      ([source, flags]) =>
        [...document.querySelectorAll('.notes li')].some((el) => new RegExp(source, flags).test(el.textContent)),
      [re.source, re.flags],
      { timeout: 5_000 },
    )
    .catch(() => {});
  const notes = await page.$$eval('.notes li', (els) => els.map((el) => el.textContent));
  return notes.filter((t) => re.test(t)).map((t) => parseFloat(t));
}

/**
 * Checks an `embed=1` page in a 600×400 frame: `n` nodes, none of `gone` (chrome and panels),
 * play, step and the invariant badge kept, and the picture fits without scrolling.
 */
export async function assertEmbed(page, n, gone) {
  assert.equal((await nodes(page)).length, n);
  for (const sel of ['h1', 'nav', '.lede', '[data-testid=notes]', '[data-testid=share]', ...gone]) {
    assert.equal(await page.$(sel), null, `${sel} hidden in embed mode`);
  }
  for (const kept of ['play', 'step', 'invariants']) assert.ok(await page.$(`[data-testid=${kept}]`), kept);
  const box = await page.$eval('.cluster svg', (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.bottom <= 400 && box.right <= 600 && box.height > 250, JSON.stringify(box));
  assert.ok(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight), 'no scrolling');
}

/** The caption lines beside node `id`. */
export async function caption(page, id) {
  return page.$eval(`[data-testid=node-${id}] .caption`, (el) => [...el.querySelectorAll('tspan')].map((t) => t.textContent));
}

/** The timeline widget's spans and marks in its window: { node, cls, label, open, kind }. */
export async function timeline(page) {
  return page.$$eval('[data-testid=timeline] [data-class]', (els) =>
    els.map((el) => ({
      node: Number(el.dataset.node),
      cls: el.dataset.class,
      label: el.dataset.label ?? '',
      open: el.dataset.open ?? '',
      kind: el.getAttribute('class'),
    })),
  );
}

/** How many pixels the page is wider than the viewport (0 or less: no sideways scrolling). */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
}

/** The node captions that stick out of the cluster picture. */
export async function clippedCaptions(page) {
  return page.$$eval('.cluster .caption', (els) => {
    const svg = els[0].ownerSVGElement.getBoundingClientRect();
    return els
      .filter((el) => {
        const b = el.getBoundingClientRect();
        return b.left < svg.left - 1 || b.right > svg.right + 1 || b.top < svg.top - 1 || b.bottom > svg.bottom + 1;
      })
      .map((el) => el.textContent);
  });
}

/**
 * Picks preset `id` from the menu of page `path` (protocol `p`), checks the URL names it, then
 * reopens that URL at `t` (run to that instant and pause) and returns the page.
 */
export async function openPreset(h, path, p, id, t, opts) {
  const menu = await h.open(`${path}?seed=99`); // not a preset, so every pick is a change
  const before = await search(menu);
  await menu.selectOption('[data-testid=preset]', id);
  const query = await waitUntil(`preset ${id} picked and written into the URL`, async () => {
    assert.equal(await menu.$eval('[data-testid=preset]', (el) => el.value), id);
    const query = await search(menu);
    assert.notEqual(query, before, 'the URL still holds the run before the pick');
    assert.match(query, new RegExp(`^\\?p=${p}&`));
    return query;
  });
  assertNoErrors(menu);
  await menu.context().close();
  const page = await h.open(`${path}${query}&t=${t}`, opts);
  assert.equal(await page.$eval('[data-testid=preset]', (el) => el.value), id, 'the reopened run is still the preset');
  assert.equal((await status(page)).time > 0, true);
  return page;
}
