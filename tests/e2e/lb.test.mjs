// The service lab end to end: every preset shows what its text promises (read from the backends
// table, the summary's data attributes, the roles and the charts' marks at a fixed instant), the
// settings and the backend menu land in the URL, a bad link gets a banner and the default run,
// embedding, and the phone layout. Runs use `t=` (run to an instant and pause): simulated facts
// only, never frame timing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { assertEmbed, clippedCaptions, nodes, pause, search, sidewaysOverflow, status } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** The summary line: { ok, failed, success (percent) }. */
async function summary(page) {
  return page.$eval('[data-testid=lb-summary]', (el) => ({
    ok: Number(el.dataset.ok),
    failed: Number(el.dataset.failed),
    success: Number(el.dataset.success),
  }));
}

/** The backends table: [{ node, status, routed }]. */
async function backends(page) {
  return page.$$eval('[data-testid^="backend-"][data-status]', (els) =>
    els.map((el) => ({ node: Number(el.dataset.testid.slice(8)), status: el.dataset.status, routed: Number(el.dataset.routed) })),
  );
}

/** The kinds of the marks drawn on the throughput chart. */
async function marks(page) {
  return page.$$eval('[data-testid=chart-throughput] .mark', (els) => els.map((el) => el.dataset.kind));
}

/** Clients, then the balancer, then the backends, left to right (not the other pages' circle). */
async function assertLeftToRight(page) {
  const x = (id) => page.$eval(`[data-testid=node-${id}] .body`, (el) => el.getBoundingClientRect().x);
  const [c, lb, b1, b4] = [await x(0), await x(1), await x(2), await x(5)];
  assert.ok(c < lb && lb < b1 && b1 === b4, `x: clients ${c}, balancer ${lb}, backends ${b1} and ${b4}`);
}

/** Opens a preset at instant `t` by picking it from the page's own menu, then replaying to `t`. */
async function presetAt(id, t) {
  const page = await h.open(`/lb?p=lb`);
  await page.selectOption('[data-testid=preset]', id);
  const title = await page.$eval(`[data-testid=preset] option[value="${id}"]`, (el) => el.textContent);
  await waitUntil(`preset ${id} loaded`, async () => {
    assert.ok((await page.textContent('[data-testid=preset-about]')).length > 20);
    assert.equal(await page.$eval('[data-testid=preset] option:checked', (el) => el.textContent), title);
  });
  const query = (await search(page)).slice(1).replace(/&speed=[^&]*/, '');
  const at = await h.open(`/lb?${query}&t=${t}`);
  assert.equal(await at.$eval('[data-testid=preset]', (el) => el.value), id);
  return at;
}

test('healthy: four backends share the load and every request succeeds', async () => {
  const page = await presetAt('healthy', '4s');
  assert.equal((await status(page)).time, 4_000_000);
  assert.deepEqual((await nodes(page)).map((n) => n.role), ['clients', 'master', 'backend', 'backend', 'backend', 'backend']);
  await assertLeftToRight(page);
  const s = await summary(page);
  assert.equal(s.failed, 0);
  assert.ok(s.ok > 700, `${s.ok} ok in 4 s at 200/s`);
  const rows = await backends(page);
  assert.deepEqual(rows.map((r) => r.status), ['in pool', 'in pool', 'in pool', 'in pool']);
  const routed = rows.map((r) => r.routed);
  assert.ok(Math.max(...routed) - Math.min(...routed) <= 1, `round robin: ${routed}`);
  for (const chart of ['throughput', 'latency', 'share']) {
    assert.ok(await page.$(`[data-testid=chart-${chart}] polyline`), `${chart} chart drawn`);
  }
  assert.equal(await page.getAttribute('[data-testid=invariants]', 'data-ok'), 'true');
  await h.screenshot(page, 'lb');
  assertNoErrors(page);
});

test('least request sinkholes into a failing backend; outlier detection ejects it', async () => {
  const sink = await presetAt('sinkhole', '6s');
  assert.equal((await nodes(sink))[3].role, 'failing');
  const share = await sink.$$eval('[data-testid=chart-share] [data-series]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.series, Number(el.dataset.last)])),
  );
  assert.ok(share.B2 > share.B1 + share.B3, `the failing B2 draws the most: ${JSON.stringify(share)}`);
  const ejected = await presetAt('sinkhole-eject', '6s');
  assert.equal((await backends(ejected))[1].status, 'ejected');
  assert.ok((await marks(ejected)).includes('ejection'));
  assert.match(await ejected.textContent('[data-testid=notes]'), /backend B2 \(node 3\) ejected after 5 errors in a row/);
  const [s, e] = [await summary(sink), await summary(ejected)];
  assert.ok(s.success < 80 && e.success > 90, `success ${s.success}% sinkholed vs ${e.success}% with ejection`);
  assertNoErrors(ejected);
});

