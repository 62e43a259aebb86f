// The availability page end to end: the calculator's 3-of-5 value, the curve following MTTR,
// the CSV download against the core's numbers, Monte Carlo running to 100% (timed in the
// release build), embedding, a bad link and the phone layout. Reads data attributes and the
// downloaded file, never pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { search } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const CHART = '[data-testid=avail-chart]';
// 3 of 5 nodes up, each up 99% of the time (MTBF 99 h, MTTR 1 h): U = 9.8506e-6.
const THREE_OF_FIVE = 1 - 9.8506e-6;

async function openAvail(route, opts = {}) {
  return h.open(route, { waitFor: CHART, ...opts });
}

/** Waits for the background Monte Carlo (and measured runs) to finish; returns its time in ms. */
async function finished(page, timeout = 120_000) {
  await page.waitForSelector('[data-testid=progress][data-status=done]', { timeout, state: 'attached' });
  return Number(await page.getAttribute('[data-testid=progress]', 'data-ms'));
}

/** Clicks a download button and parses the CSV it saves: { header, rows: [{ col: number }] }. */
async function downloadCsv(page, testid = 'export-csv') {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  const text = await readFile(await download.path(), 'utf8');
  const [head, ...lines] = text.trim().split('\n');
  const header = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v === '' ? null : Number(v)])));
  return { name: download.suggestedFilename(), header, rows, text };
}

