// The Raft playground end to end: elections, the node menu, sharing a run by URL, bad URLs,
// embedding, and a bug switch caught by the invariant checker. Runs use high speed or `t=`
// (run to an instant and pause), never long real-time waits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { assertEmbed, nodes, noteTimes, openPreset, pause, search, status } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function waitForLeader(page, { other = -1, above = -1 } = {}) {
  await page.waitForFunction(
    ([other, above]) =>
      [...document.querySelectorAll('[data-testid^="node-"][data-role=leader]')].some(
        (el) => Number(el.dataset.testid.slice(5)) !== other && Number(el.dataset.term) > above,
      ),
    [other, above],
  );
  return (await nodes(page)).find((n) => n.role === 'leader' && n.id !== other && n.term > above);
}

test('the page explains itself and a leader appears within a few simulated seconds', async () => {
  const page = await h.open('/raft?seed=3&speed=10');
  assert.match(await page.textContent('.lede'), /Raft elects a leader/);
  assert.equal((await nodes(page)).length, 5);
  // Wall-clock frames vary with machine load, so judge the simulated instant the leader was
  // elected from the notes feed rather than from the frame in which it was first drawn.
  await waitForLeader(page);
  const elected = await noteTimes(page, /became leader/);
  assert.ok(elected.length > 0 && elected.at(-1) < 3, `first election at ${elected.at(-1)} s`);
  const { steps, hash } = await status(page);
  assert.ok(steps > 0);
  assert.match(hash, /^[0-9a-f]{16}$/);
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-ok'), 'true');
  assertNoErrors(page);
});

test('desktop screenshot at a fixed instant', async () => {
  const page = await h.open('/raft?seed=3&rate=5&loss=0.05&t=2.13s');
  assert.equal((await status(page)).time, 2_130_000);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-label'), 'play', 't= pauses');
  await h.screenshot(page, 'raft');
  assertNoErrors(page);
});

test('crashing the leader from its menu elects a new leader with a higher term', async () => {
  const page = await h.open('/raft?seed=3&speed=100');
  const old = await waitForLeader(page);
  await pause(page);
  const before = (await nodes(page)).find((n) => n.id === old.id);
  await page.click(`[data-testid=node-${old.id}]`);
  await page.waitForSelector('[data-testid=node-menu]');
  await h.screenshot(page, 'raft-menu');
  await page.click('[data-testid=menu-crash]');
  // Paused: the fault applies at once.
  await page.waitForSelector(`[data-testid=node-${old.id}][data-role=crashed]`);
  await waitUntil('the crash in the notes and the URL', async () => {
    assert.match(await page.textContent('[data-testid=notes]'), new RegExp(`node ${old.id} crashed`));
    assert.match(await search(page), new RegExp(`faults=crash:${old.id}@`));
  });
  await page.click('[data-testid=play]');
  const next = await waitForLeader(page, { other: old.id, above: before.term });
  assert.notEqual(next.id, old.id);
  assert.ok(next.term > before.term);
  assertNoErrors(page);
});

test('a shared URL replays the same run to the same instant', async () => {
  const page = await h.open('/raft?seed=5&speed=20');
  const leader = await waitForLeader(page);
  await pause(page);
  // Crash the leader, cut a link between two others, and send a client write.
  await page.click(`[data-testid=node-${leader.id}]`);
  await page.click('[data-testid=menu-crash]');
  const [a, b] = [0, 1, 2, 3, 4].filter((x) => x !== leader.id);
  await page.click(`[data-testid=link-${a}-${b}]`, { force: true });
  await page.click('[data-testid=write]');
  await page.click('[data-testid=play]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]').dataset.time) > 3_000_000);
  await pause(page);
  await page.click('[data-testid=share]');
  const shareEl = await page.waitForSelector('[data-testid=share-result]');
  const url = await shareEl.getAttribute('data-url');
  const here = await status(page);
  assert.match(url, new RegExp(`faults=crash:${leader.id}@[^&]*cut:${a}-${b}@[^&]*cut:${b}-${a}@[^&]*write:`));
  assert.match(url, /&t=\d/);

  const copy = await h.open(url);
  assert.deepEqual(await status(copy), here, 'same time, step count and trace hash');
  assert.equal(await copy.getAttribute('[data-testid=play]', 'aria-label'), 'play', 'the copy is paused there');
  assert.deepEqual(await nodes(copy), await nodes(page));
  assert.equal(await copy.$('[data-testid=error-banner]'), null);
  await h.screenshot(copy, 'raft-shared');
  assertNoErrors(page);
  assertNoErrors(copy);
});

test('Share falls back to a text field when the clipboard is unavailable', async () => {
  const page = await h.open('/raft?seed=5&t=1s');
  await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await page.click('[data-testid=share]');
  const field = await page.waitForSelector('[data-testid=share-url]');
  assert.match(await field.inputValue(), /\/raft\?p=raft&n=5&seed=5&t=1s$/);
  assertNoErrors(page);
});

test('a bad URL shows a readable banner and runs the default cluster', async () => {
  for (const [query, field, text] of [
    ['n=99', '“n”', /between 1 and 15/],
    ['faults=boom@1s', '“faults[1]”', /unknown fault/],
    ['bugs=<b>x</b><script>alert(1)</script>', '“bugs”', /unknown bug switch "<b>x<\/b><script>alert\(1\)/],
  ]) {
    const page = await h.open(`/raft?${query}`);
    const banner = await page.waitForSelector('[data-testid=error-banner]');
    const msg = await banner.textContent();
    assert.ok(msg.includes(field), `${query}: ${msg}`);
    assert.match(msg, text);
    assert.equal((await nodes(page)).length, 5, 'the default cluster runs');
    assert.equal(await page.$$eval('[data-testid=error-banner] b, [data-testid=error-banner] script', (e) => e.length), 0);
    if (query === 'n=99') await h.screenshot(page, 'raft-bad-url');
    assertNoErrors(page);
  }
});

test('?embed=1 shows the cluster and minimal controls without the chrome', async () => {
  const page = await h.open('/raft?seed=3&embed=1&t=1.5s', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=node-0]',
  });
  await assertEmbed(page, 5, ['[data-testid=log]', '[data-testid=write]']);
  await h.screenshot(page, 'raft-embed');
  assertNoErrors(page);
});