test('a retry storm outlives its trigger; a retry budget ends it', async () => {
  // The slowdown lasts from 2 s to 3 s; what matters is the last bin before 8 s.
  const lastBin = (page) =>
    page.$eval('[data-testid=chart-throughput] [data-series=succeeded]', (el) => Number(el.dataset.last));
  const storm = await presetAt('retry-storm', '8s');
  const budget = await presetAt('retry-budget', '8s');
  const [a, b] = [await lastBin(storm), await lastBin(budget)];
  assert.ok(a < 50 && b > 150, `successes per second at 8 s: ${a} with fixed retries, ${b} with a budget`);
  assertNoErrors(budget);
});

test('backends of different speeds: two choices fails nothing where round robin times out', async () => {
  const p2c = await presetAt('speeds', '6s');
  assert.equal((await summary(p2c)).failed, 0);
  await p2c.selectOption('[data-testid=algo]', { label: 'round robin' });
  await waitUntil('algo=rr in the URL', async () => assert.doesNotMatch(await search(p2c), /algo=p2c/));
  const query = (await search(p2c)).slice(1).replace(/&speed=[^&]*/, '');
  const rr = await h.open(`/lb?${query}&t=6s`);
  assert.ok((await summary(rr)).failed > 50, 'B1 cannot keep up with a quarter of the load');
  assertNoErrors(rr);
});

test('health checks find a dead backend within interval × fall; the panic threshold routes to all', async () => {
  const checked = await presetAt('crash-hc', '6s');
  assert.equal((await backends(checked))[1].status, 'unhealthy');
  const times = await checked.$$eval('.notes li', (els) =>
    els.map((el) => el.textContent).filter((t) => /failed 2 health checks/.test(t)).map((t) => parseFloat(t)),
  );
  assert.ok(times.length === 1 && times[0] > 2 && times[0] <= 3.2, `marked down at ${times} s (crash at 2 s)`);
  assert.ok((await summary(checked)).success > 96);
  const panic = await presetAt('panic', '4s');
  assert.equal((await nodes(panic))[1].role, 'master');
  assert.match(await panic.textContent('[data-testid=node-1]'), /panic: routes to all/);
  assertNoErrors(panic);
});

test('failover: the standby takes the VIP, and balancer 1 takes it back', async () => {
  const page = await presetAt('failover', '3s');
  assert.deepEqual((await nodes(page)).slice(0, 3).map((n) => n.role), ['clients', 'crashed', 'master']);
  assert.ok((await marks(page)).includes('failover'));
  const back = await presetAt('failover', '6s');
  assert.deepEqual((await nodes(back)).slice(0, 3).map((n) => n.role), ['clients', 'master', 'backup']);
  assertNoErrors(back);
});

test('split brain: with the advert link cut both balancers are master; fenced, only one', async () => {
  const page = await presetAt('split-brain', '4s');
  assert.deepEqual((await nodes(page)).slice(1, 3).map((n) => n.role), ['master', 'master']);
  const fenced = await presetAt('split-brain-fenced', '4s');
  assert.deepEqual((await nodes(fenced)).slice(1, 4).map((n) => n.role), ['master', 'backup', 'witness']);
  await page.click('[data-testid=pair-fenced]');
  await waitUntil('pair=fenced in the URL and the witness drawn, four backends kept', async () => {
    assert.match(await search(page), /pair=fenced/);
    assert.match(await search(page), /n=8/);
    assert.equal((await nodes(page)).length, 8);
  });
  assertNoErrors(page);
});

test('N+0 sheds load after a crash at peak; N+1 swaps the spare in and it warms up', async () => {
  const n0 = await presetAt('n-plus-0', '5s');
  const n1 = await presetAt('n-plus-1', '5.3s');
  assert.ok((await summary(n0)).success < 97, 'three backends cannot carry 320/s');
  const rows = await backends(n1);
  assert.equal(rows[1].status, 'out of pool', 'the dead one was replaced');
  assert.equal(rows[4].status, 'warming up', 'the spare serves, its share growing (slow start)');
  assert.ok(rows[4].routed > 10, `the spare got ${rows[4].routed}`);
  assert.ok((await marks(n1)).includes('replacement'));
  const a = await n1.$eval('[data-testid=lb-avail]', (el) => ({
    measured: Number(el.dataset.measured),
    k: Number(el.dataset.k),
    n: Number(el.dataset.n),
  }));
  assert.deepEqual([a.n, a.k], [5, 4], 'five backends, four needed for 320/s');
  assert.ok(a.measured > 0.9, JSON.stringify(a));
  assertNoErrors(n1);
});

test('each bug preset turns the invariant panel red', async () => {
  for (const [id, text] of [
    ['bug-unfenced', /at most one balancer serves the VIP/],
    ['bug-ejectall', /ejects at most max_ejection_percent/],
    ['bug-notimeout', /no request is lost silently/],
  ]) {
    const page = await presetAt(id, '8s');
    await page.waitForSelector('[data-testid=invariants][data-ok=false]');
    assert.match(await page.textContent('[data-testid=invariants]'), text, id);
    assertNoErrors(page);
  }
});

