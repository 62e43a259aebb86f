// Time travel's landing time in Chromium (issue 14: any instant of a 10-minute run within 50 ms).
// Not part of the pass/fail suite: it prints figures for BENCHMARKS.md ("Time travel").
//
//   node tests/perf/travel-landing.mjs                       # /raft?n=5&rate=200&speed=100
//   TL_PAGE=paxos TL_QUERY='n=5&rate=200&speed=100' node tests/perf/travel-landing.mjs
//
// It plays the run until the simulated clock passes TL_UNTIL seconds (default 600), pauses, then
// drags the slider to TL_LANDINGS (default 40) instants spread over the run (a fixed sequence)
// and times each: the `input` event's handler (the landing: a checkpoint cloned and stepped to the
// instant) and, separately, until the next frame is painted (the landing plus the redraw).
import { startHarness, waitUntil } from '../lib/harness.mjs';

const PAGE = process.env.TL_PAGE ?? 'raft';
const QUERY = process.env.TL_QUERY ?? 'n=5&rate=200&speed=100';
const UNTIL = Number(process.env.TL_UNTIL ?? 600);
const LANDINGS = Number(process.env.TL_LANDINGS ?? 40);
// Clicks on the diagram's zoom-in before landing (fewer arrows to redraw), to tell its share of a
// redraw from the rest of the page's.
const ZOOM_IN = Number(process.env.TL_ZOOM_IN ?? 0);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const row = (name, xs) =>
  `${name}: n=${xs.length} mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} ms · p50 ${pct(xs, 50).toFixed(1)} · p95 ${pct(xs, 95).toFixed(1)} · max ${Math.max(...xs).toFixed(1)} ms`;

const h = await startHarness();
try {
  const page = await h.open(`/${PAGE}?${QUERY}`, { waitFor: '[data-testid=status]' });
  page.on('crash', () => console.log('the page crashed'));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`console: ${m.text()}`); });
  const simTime = () => page.$eval('[data-testid=status]', (el) => Number(el.dataset.time) / 1e6);
  const started = Date.now();
  await waitUntil(`the run to pass ${UNTIL} s`, async () => (await simTime()) >= UNTIL, { timeout: 3 * 3600_000, interval: 500 });
  console.log(`reached t = ${(await simTime()).toFixed(1)} s after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await page.click('[data-testid=play]');
  await page.waitForSelector('[data-testid=play][aria-label=play]');
  for (let i = 0; i < ZOOM_IN; i++) await page.click('[data-testid=diagram-zoom-in]');
  const end = Number(await page.getAttribute('[data-testid=scrubber]', 'data-end')) / 1000;
  const { handler, painted, landed } = await page.evaluate(
    async ([n, end]) => {
      const input = document.querySelector('[data-testid=scrub-range]');
      const handler = [];
      const painted = [];
      const landed = [];
      const scrubber = document.querySelector('[data-testid=scrubber]');
      // A fixed, spread-out sequence of instants (golden-ratio steps), never the frontier.
      for (let k = 1; k <= n; k++) {
        const ms = Math.floor(((k * 0.618034) % 1) * (end - 1));
        const t0 = performance.now();
        input.value = String(ms);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const t1 = performance.now();
        // Until the page shows the instant (the slider's value is in ms; the page lands on it).
        for (let i = 0; Math.floor(Number(scrubber.dataset.now) / 1000) !== ms; i++) {
          if (i > 500) throw new Error(`the page did not land on ${ms} ms: it shows ${scrubber.dataset.now} µs`);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        }
        handler.push(t1 - t0);
        painted.push(performance.now() - t0);
        landed.push(Number(scrubber.dataset.landingMs));
      }
      return { handler, painted, landed };
    },
    [LANDINGS, end],
  );
  const checkpoints = await page.$eval('[data-testid=scrubber]', (el) => el.dataset.last);
  console.log(`page /${PAGE}?${QUERY}: run of ${end / 1000} s, ${checkpoints} events`);
  console.log(row('landing (measured in the page around the model call)', landed));
  console.log(row('input event dispatch', handler));
  console.log(row('landing + redraw until the page shows it', painted));
} finally {
  await h.close();
}
