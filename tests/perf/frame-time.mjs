// Frame time of a long, busy run (issue 12, goal 6). Not part of the pass/fail suite: it prints
// figures for BENCHMARKS.md ("Frame time").
//
//   node tests/perf/frame-time.mjs                 # /raft?n=9&rate=200&speed=100, to 600 s
//   FT_QUERY='n=15&rate=200&speed=100' FT_UNTIL=300 FT_PAGE=paxos node tests/perf/frame-time.mjs
//
// It opens the page, lets the run play until the simulated clock passes FT_UNTIL seconds
// (printing progress), then records for FT_SECONDS (default 5) of wall time, and at least 10
// frames:
// - the intervals between animation frames, from a requestAnimationFrame loop in the page;
// - each frame's work, from a Chromium trace: the task that ran the page's frame callback (the
//   simulator steps, the re-render it asked for and its microtasks) plus the style, layout and
//   paint of that frame;
// and prints p50/p95/p99/max of both, with the simulated time covered. Environment as the e2e
// harness (HALAB_DIST, CHROMIUM).
import { startHarness, waitUntil } from '../lib/harness.mjs';

const PAGE = process.env.FT_PAGE ?? 'raft';
const QUERY = process.env.FT_QUERY ?? 'n=9&rate=200&speed=100';
const UNTIL = Number(process.env.FT_UNTIL ?? 600);
const SECONDS = Number(process.env.FT_SECONDS ?? 5);
// Clicks on the space-time diagram's zoom-out before measuring: a wide window holds many
// messages (issue 14: 10,000 in view must keep 30 fps).
const ZOOM_OUT = Number(process.env.FT_ZOOM_OUT ?? 0);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const ms = (x) => `${x.toFixed(1)} ms`;
const row = (name, xs) =>
  `${name}: n=${xs.length} p50 ${ms(pct(xs, 50))} · p95 ${ms(pct(xs, 95))} · p99 ${ms(pct(xs, 99))} · max ${ms(Math.max(...xs))}`;

const h = await startHarness();
try {
  const page = await h.open(`/${PAGE}?${QUERY}`, { waitFor: '[data-testid=status]' });
  const simTime = () => page.$eval('[data-testid=status]', (el) => Number(el.dataset.time) / 1e6);
  const started = Date.now();
  let lastPrint = 0;
  await waitUntil(`the run to pass ${UNTIL} s`, async () => {
    const t = await simTime();
    if (Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      console.log(`  … t = ${t.toFixed(1)} s after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    return t >= UNTIL;
  }, { timeout: 3 * 3600_000, interval: 500 });
  const reachedAfter = (Date.now() - started) / 1000;
  for (let i = 0; i < ZOOM_OUT; i++) await page.click('[data-testid=diagram-zoom-out]');
  if (ZOOM_OUT) {
    await page.waitForTimeout(500);
    const d = await page.$eval('[data-testid=diagram-svg]', (el) => ({ inWindow: el.dataset.inWindow, drawn: el.dataset.arrows, from: el.dataset.t0, to: el.dataset.t1 }));
    console.log(`diagram: ${d.inWindow} messages in its window (${d.from / 1e6}–${d.to / 1e6} s), ${d.drawn} drawn`);
  }
  const t0 = await simTime();
  console.log(`reached t = ${t0.toFixed(1)} s after ${reachedAfter.toFixed(0)} s of wall time`);

  await h.browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const intervals = await page.evaluate(
    ([seconds]) =>
      new Promise((resolve) => {
        const out = [];
        let last = null;
        const start = performance.now();
        const frame = (ts) => {
          if (last !== null) out.push(ts - last);
          last = ts;
          if (performance.now() - start < seconds * 1000 || out.length < 10) requestAnimationFrame(frame);
          else resolve(out);
        };
        requestAnimationFrame(frame);
      }),
    [SECONDS],
  );
  const trace = JSON.parse((await h.browser.stopTracing()).toString());
  const t1 = await simTime();

  // Per frame: the RunTask that holds a FireAnimationFrame (callbacks and their microtasks),
  // plus the rendering work that follows it in the same task.
  const events = trace.traceEvents.filter((e) => e.ph === 'X' && e.dur !== undefined);
  const byThread = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  let work = [];
  for (const list of byThread.values()) {
    const fires = list.filter((e) => e.name === 'FireAnimationFrame');
    if (!fires.length) continue;
    const tasks = list.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
    const frameTasks = tasks.filter((t) => fires.some((f) => f.ts >= t.ts && f.ts < t.ts + t.dur));
    work = frameTasks.map((t) => t.dur / 1000);
  }
  console.log(`page /${PAGE}?${QUERY}: ${intervals.length} frames over ${(intervals.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s, ` +
    `simulated ${t0.toFixed(1)} → ${t1.toFixed(1)} s`);
  console.log(row('rAF interval', intervals));
  if (work.length) console.log(row('frame task', work));
  else console.log('frame task: no FireAnimationFrame in the trace');
} finally {
  await h.close();
}