test('settings and the backend menu land in the URL', async () => {
  const page = await h.open('/lb?p=lb&seed=2&speed=1');
  await page.selectOption('[data-testid=algo]', { label: 'power of two choices' });
  await waitUntil('algo=p2c in the URL', async () => assert.match(await search(page), /algo=p2c/));
  await page.click('[data-testid=hc]');
  await waitUntil('hc=1 in the URL', async () => assert.match(await search(page), /hc=1/));
  await page.selectOption('[data-testid=hctimeout]', { label: 'waits 50ms' });
  await page.click('[data-testid=eject]');
  await page.selectOption('[data-testid=sweep]', { label: 'swept every 10s' });
  await waitUntil('the check timeout and the outlier sweep in the URL', async () =>
    assert.match(await search(page), /hc=1&hctimeout=50ms&eject=1&sweep=10s/));
  await page.selectOption('[data-testid=spares]', { label: 'N+1' });
  await waitUntil('spares=1 and one more node', async () => {
    assert.match(await search(page), /n=7&.*spares=1/);
    assert.equal((await nodes(page)).length, 7);
  });
  await page.selectOption('[data-testid=dist]', { label: 'log-normal (heavy tail)' });
  await waitUntil('dist=lognormal in the URL', async () => assert.match(await search(page), /dist=lognormal/));
  await page.selectOption('[data-testid=weight-4]', { label: '3' });
  await waitUntil('weights in the URL and the table', async () => {
    assert.match(await search(page), /weights=1,3(&|$)/);
    assert.equal(await page.$eval('[data-testid=weight-4] option:checked', (el) => el.textContent), '3');
  });
  await pause(page);
  await page.click('[data-testid=node-4] .body');
  await page.waitForSelector('[data-testid=node-menu]');
  assert.ok(await page.$('[data-testid=menu-failfast]'));
  await page.click('[data-testid=menu-slow]');
  await waitUntil('the slow-down in the URL and on the node', async () => {
    assert.match(await search(page), /faults=slow:4:10@/);
  });
  await page.click('[data-testid=step]');
  await page.waitForSelector('[data-testid=node-4][data-role=slow]');
  assertNoErrors(page);
});

test('a bad URL shows a readable banner and runs the default lab', async () => {
  for (const [query, field, text] of [
    ['p=lb&rps=99999', '“rps”', /between 0 and 2000/],
    ['p=lb&algo=fastest', '“algo”', /unknown algorithm "fastest"/],
    ['p=lb&n=3&pair=fenced', '“n”', /at least 1 are needed/],
    ['p=lb&faults=slow:9:10@1s', '“faults[1]”', /node 9 does not exist/],
  ]) {
    const page = await h.open(`/lb?${query}`);
    const msg = await (await page.waitForSelector('[data-testid=error-banner]')).textContent();
    assert.ok(msg.includes(field), `${query}: ${msg}`);
    assert.match(msg, text, query);
    assert.equal((await nodes(page)).length, 6, 'the default lab runs');
    assertNoErrors(page);
  }
});

test('?embed=1 shows the lab and minimal controls without the chrome', async () => {
  const page = await h.open('/lb?p=lb&n=6&seed=1&faults=crash:3@2s&t=5s&embed=1', {
    viewport: { width: 600, height: 400 },
    waitFor: '[data-testid=node-0]',
  });
  await assertEmbed(page, 6, ['[data-testid=backends]', '[data-testid=algo]']);
  await assertLeftToRight(page);
  // The strip under the picture: a quarter of the requests went to the dead backend and timed out.
  const strip = await page.waitForSelector('[data-testid=lb-strip]');
  const success = Number(await strip.getAttribute('data-success'));
  assert.ok(success > 50 && success < 99, `success over the last 5 s: ${success}`);
  assert.match(await strip.textContent(), /succeeded, p99 .* \(last 5 s\)/);
  await h.screenshot(page, 'lb-embed');
  assertNoErrors(page);
});

test('phone layout: no sideways scrolling; captions, charts and the table fit', async () => {
  const page = await h.open('/lb?p=lb&n=7&seed=1&pair=on&timeout=300ms&faults=crash:1@2s&t=3s', {
    viewport: { width: 390, height: 844 },
  });
  const overflow = await sidewaysOverflow(page);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  assert.deepEqual(await clippedCaptions(page), [], 'captions fit');
  for (const sel of ['[data-testid=chart-throughput]', '[data-testid=lb-summary]', 'nav.pages']) {
    const box = await page.$eval(sel, (el) => el.getBoundingClientRect().toJSON());
    assert.ok(box.left >= 0 && box.right <= 390, `${sel}: ${JSON.stringify(box)}`);
  }
  await h.screenshot(page, 'lb-phone');
  assertNoErrors(page);
});
