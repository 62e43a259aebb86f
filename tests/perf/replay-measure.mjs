// How long links take to replay to their `t=` in headless Chromium (BENCHMARKS.md, "Replaying a
// link"). Not part of the pass/fail suite.
//
//   HALAB_DIST=dist node tests/perf/replay-measure.mjs '/raft?n=15&rate=200&t=3600s' '/paxos?...'
//
// For each link: wall time from navigation until the replay stops (at its instant, or early:
// cancelled or at the work limit), the time the page took to open, the instant and step count
// reached, and the instant a too-far `t=` was brought back to. Polls every 50 ms, so times are
// good to about that.
import { startHarness, waitUntil } from '../lib/harness.mjs';

const h = await startHarness();
try {
  for (const route of process.argv.slice(2)) {
    const t0 = Date.now();
    const page = await h.open(route, { waitFor: '[data-testid=status]' });
    const opened = Date.now() - t0;
    let target = null;
    const r = await waitUntil(`${route} to stop replaying`, async () => {
      const s = await page.evaluate(() => {
        const st = document.querySelector('[data-testid=status]');
        const bar = document.querySelector('[data-testid=replay]');
        return {
          time: Number(st.dataset.time),
          steps: Number(st.dataset.steps),
          replay: bar?.dataset.status ?? null,
          target: bar ? Number(bar.dataset.target) : null,
        };
      });
      if (s.replay === 'running') {
        target = s.target;
        return false;
      }
      // Yew may draw the status line a moment after the progress bar goes.
      return s.replay === null && target !== null && s.time !== target ? false : s;
    }, { timeout: 600_000, interval: 50 });
    const ms = Date.now() - t0;
    const banner = await page.evaluate(() => document.querySelector('[data-testid=error-banner]')?.innerText ?? '');
    const clamped = banner.match(/at most ([\d.]+ s)/)?.[1];
    console.log(
      `${route}: ${(ms / 1000).toFixed(2)} s (page open after ${(opened / 1000).toFixed(2)} s), ` +
        `t = ${r.time / 1e6} s, ${r.steps} steps, ended ${r.replay ?? 'at t'}` +
        (clamped ? `, t brought back to ${clamped}` : ''),
    );
    await page.context().close();
  }
} finally {
  await h.close();
}