/** Moves the pointer over the chart at the x of point `i` (0-based) of `count`. */
async function hoverPoint(page, sel, i) {
  // Measured afresh on every try: the layout can still move while the page loads (a pointer
  // that lands where the chart was a moment ago hovers nothing).
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    const box = await page.$eval(sel, (el) => el.getBoundingClientRect().toJSON());
    const vb = await page.$eval(sel, (el) => el.viewBox.baseVal.width);
    // The plot starts at the frame's left margin; the first point sits there.
    const d = await page.getAttribute(`${sel} [data-d]`, 'data-d');
    const xs = [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    const [x, y] = [box.x + (xs[i] / vb) * box.width, box.y + box.height / 2];
    await page.mouse.move(x, y + (attempt % 2)); // a real move each time, not the same spot
    try {
      await page.waitForSelector(`${sel} ~ [data-testid=readout][data-hovered=true]`, { timeout: 3_000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

test('the calculator shows 3 of 5 at A = 0.99, and the CSV carries the same number', async () => {
  const page = await openAvail('/avail?n=5&q=3&mtbf=99h&mttr=1h');
  assert.equal(await page.getAttribute('[data-testid=nav-avail]', 'aria-current'), 'page');
  assert.match(await page.textContent('.lede'), /How many nines do n replicas give you\?/);
  const a = Number(await page.getAttribute('[data-testid=calc-availability]', 'data-value'));
  assert.ok(Math.abs(a - THREE_OF_FIVE) < 1e-9, `availability ${a}`);
  assert.match(await page.textContent('[data-testid=calc-availability]'), /^0\.99999014940/);
  assert.match(await page.textContent('[data-testid=calc-nines]'), /^5\.01$/);
  // 9.8506e-6 of a year (8766 h) is 5 min 11 s.
  assert.equal(await page.textContent('[data-testid=calc-downtime-year]'), '5 min 11 s');
  assert.match(await page.textContent('[data-testid=required-mttr]'), /h or faster|min or faster/);

  const csv = await downloadCsv(page);
  assert.equal(csv.name, 'availability-n.csv');
  assert.equal(csv.header[0], 'n');
  assert.equal(csv.rows.length, 15);
  const five = csv.rows.find((r) => r.n === 5);
  assert.ok(Math.abs(five.kofn_availability - THREE_OF_FIVE) < 1e-12, `${five.kofn_availability}`);
  assert.ok(Math.abs(five.kofn_unavailability - 9.8506e-6) < 1e-15, `${five.kofn_unavailability}`);
  // One crew per node: the chain is the binomial.
  assert.ok(Math.abs(five.ctmc_availability - five.kofn_availability) < 1e-12);
  // The page's own value is the same f64.
  assert.equal(five.kofn_availability, a);

  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-svg]')]);
  const text = await readFile(await svg.path(), 'utf8');
  assert.equal(svg.suggestedFilename(), 'availability.svg');
  assert.match(text, /^<\?xml[^]*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*data-testid="series-kofn"/);
  await finished(page);
  await h.screenshot(page, 'avail');
  assertNoErrors(page);
});

test('changing MTTR moves the curve and the value under the cursor', async () => {
  const page = await openAvail('/avail?n=5&q=3&mtbf=99h&mttr=1h');
  const d0 = await page.getAttribute('[data-testid=series-kofn]', 'data-d');
  await hoverPoint(page, CHART, 4);
  const v0 = await page.getAttribute('[data-testid=readout] [data-series=kofn]', 'data-value');
  assert.equal(await page.getAttribute('[data-testid=readout]', 'data-x'), '5');
  assert.ok(Math.abs(Number(v0) - THREE_OF_FIVE) < 1e-12, v0);
  assert.ok(await page.$('[data-testid=cursor]'), 'a cursor line');

  await page.fill('[data-testid=mttr]', '2h');
  await page.press('[data-testid=mttr]', 'Enter');
  await page.waitForFunction((d) => document.querySelector('[data-testid=series-kofn]').dataset.d !== d, d0);
  // 99 h is written in the largest exact unit; n = 5 is the default and left out.
  await waitUntil('mttr=2h in the URL', async () => assert.equal(await search(page), '?p=avail&q=3&mtbf=99h&mttr=2h'));
  await hoverPoint(page, CHART, 4);
  await waitUntil('a lower value under the cursor after doubling MTTR', async () => {
    const v1 = Number(await page.getAttribute('[data-testid=readout] [data-series=kofn]', 'data-value'));
    assert.ok(v1 < Number(v0) - 1e-6, `${v1} after doubling MTTR, was ${v0}`);
  });

  // A quorum select, the crews select and the axis select all write the URL.
  await page.selectOption('[data-testid=crews]', '1');
  await page.selectOption('[data-testid=axis]', 'mttr');
  await waitUntil('one crew and the MTTR axis in the URL, the chain below the formula', async () => {
    assert.equal(await search(page), '?p=avail&q=3&mtbf=99h&mttr=2h&crews=1&x=mttr');
    const ctmc = await page.getAttribute('[data-testid=series-ctmc]', 'data-d');
    const kofn = await page.getAttribute('[data-testid=series-kofn]', 'data-d');
    assert.notEqual(ctmc, kofn, 'one crew: the chain sits below the formula');
  });
  // A new change while Monte Carlo runs: the progress restarts, and Cancel stops it.
  await page.click('[data-testid=cancel]');
  await page.waitForSelector('[data-testid=progress][data-status=cancelled]');
  const stopped = Number(await page.getAttribute('[data-testid=progress]', 'data-done'));
  await page.waitForTimeout(300);
  assert.equal(Number(await page.getAttribute('[data-testid=progress]', 'data-done')), stopped, 'cancelled work stays stopped');
  await page.click('[data-testid=resume]');
  await finished(page);
  assertNoErrors(page);
});

test('Monte Carlo runs to 100% without freezing the page, and agrees with the formula', async () => {
  for (const [route, what] of [
    ['/avail', 'default curve (15 points x 10,000 trials)'],
    ['/avail?x=mttr', 'MTTR axis (21 points x 10,000 trials)'],
    ['/avail?mttr=40h', 'MTTR 40 h (15 points x 10,000 trials)'],
  ]) {
    const page = await openAvail(route);
    // The page answers while it works: a hover redraws within a frame or two.
    const t0 = Date.now();
    await hoverPoint(page, CHART, 2);
    const hoverMs = Date.now() - t0;
    const ms = await finished(page);
    const p = await page.$eval('[data-testid=progress]', (el) => ({ ...el.dataset }));
    assert.equal(p.done, p.total);
    console.log(`${what}: Monte Carlo ${ms.toFixed(0)} ms in the browser (${p.total} trials), hover answered in ${hoverMs} ms while running`);
    if (route === '/avail?mttr=40h') {
      const csv = await downloadCsv(page);
      const five = csv.rows.find((r) => r.n === 5);
      assert.equal(five.mc_trials, 10_000);
      assert.ok(five.mc_ci95_low <= five.mc_mean && five.mc_mean <= five.mc_ci95_high);
      // n = 5, MTBF 1000 h, MTTR 40 h (U = 5.4e-4, a few hundred quorum losses in 10,000
      // trial-years): the formula lies inside the 95% band, and the mean is close to it. (At
      // MTTR 4 h quorum losses are ~100 times rarer and 10,000 trials see too few of them for a
      // normal interval to be honest.)
      assert.ok(five.mc_ci95_low <= five.kofn_availability && five.kofn_availability <= five.mc_ci95_high,
        JSON.stringify(five));
      assert.ok(Math.abs(five.mc_nines - five.kofn_nines) < 0.3, JSON.stringify(five));
      const band = await page.getAttribute('[data-testid=band-mc]', 'd');
      assert.match(band, /^M[\d.]+,[\d.]+ L/);
      await h.screenshot(page, 'avail-mc');
    }
    assertNoErrors(page);
  }
});

test('?embed=1 draws the chart with its legend and a link out, in 600 x 400', async () => {
  const page = await openAvail('/avail?n=5&x=mttr&embed=1', { viewport: { width: 600, height: 400 } });
  for (const sel of ['h1', 'nav', '.lede', '[data-testid=share]', '[data-testid=calc-availability]', '[data-testid=n]']) {
    assert.equal(await page.$(sel), null, `${sel} hidden in embed mode`);
  }
  assert.ok(await page.$('.chart-legend'));
  const href = await page.getAttribute('.open-full', 'href');
  assert.match(href, /\/avail\?p=avail&x=mttr$/);
  await finished(page);
  await hoverPoint(page, CHART, 10);
  const box = await page.$eval(CHART, (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.bottom <= 400 && box.right <= 600 && box.height > 200, JSON.stringify(box));
  assert.ok(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight), 'no scrolling');
  await h.screenshot(page, 'avail-embed');
  assertNoErrors(page);
});

test('a bad link names the field in a banner and shows the default scenario', async () => {
  const page = await openAvail('/avail?n=0');
  assert.match(await page.textContent('[data-testid=error-banner]'), /problem in “n”: .*Showing the default scenario instead\./);
  assert.equal(await page.$eval('[data-testid=n]', (el) => el.value), '5');
  // Unreadable input is refused with a message, not a panic.
  await page.fill('[data-testid=mttr]', 'soon');
  await page.press('[data-testid=mttr]', 'Enter');
  await waitUntil('"soon" refused and the MTTR field back at 4h', async () => {
    assert.match(await page.textContent('[data-testid=error-banner]'), /MTTR: a time needs a unit/);
    assert.equal(await page.$eval('[data-testid=mttr]', (el) => el.value), '4h');
  });
  await page.fill('[data-testid=n]', '500');
  await page.press('[data-testid=n]', 'Enter');
  await waitUntil('500 nodes refused', async () =>
    assert.match(await page.textContent('[data-testid=error-banner]'), /number of nodes: must be between 1 and 101/),
  );
  await h.screenshot(page, 'avail-bad-url');
  assertNoErrors(page);

  const moved = await openAvail('/raft?p=avail&mttr=1d');
  assert.equal(await moved.evaluate(() => location.pathname), '/avail');
  assert.equal(await moved.$eval('[data-testid=mttr]', (el) => el.value), '1d');
  assertNoErrors(moved);
});

test('issue 11: magnitudes beyond f64, losses per year, mission, SLA, domains and one-sided bounds', async () => {
  // 1 of 101 nodes at A = 0.9999: down 1e-404 of the time, below the smallest f64.
  const page = await openAvail('/avail?n=101&q=1&mtbf=9999h&mttr=1h&trials=100');
  assert.equal(await page.textContent('[data-testid=calc-nines]'), '404.00');
  assert.equal(await page.textContent('[data-testid=calc-availability]'), '1 − 1.00e-404');
  assert.equal(await page.textContent('[data-testid=calc-unavailability]'), '1.00e-404');
  assert.match(await page.textContent('[data-testid=calc-downtime-year]'), /^\d\.\d\de-\d+ s$/);
  const mttql = await page.textContent('[data-testid=calc-mttql]');
  assert.match(mttql, /e\d+ y$/, mttql);
  assert.notEqual(mttql, 'never');
  await finished(page);
  assertNoErrors(page);

  // The defaults: losses per year, their length, the mission and the SLA figures.
  const d = await openAvail('/avail?trials=2000');
  assert.equal(await d.textContent('[data-testid=calc-outages-year]'), 'once in 242 years');
  assert.match(await d.textContent('[data-testid=calc-outage-length]'), /^1\.34 h$/);
  const loss = Number(await d.getAttribute('[data-testid=calc-mission-loss]', 'data-value'));
  assert.ok(Math.abs(Math.exp(loss) - 0.00412) < 0.0001, `ln P(loss within a year) = ${loss}`);
  await d.fill('[data-testid=mission]', '10y');
  await d.press('[data-testid=mission]', 'Enter');
  await d.waitForFunction((l) => document.querySelector('[data-testid=calc-mission-loss]').dataset.value !== String(l), loss);
  assert.equal(await search(d), '?p=avail&trials=2000&mission=10y');
  await finished(d);
  // n = 15 sees no quorum loss: a one-sided bound, drawn as a triangle.
  assert.ok(await d.$('[data-testid=series-mcbound] path.bound'), 'a triangle for a point with no loss seen');
  await hoverPoint(d, CHART, 14);
  assert.match(await d.textContent('[data-testid=readout] [data-series=mcbound]'), /no quorum loss seen: at least [\d.]+ nines \(95% bound\)/);
  assert.match(await d.textContent('[data-testid=calc-sla-breach]'), /none in 2,000 windows: below [\d.e-]+ \(95% bound\)|of 2,000 windows/);
  await d.fill('[data-testid=sla]', '100');
  await d.press('[data-testid=sla]', 'Enter');
  assert.match(await d.textContent('[data-testid=error-banner]'), /SLA: must be between 90% and 99.9999%/);

  // Failure domains and detection time go into the URL and lower the availability.
  const before = Number(await d.getAttribute('[data-testid=calc-nines]', 'data-value'));
  await d.selectOption('[data-testid=domains]', '3');
  await d.fill('[data-testid=detect]', '30min');
  await d.press('[data-testid=detect]', 'Enter');
  assert.equal(await search(d), '?p=avail&trials=2000&detect=30min&dom=3&mission=10y');
  const after = Number(await d.getAttribute('[data-testid=calc-nines]', 'data-value'));
  assert.ok(after < before - 0.5, `${after} nines with domains, ${before} without`);
  assert.equal(await d.textContent('[data-testid=calc-mttql]'), 'not with failure domains');
  await finished(d);
  await h.screenshot(d, 'avail-issue11');
  assertNoErrors(d);
});

test('measured points: the protocol on the simulator beside the formula', async () => {
  const page = await openAvail('/avail?n=5&measure=1&trials=1000');
  await page.waitForSelector('[data-testid=measured-chart]');
  const ms = await finished(page, 240_000);
  console.log(`measured (9 Raft runs x 300 simulated s) plus Monte Carlo: ${ms.toFixed(0)} ms`);
  const csv = await downloadCsv(page, 'export-measured-csv');
  assert.equal(csv.rows.length, 9);
  for (const r of csv.rows) {
    assert.ok(r.writes > 0, JSON.stringify(r));
    assert.ok(r.measured_availability <= r.quorum_bound + 1e-9, JSON.stringify(r));
  }
  assert.match(await page.textContent('.measured-card'), /simulated seconds.*the gap is what leader elections cost/);
  await hoverPoint(page, '[data-testid=measured-chart]', 4);
  await h.screenshot(page, 'avail-measured');
  assertNoErrors(page);
});

test('phone layout: the chart fills the width, nothing scrolls sideways', async () => {
  const page = await openAvail('/avail?x=mttr', { viewport: { width: 390, height: 844 } });
  await finished(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  const box = await page.$eval(CHART, (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.width >= 330 && box.left >= 0 && box.right <= 390, JSON.stringify(box));
  await hoverPoint(page, CHART, 5);
  await page.evaluate(() => window.scrollTo(0, 0));
  await h.screenshot(page, 'avail-phone');
  assertNoErrors(page);
});
