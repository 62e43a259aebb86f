// The front door (issue 15): home, the guided path, the gallery, embedding, the language
// switch, keyboard shortcuts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startHarness, assertNoErrors, waitUntil, TESTS_DIR } from '../lib/harness.mjs';
import { status, pause, sidewaysOverflow, search } from './page.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/**
 * English words a reader sees on the page: visible text and the names screen readers read,
 * outside code samples, key caps and anything marked `lang=en` (the switch's "English").
 */
async function englishWords(page) {
  return page.evaluate(() => {
    const skip = (el) => el.closest('code, pre, kbd, script, style, [lang=en], textarea');
    const words = new Set();
    const add = (text) => {
      // Not words: a trace hash (`3296fab90725a5cb`), a setting's or a URL key's name as the
      // software spells it (`max_ejection_percent`, `panic=0`).
      text = text.replace(/\b[0-9a-f]{8,}\b/g, '').replace(/\b\w+_\w+\b/g, '').replace(/\b\w+=\w+/g, '')
        // A gloss: the term as English sources say it, in full-width brackets after its Chinese.
        .replace(/（[\x20-\x7e，、]*）/g, '');
      for (const w of text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? []) words.add(w);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const el = walker.currentNode.parentElement;
      if (!el || skip(el) || !el.checkVisibility()) continue;
      add(walker.currentNode.textContent);
    }
    // SVG tooltips: a message in flight, a node, a mark.
    for (const el of document.querySelectorAll('svg title')) {
      if (!skip(el)) add(el.textContent);
    }
    for (const el of document.querySelectorAll('[aria-label], [title]')) {
      if (!skip(el)) add(`${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('title') ?? ''}`);
    }
    return [...words].sort();
  });
}

/** Names and terms that stay in Latin letters in the Chinese UI. */
const NAMES = new Set([
  'Lab', 'Raft', 'Paxos', 'Multi-Paxos', 'Envoy', 'VRRP', 'ARP', 'VIP', 'InstallSnapshot', 'Kleppmann',
  'Made', 'Simple', 'Prepare', 'Accept', 'iframe', 'postMessage', 'source', 'halab', 'type', 'resize',
  'height', 'lang', 'embed', 'view', 'diagram', 'speed', 'End', 'Esc',
  // glossed after their Chinese: 防护令牌（fencing token）
  'fencing', 'token',
  // the ring lab: an algorithm's name, and its acronym after the Chinese
  'Maglev', 'HRW', 'copyset',
]);

/**
 * What else stays in Latin letters on a playground: the protocols' message names, as the papers
 * and the wire call them (glossed in Chinese in each legend), acronyms and units.
 */
const PLAYGROUND_NAMES = new Set([
  ...NAMES,
  'RequestVote', 'AppendEntries', 'AppendReply', 'Vote', 'Promise', 'Nack', 'Accepted', 'Heartbeat', 'CatchUp',
  'Decided', 'Snapshot', 'Acquire', 'Grant', 'Deny', 'Renew', 'Renewed', 'Lost', 'Release', 'Write', 'Written',
  'Fenced', 'PreCommit', 'PreAck', 'Commit', 'Abort', 'Ack', 'Ask', 'Query', 'Report', 'Yes', 'COMMIT', 'ABORT',
  'Request', 'Forward', 'Done', 'Response', 'Check', 'CheckReply', 'Advert', 'GARP', 'LeaseAsk', 'LeaseGrant',
  'LeaseDeny', 'LeaseRelease', 'Provision', 'Provisioned', 'Pool',
  // Raft's state variables as Figure 2 names them, and a key
  'votedFor', 'currentTerm', 'commitIndex', 'nextIndex', 'matchIndex', 'Ctrl',
  // glossed after their Chinese, or maths
  'no-op', 'k-of-n', 'mod', 'log', 'SLO',
  'TTL', 'GC', 'EWMA', 'P2C', 'MTBF', 'MTTR', 'SLA', 'CSV', 'SVG', 'CTMC', 'req', 'ppm', 'min',
  // sources cited by name
  'Chubby', 'Leases', 'Gray', 'Lamport', 'Skeen', 'Ongaro', 'Ousterhout', 'Spanner',
]);

test('home maps every concept to a scenario, with a still picture that turns live', async () => {
  const page = await h.open('/');
  const cards = await page.$$('[data-testid^=concept-]:not([data-testid=concept-map])');
  assert.equal(cards.length, 10);
  for (const c of ['fault-tolerance', 'redundancy', 'load-balancing', 'failover', 'recovery', 'consensus',
    'partitioning', 'locks', 'atomic-commit', 'availability']) {
    await page.waitForSelector(`[data-testid=preview-${c}]`);
    const href = await page.getAttribute(`[data-testid=open-${c}]`, 'href');
    assert.match(href, /^(raft|paxos|lock|txn|lb|ring|avail)\?p=/, `${c}: ${href}`);
  }
  await page.click('[data-testid=watch-locks]');
  const frame = await (await page.waitForSelector('[data-testid=embed-locks]')).contentFrame();
  await frame.waitForSelector('[data-testid=node-0]');
  assert.equal(await frame.$('nav'), null, 'the live card is the small widget');
  await h.screenshot(page, 'home');
  await page.click('[data-testid=open-consensus]');
  await page.waitForSelector('[data-testid=node-0]');
  assert.equal(await page.evaluate(() => location.pathname), '/paxos');
  assertNoErrors(page);
});

test('the gallery filters by concept, keeps the filter in its link, and reports a bad one', async () => {
  const page = await h.open('/gallery');
  const all = await page.$$eval('[data-testid^=story-]', (els) => els.length);
  assert.ok(all >= 15, `${all} stories`);
  for (const id of ['raft-fig8', 'lock-kleppmann', 'txn-2pc-blocking', 'txn-3pc-split', 'lb-sinkhole', 'lb-retry-storm', 'lb-split-brain']) {
    await page.waitForSelector(`[data-testid=story-${id}] .famous`);
  }
  await page.click('[data-testid=filter-atomic-commit]');
  await waitUntil('the filter in the URL', async () => assert.equal(await search(page), '?concept=atomic-commit'));
  const shown = await page.$$eval('[data-testid^=story-]', (els) => els.map((e) => e.dataset.testid));
  assert.deepEqual(shown, ['story-txn-2pc-blocking', 'story-txn-3pc-split']);
  assert.equal(await page.getAttribute('[data-testid=filter-atomic-commit]', 'aria-pressed'), 'true');
  await h.screenshot(page, 'gallery');
  await page.click('[data-testid=open-txn-3pc-split]');
  await page.waitForSelector('[data-testid=node-0]');
  assert.equal(await page.$('[data-testid=error-banner]'), null);
  assertNoErrors(page);

  const filtered = await h.open('/gallery?concept=locks');
  const locks = await filtered.$$eval('[data-testid^=story-]', (els) => els.map((e) => e.dataset.testid));
  assert.ok(locks.includes('story-lock-kleppmann') && locks.length < all, `${locks}`);
  const bad = await h.open('/gallery?concept=%3Cscript%3E');
  assert.match(await bad.textContent('[data-testid=error-banner]'), /no concept called/);
  assert.equal(await bad.$$eval('[data-testid^=story-]', (els) => els.length), all);
  assertNoErrors(bad);
});

test('the guided path: a step checks its goal from the run, and the progress is kept', async () => {
  const page = await h.open('/learn');
  assert.match(await page.textContent('[data-testid=learn-progress]'), /0 of 11 steps done/);
  await page.click('[data-testid=learn-next]');
  await page.waitForSelector('[data-testid=guide][data-reached=false]');
  assert.equal(await page.evaluate(() => location.pathname), '/lb');
  assert.match(await page.textContent('[data-testid=guide]'), /step 1 of 11/);
  await page.waitForSelector('[data-testid=node-3]');
  // The prompt: crash a backend.
  await waitUntil('the run to pass 0.3 s', async () => assert.ok((await status(page)).time > 0.3));
  await page.click('[data-testid=node-3]');
  await page.click('[data-testid=menu-crash]');
  await page.waitForSelector('[data-testid=guide][data-reached=true]');
  assert.match(await search(page), /learn=one-fails/, 'the step stays in the link');
  await h.screenshot(page, 'learn-step');
  await page.click('[data-testid=next-step]');
  await page.waitForSelector('[data-testid=guide][data-reached=false]');
  assert.match(await page.textContent('[data-testid=guide]'), /step 2 of 11/);
  assertNoErrors(page);

  const back = await page.context().newPage();
  await back.goto(new URL('/learn', h.url).href);
  await back.waitForSelector('[data-testid=step-one-fails][data-done=true]');
  assert.match(await back.textContent('[data-testid=learn-progress]'), /1 of 11 steps done/);
  assert.equal(await back.getAttribute('[data-testid=step-health-checks]', 'data-done'), 'false');
  await h.screenshot(back, 'learn');
  await back.click('[data-testid=learn-reset]');
  await back.waitForSelector('[data-testid=step-one-fails][data-done=false]');
});

test('Embed gives iframe code for the scenario at this instant, and the widget it gives loads', async () => {
  const page = await h.open('/raft?p=raft&n=3&seed=2');
  await pause(page);
  await page.click('[data-testid=embed]');
  const code = await page.inputValue('[data-testid=embed-code]');
  assert.match(code, /^<iframe src="http:\/\/[^"]+\/raft\?p=raft&amp;n=3&amp;seed=2&amp;t=[0-9.]+m?s&amp;embed=1" title="Raft"/);
  assert.match(code, /<script>addEventListener\("message"/);
  await h.screenshot(page, 'embed-control');
  const src = code.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  const widget = await h.open(new URL(src).pathname + new URL(src).search, { waitFor: '[data-testid=node-0]' });
  assert.equal(await widget.$('nav'), null);
  assertNoErrors(widget);
});

test('a static page embedding three widgets: each loads, reports its height, and logs no error', async () => {
  const host = await readFile(path.join(TESTS_DIR, 'fixtures', 'embed-host.html'), 'utf8');
  const context = await h.browser.newContext({ viewport: { width: 900, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.location().url}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/docs/host.html', (route) => route.fulfill({ body: host, contentType: 'text/html' }));
  await page.goto(new URL('/docs/host.html', h.url).href);
  for (const [id, ready] of [['raft', '[data-testid=node-0]'], ['txn', '[data-testid=diagram-svg]'], ['ring', '[data-testid=ring-svg]']]) {
    const frame = await (await page.waitForSelector(`#${id}`)).contentFrame();
    await frame.waitForSelector(ready);
    await waitUntil(`${id} to report its height`, async () => {
      const px = await page.$eval(`#${id}`, (f) => f.style.height);
      assert.match(px, /^\d+px$/);
      const want = await frame.evaluate(() => Math.ceil(document.querySelector('main').getBoundingClientRect().bottom));
      assert.ok(Math.abs(parseInt(px, 10) - want) <= 2, `${id}: ${px} for ${want}`);
    });
    for (const f of page.frames()) {
      const pageErrors = await f.evaluate(() => document.querySelector('[data-testid=panic]')?.textContent ?? null).catch(() => null);
      assert.equal(pageErrors, null);
    }
  }
  await page.screenshot({ path: path.join(TESTS_DIR, 'screenshots', 'embed-host.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  const doc = await h.open('/embed');
  for (const id of ['raft-leader-crash', 'txn-2pc-blocking', 'ring-join']) {
    const frame = await (await doc.waitForSelector(`[data-testid=example-${id}] iframe`)).contentFrame();
    await frame.waitForSelector('main');
    assert.match(await doc.textContent(`[data-testid=example-${id}] code`), /^<iframe src="http/);
  }
  assert.equal(await doc.textContent('[data-testid=host-script]'), host.match(/<script>addEventListener[^\n]*<\/script>/)[0]);
  await h.screenshot(doc, 'embed-doc');
  assertNoErrors(doc);
});

test('Chinese: from lang=, from the saved switch, from the browser; no English left on any page', async () => {
  for (const route of ['/?lang=zh', '/gallery?lang=zh', '/learn?lang=zh', '/embed?lang=zh', '/ring?lang=zh']) {
    const page = await h.open(route);
    // The ring lab fills its table and failure figures after the first paint: read it settled too.
    if (route.startsWith('/ring')) await page.waitForSelector('[data-testid=compare-table]');
    if (route.startsWith('/ring')) await page.waitForSelector('[data-testid=failures]');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    const leaks = (await englishWords(page)).filter((w) => !NAMES.has(w));
    assert.deepEqual(leaks, [], `${route} shows English`);
    assertNoErrors(page);
  }
  // Every playground mid-run, with a bug switch on so the invariant panel explains a violation,
  // the notes feed full of the core's sentences, and (for 2PC) the space-time diagram.
  const runs = [
    '/raft?p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms',
    '/paxos?p=paxos&n=5&seed=41&rate=4&proposers=3&mode=single&bugs=ignore',
    '/lock?p=lock&n=4&seed=1&bugs=nofence&faults=pause:2:2s@900ms',
    '/txn?p=txn&n=4&seed=1&bugs=committimeout&faults=crash:2@794ms,restart:2@2s&view=diagram',
    '/lb?p=lb&n=6&seed=1&eject=1&bugs=ejectall&faults=failfast:2@1s,failfast:3@1s,failfast:4@1s',
    '/avail?lang=zh',
  ];
  for (const run of runs) {
    const route = run.includes('lang=') ? run : `${run}&t=8s&lang=zh`;
    const page = await h.open(route);
    if (!route.startsWith('/avail')) {
      await page.waitForSelector('[data-testid=invariants][data-ok=false]');
      await page.waitForSelector('[data-testid=notes] li');
    } else {
      await page.waitForSelector('[data-testid=avail-chart]');
    }
    const leaks = (await englishWords(page)).filter((w) => !PLAYGROUND_NAMES.has(w));
    assert.deepEqual(leaks, [], `${route} shows English`);
    assertNoErrors(page);
    await page.close();
  }
  // 390 px: nothing sticks out sideways, on the front door and on every playground (whose
  // shared chrome is in Chinese so far).
  const playgrounds = ['/raft?lang=zh', '/paxos?lang=zh', '/lock?lang=zh', '/txn?lang=zh', '/lb?lang=zh', '/ring?lang=zh', '/avail?lang=zh'];
  for (const route of ['/?lang=zh', '/gallery?lang=zh', '/learn?lang=zh', '/embed?lang=zh', ...playgrounds]) {
    const phone = await h.open(route, { viewport: { width: 390, height: 844 } });
    assert.ok((await sidewaysOverflow(phone)) <= 0, `${route} scrolls sideways at 390 px`);
    if (route === '/?lang=zh') await h.screenshot(phone, 'home-zh-390');
    if (route === '/learn?lang=zh') await h.screenshot(phone, 'learn-zh-390');
  }
  // The switch: saved, and carried by links the page writes.
  const page = await h.open('/gallery');
  assert.match(await page.textContent('h1 + nav'), /Learn/);
  await page.click('[data-testid=lang-zh]');
  await page.waitForSelector('[data-testid=lang-zh][aria-pressed=true]');
  assert.match(await search(page), /lang=zh/);
  assert.match(await page.textContent('[data-testid=gallery-count]'), /个场景/);
  await page.click('[data-testid=filter-locks]');
  await waitUntil('the language kept in the rewritten URL', async () => assert.match(await search(page), /concept=locks&lang=zh/));
  const again = await page.context().newPage();
  await again.goto(new URL('/learn', h.url).href);
  await again.waitForSelector('[data-testid=learn-progress]');
  assert.match(await again.textContent('[data-testid=learn-progress]'), /已完成/);
  // The browser's language, in a fresh profile.
  const zhContext = await h.browser.newContext({ locale: 'zh-CN' });
  const fresh = await zhContext.newPage();
  await fresh.goto(new URL('/', h.url).href);
  await fresh.waitForSelector('[data-testid=concept-map]');
  assert.match(await fresh.textContent('.hero h2'), /高可用/);
  await zhContext.close();
  const bad = await h.open('/?lang=klingon');
  assert.match(await bad.textContent('[data-testid=lang-banner]'), /klingon/);
});

test('keyboard: space plays and pauses, the arrows step, ? lists the keys', async () => {
  const page = await h.open('/raft?p=raft&n=3&seed=2');
  await page.keyboard.press('Space');
  await page.waitForSelector('[data-testid=play][aria-label=play]');
  const before = (await status(page)).steps;
  await page.keyboard.press('ArrowRight');
  await waitUntil('one step forward', async () => assert.equal((await status(page)).steps, before + 1));
  await page.keyboard.press('ArrowLeft');
  await waitUntil('one step back', async () => assert.equal((await status(page)).steps, before));
  await page.keyboard.press('Shift+Slash');
  await page.waitForSelector('[data-testid=keys-help]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=keys-help]', { state: 'detached' });
  await page.keyboard.press('Space');
  await page.waitForSelector('[data-testid=play][aria-label=pause]');
  assertNoErrors(page);
});
