// Reading a playground page (any protocol) from its DOM: the status line's data attributes,
// the nodes' roles, the play button. Simulated facts only, never frame timing.
import assert from 'node:assert/strict';

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
