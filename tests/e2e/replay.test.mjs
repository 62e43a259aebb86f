// Opening a link with `t=` replays the run to that instant in slices, with a progress bar and
// Cancel, and the heaviest link each page allows (most nodes, most writes, the latest t, a long
// fault script) still gets there. Timing is recorded and printed; it fails only far above the
// 5 s goal, so a loaded machine cannot make it flake.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, assertNoErrors, waitUntil } from '../lib/harness.mjs';
import { status } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** The goal is 5 s; a test fails only above this (a loaded 2-core machine is slow). */
const GENEROUS_MS = 60_000;

/**
 * Runs in the page before the app: records, on the page's own clock, whether the replay's
 * progress bar showed (and how far), when the replay ended, and the longest gap between two
 * animation frames meanwhile (a frozen tab has long gaps).
 */
function watchReplay() {
  const w = { seen: false, maxPct: 0, target: null, endedAt: null, status: null, maxGap: 0, frames: 0 };
  window.__replay = w;
  // Frame gaps count from the first sight of the progress bar (before that the page is loading).
  let last = null;
  const frame = (ts) => {
    if (last !== null && w.seen) {
      w.maxGap = Math.max(w.maxGap, ts - last);
      w.frames += 1;
    }
    last = ts;
    if (w.endedAt === null) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const look = () => {
    if (w.endedAt !== null) return;
    const bar = document.querySelector('[data-testid=replay]');
    const st = document.querySelector('[data-testid=status]');
    if (!st) return;
    if (bar?.dataset.status === 'running') {
      w.seen = true;
      w.target = bar.dataset.target;
      w.maxPct = Math.max(w.maxPct, Number(bar.querySelector('[role=progressbar]').getAttribute('aria-valuenow')));
    } else if (bar) {
      // Stopped early (cancelled or at the work limit).
      w.endedAt = performance.now();
      w.status = bar.dataset.status;
    } else if (!w.seen || st.dataset.time === w.target) {
      // Done: the status line shows the instant (Yew may draw the status a moment after the bar goes).
      w.endedAt = performance.now();
      w.status = 'done';
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true });
}

/** `count` faults in time order over (0, span] seconds, cycling through every kind the page takes. */
function faultScript(n, span, { writes = true, count = 200 } = {}) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const at = ((i + 1) * span) / count;
    const t = `${at.toFixed(3)}s`;
    const k = 1 + (i % (n - 1));
    const kinds = [
      `crash:${k}@${t}`,
      `restart:${k === 1 ? n - 1 : k - 1}@${t}`,
      `loss:0.05@${t}`,
      `pause:${k}:150ms@${t}`,
      writes ? `write:${k}@${t}` : `lat:1ms-20ms@${t}`,
      `part:0.${k}/${[...Array(n).keys()].filter((x) => x !== 0 && x !== k).join('.')}@${t}`,
      `heal@${t}`,
      writes ? `isolate:leader@${t}` : `dup:0.05@${t}`,
      `loss:0@${t}`,
      `restart:${k}@${t}`,
    ];
    out.push(kinds[i % kinds.length]);
  }
  return out.join(',');
}

/** The heaviest link each simulated page allows, asking for the latest instant a link may name. */
const WORST = [
  { page: 'raft', query: `n=15&rate=200&seed=7&faults=${faultScript(15, 200)}`, clamped: true },
  { page: 'paxos', query: `n=15&rate=200&proposers=5&seed=7&faults=${faultScript(15, 20)}`, clamped: true },
  { page: 'lock', query: `n=8&seed=7&faults=${faultScript(8, 600, { writes: false })}`, clamped: false },
  { page: 'txn', query: `n=8&seed=7&faults=${faultScript(8, 600, { writes: false })}`, clamped: false },
  // No leader can be elected (replies take longer than an election timeout), so every write is
  // retried every 20 ms for good: events per simulated second grow with time.
  { page: 'raft', query: 'n=15&rate=200&lat=1s-2s&seed=7', clamped: true, storm: true },
  // A majority crashed at 5 s: the same storm from then on.
  { page: 'paxos', query: 'n=15&rate=200&seed=7&faults=' + [...Array(8).keys()].map((i) => `crash:${i + 1}@5s`).join(','), clamped: true, storm: true },
];

