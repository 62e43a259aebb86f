// Accessibility (issue 15): axe-core, run in every page as the page is first shown, reports no
// serious or critical violation. axe comes from npm (tests/package.json), never the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startHarness, assertNoErrors } from '../lib/harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** Serious and critical violations on the page as it is now, one line each. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    const where = (n) => {
      const d = n.any[0]?.data;
      const colours = d?.fgColor ? ` (${d.fgColor} on ${d.bgColor}: ${d.contrastRatio}, needs ${d.expectedContrastRatio})` : '';
      return n.target.join(' ') + colours;
    };
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map(where) }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(' | ')}`);
}

const PAGES = [
  ['/', '[data-testid=concept-map]'],
  ['/?lang=zh', '[data-testid=concept-map]'],
  ['/learn', '[data-testid=learn-steps]'],
  ['/gallery', '[data-testid=stories]'],
  ['/embed', '[data-testid=embed-examples]'],
  ['/raft?p=raft&n=5&seed=1&t=2s', '[data-testid=node-0]'],
  ['/paxos?p=paxos&n=5&seed=1&t=2s', '[data-testid=node-0]'],
  ['/lock?p=lock&n=4&seed=1&t=2s', '[data-testid=node-0]'],
  ['/txn?p=txn&n=4&seed=1&t=2s', '[data-testid=node-0]'],
  ['/lb?p=lb&n=6&seed=1&t=2s', '[data-testid=node-0]'],
  ['/ring', '[data-testid=ring-svg]'],
  ['/avail', '[data-testid=avail-chart]'],
  ['/raft?p=raft&n=5&seed=1&t=1s&embed=1', '[data-testid=node-0]'],
  ['/raft?p=raft&n=5&seed=1&learn=new-leader', '[data-testid=guide]'],
];

for (const [route, ready] of PAGES) {
  test(`axe finds no serious violation on ${route}`, async () => {
    const page = await h.open(route, { waitFor: ready });
    const found = await axeViolations(page);
    assert.deepEqual(found, [], `${route}:\n${found.join('\n')}`);
    assertNoErrors(page);
  });
}