test('the forget-vote bug switch is caught: the invariant panel turns red', async () => {
  const page = await h.open(
    '/raft?n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms&speed=1',
  );
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  const text = await page.textContent('[data-testid=invariants]');
  assert.match(text, /election safety violated/);
  assert.match(text, /both elected leader of term 1/);
  assert.ok(await page.isDisabled('[data-testid=play]'), 'the run stopped');
  assert.ok(await page.isChecked('[data-testid=bug-forget]'));
  await h.screenshot(page, 'raft-violation');
  // Turning the bug off reruns the same script, which now holds.
  await page.click('[data-testid=bug-forget]');
  await page.waitForSelector('[data-testid=invariants][data-ok=true]');
  await waitUntil('bugs= gone from the URL', async () => assert.doesNotMatch(await search(page), /bugs=/));
  assertNoErrors(page);
});

test('the vote bug (core golden URL) breaks leader completeness', async () => {
  const page = await h.open('/raft?p=raft&n=3&seed=2&bugs=vote&faults=heal@778.693ms,cut:1-0@859.274ms&speed=100');
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  assert.match(await page.textContent('[data-testid=invariants]'), /leader completeness violated/);
  assert.equal((await status(page)).time, 1_118_681, 'stopped at the violating step');
  assertNoErrors(page);
});

test('controls are written into the URL and step runs one event', async () => {
  const page = await h.open('/raft?seed=9&t=1s');
  const s0 = await status(page);
  await page.click('[data-testid=step]');
  await waitUntil('one more step after clicking step', async () => {
    const s1 = await status(page);
    assert.equal(s1.steps, s0.steps + 1);
    assert.ok(s1.time >= s0.time);
  });

  await page.selectOption('[data-testid=nodes]', '7');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="node-"]').length === 7);
  await waitUntil('n=7 in the URL', async () => assert.match(await search(page), /n=7/));
  await page.click('[data-testid=bug-vote]');
  await waitUntil('bugs=vote in the URL', async () => assert.match(await search(page), /bugs=vote/));
  await page.$eval('[data-testid=loss]', (el) => {
    el.value = '10';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await waitUntil('the loss fault in the URL', async () => assert.match(await search(page), /faults=loss:0\.1@/));
  await page.$eval('[data-testid=speed]', (el) => {
    el.value = '0';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitUntil('speed=1 in the URL', async () => assert.match(await search(page), /speed=1(&|$)/));
  // Select two nodes from their menus, then split them from the rest.
  for (const x of [0, 1]) {
    await page.click(`[data-testid=node-${x}]`);
    await page.click('[data-testid=menu-select]');
  }
  await page.click('[data-testid=partition]');
  await waitUntil('the partition in the URL', async () => assert.match(await search(page), /part:0\.1\/2\.3\.4\.5\.6@/));
  await page.click('[data-testid=heal]');
  await waitUntil('the heal in the URL', async () => assert.match(await search(page), /heal@/));
  // A new seed keeps the settings (and the loss now set) and drops the faults.
  await page.click('[data-testid=new-seed]');
  await waitUntil('a new seed that keeps the settings and drops the faults', async () => {
    const q = await search(page);
    assert.match(q, /n=7/);
    assert.match(q, /loss=0\.1/);
    assert.doesNotMatch(q, /faults=|seed=9&/);
  });
  assertNoErrors(page);
});

test('phone layout stacks without sideways scrolling', async () => {
  const page = await h.open('/raft?seed=3&rate=5&t=2.13s', { viewport: { width: 390, height: 844 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await h.screenshot(page, 'raft-phone');
  assertNoErrors(page);
});

test('picking a bug preset runs it until the checker turns the panel red', async () => {
  const page = await h.open('/raft?speed=100');
  await page.selectOption('[data-testid=preset]', 'bug-forget');
  await waitUntil('the bug-forget preset described and in the URL', async () => {
    assert.match(await page.textContent('[data-testid=preset-about]'), /votes twice/);
    assert.match(page.url(), /bugs=forget/, 'the preset is written into the URL');
  });
  await page.waitForSelector('[data-testid=invariants][data-ok=false]');
  assert.match(await page.textContent('[data-testid=invariants]'), /election safety/);
  assertNoErrors(page);
});

test('a follower down past the leader\'s snapshot catches up by InstallSnapshot, and the log table shows it', async () => {
  const page = await openPreset(h, '/raft', 'raft', 'snapshot-catchup', '3.5s');
  await waitUntil('node 2 installed a snapshot and its row shows the compacted prefix', async () => {
    const notes = await page.textContent('[data-testid=notes]');
    assert.match(notes, /node 2 installed node \d's snapshot through index \d+/);
    const row = page.locator('[data-testid=log] tbody tr').nth(2);
    assert.match(await row.locator('th').textContent(), /s\d+/, 'the row names its snapshot index');
    assert.ok((await row.locator('td.snap').count()) > 0, 'compacted indexes are hatched');
  });
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-ok'), 'true');
  assertNoErrors(page);
});