for (const w of WORST) {
  test(`${w.page}${w.storm ? ' (retry storm)' : ''}: the heaviest allowed link replays to its instant with a progress bar`, async () => {
    const url = `/${w.page}?${w.query}&t=3600s`;
    assert.ok(url.length < 16 * 1024, `the link fits the URL limit (${url.length})`);
    const page = await h.open(url, { waitFor: '[data-testid=status]', settle: false, init: watchReplay });
    const banner = await page.$('[data-testid=error-banner]');
    let target = 3_600_000_000;
    if (w.clamped) {
      const text = await banner.textContent();
      const load = w.storm ? ' with retries piling up while there may be no leader' : '';
      assert.ok(
        text.startsWith(`This link asks for t = 3600 s, too far to replay for 15 nodes at 200 writes/s${load}: a link may ask for at most `),
        text,
      );
      target = Math.round(Number(text.match(/at most ([\d.]+) s/)[1]) * 1e6);
    } else {
      assert.equal(banner, null, 'a light scenario may replay the full hour');
    }
    // The page answers while it replays (this round trip goes through its event loop), and shows
    // its progress with a Cancel button (read in one look: the replay may end at any moment).
    const look = await page.evaluate(() => {
      const bar = document.querySelector('[data-testid=replay][data-status=running]');
      const cancel = bar?.querySelector('[data-testid=replay-cancel]');
      return bar && { text: bar.querySelector('[data-testid=replay-text]').textContent, cancel: !!cancel && !cancel.disabled };
    });
    if (look) {
      assert.match(look.text, /^Replaying to [\d.]+ s … \d+%$/);
      assert.ok(look.cancel, 'Cancel is there to click');
      if (w.page === 'raft' && !w.storm) await h.screenshot(page, 'replay-progress');
    }
    const seen = await waitUntil(`${w.page} to reach t`, async () => {
      const r = await page.evaluate(() => window.__replay);
      assert.notEqual(r.endedAt, null, `still replaying: ${JSON.stringify(r)}`);
      return r;
    }, { timeout: 600_000, interval: 100 });
    assert.equal(seen.status, 'done', `the replay ended as ${seen.status}, not at its instant`);
    const s = await status(page);
    assert.equal(s.time, target, 'paused exactly at t');
    assert.equal(await page.getAttribute('[data-testid=play]', 'aria-label'), 'play', 'paused');
    assert.equal(await page.$('[data-testid=replay]'), null, 'the progress bar is gone');
    console.log(
      `# ${w.page}: reached t = ${target / 1e6} s (${s.steps} steps) in ${(seen.endedAt / 1000).toFixed(2)} s ` +
        `after navigation (goal 5 s); progress bar ${seen.seen ? `seen up to ${seen.maxPct}%` : 'not seen (done at once)'}; ` +
        `longest frame gap ${seen.maxGap.toFixed(0)} ms over ${seen.frames} frames`,
    );
    assert.ok(seen.endedAt < GENEROUS_MS, `took ${seen.endedAt} ms`);
    if (w.clamped) assert.ok(seen.seen, 'a replay of seconds shows its progress');
    assertNoErrors(page);
  });
}

test('Cancel stops the replay where it is, paused, and says where', async () => {
  const page = await h.open(`/raft?n=15&rate=200&seed=7&t=3600s`, { waitFor: '[data-testid=status]', settle: false });
  const target = Number(await page.getAttribute('[data-testid=replay]', 'data-target'));
  await waitUntil('the replay under way', async () => {
    assert.equal(await page.getAttribute('[data-testid=replay]', 'data-status'), 'running');
    assert.ok((await status(page)).time > 0);
  });
  // A real click (through the browser's input handling, which waits for the page's event loop)
  // while the replay runs: the heaviest link replays for seconds, so there is time.
  await page.click('[data-testid=replay-cancel]');
  const stopped = await waitUntil('the replay cancelled', async () => {
    assert.equal(await page.getAttribute('[data-testid=replay]', 'data-status'), 'cancelled');
    return status(page);
  });
  assert.ok(stopped.time > 0 && stopped.time < target, `stopped at ${stopped.time} of ${target}`);
  assert.equal(await page.getAttribute('[data-testid=play]', 'aria-label'), 'play', 'paused');
  const text = await page.textContent('[data-testid=replay-text]');
  const secs = (us) => `${Number((us / 1e6).toFixed(3))} s`;
  assert.ok(text.startsWith(`Replay cancelled at ${secs(stopped.time)} of ${secs(target)}`), text);
  await h.screenshot(page, 'replay-cancelled');
  // It stays there: a few frames later nothing has moved.
  await page.evaluate(() => new Promise((r) => { let k = 10; const f = () => (--k ? requestAnimationFrame(f) : r()); requestAnimationFrame(f); }));
  assert.deepEqual(await status(page), stopped);
  // Play runs on from there, and the message goes.
  await page.click('[data-testid=play]');
  await waitUntil('the run going on from where it stopped', async () => {
    assert.ok((await status(page)).time > stopped.time);
    assert.equal(await page.$('[data-testid=replay]'), null);
  });
  assertNoErrors(page);
});
