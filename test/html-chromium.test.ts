// The HTML report of the sample result opened in headless Debian Chromium: the summary, endpoint
// table, highlighted fields and trace render, no request leaves the page, and a screenshot is saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderHtml } from '../src/reporters/html.js';
import { sampleExcerpts, sampleResult } from './fixtures/sample-result.js';
import { scratchDir } from './helpers/scratch.js';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the sample HTML report renders offline in Chromium', { timeout: 30_000 }, async () => {
  const dir = scratchDir('massassign-html-');
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(sampleResult, { color: false, excerpts: sampleExcerpts }));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const escaped: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      escaped.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);

    const cards = await page.locator('.card').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    assert.deepEqual(cards, ['1 critical', '2 high', '1 medium', '0 low', '7 endpoints', '12 files scanned']);

    const rows = await page.locator('table.endpoints tbody tr').evaluateAll((nodes) =>
      nodes.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell as HTMLElement).innerText.trim())),
    );
    assert.deepEqual(rows, [
      ['POST', '/admin/users', 'no authentication', 'CRITICAL MA102'],
      ['GET', '/config', 'API key (header X-API-Key)', 'none'],
      ['POST', '/config', 'API key (header X-API-Key)', 'HIGH MA101'],
      ['GET', '/health', 'no authentication', 'none'],
      ['POST', '/keys', 'API key (header X-API-Key)', 'HIGH MA201'],
      ['DELETE', '/keys/<int:key_id>', 'API key (header X-API-Key)', 'none'],
      ['PATCH', '/legacy/items/<int:item_id>', 'other auth (flask_login.login_required)', 'MEDIUM MA104'],
    ]);

    const config = page.locator('article#finding-2');
    assert.equal(await config.locator('details').evaluate((d) => (d as HTMLDetailsElement).open), true, 'the first findings are open');
    const open = await page.locator('article details').evaluateAll((nodes) => nodes.map((d) => (d as HTMLDetailsElement).open));
    assert.deepEqual(open, [true, true, true, false], 'the first three findings are open, later ones folded');
    const sensitive = await config.locator('.field.sensitive').evaluateAll((nodes) => nodes.map((n) => n.firstChild?.textContent));
    assert.deepEqual(sensitive, ['api_key', 'rate_limit', 'debug_mode']);
    assert.deepEqual(await config.locator('.field.writable').evaluateAll((nodes) => nodes.map((n) => n.firstChild?.textContent)), ['display_name']);
    const strongest = await config.locator('.field.sensitive').first().evaluate((n) => getComputedStyle(n).backgroundColor);
    const plainField = await config.locator('.field:not(.writable):not(.sensitive)').first().evaluate((n) => getComputedStyle(n).backgroundColor);
    assert.notEqual(strongest, plainField);

    const steps = config.locator('ol.trace > li');
    assert.equal(await steps.count(), 4);
    for (let index = 0; index < 4; index += 1) assert.ok(await steps.nth(index).isVisible(), `trace step ${index + 1} hidden`);
    assert.match(await steps.nth(3).innerText(), /setattr\(config, key, value\)[\s\S]*app\.py:39/);

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: 'test-artifacts/report-fold.png' });
    assert.deepEqual(escaped, []);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const provenance = { date: '2026-12-02T19:00:00.000Z', version: '0.1.0', commit: '0123456789abcdef0123', settings: ['severity=medium', 'exclude=tests/**'] };

test('at 1400 and 390 px, light and dark, the report fits its width, folds findings and shows provenance', { timeout: 60_000 }, async () => {
  const dir = scratchDir('massassign-html-');
  const file = join(dir, 'report.html');
  const [first, ...rest] = sampleResult.findings;
  const result = { ...sampleResult, findings: rest, suppressed: [first!] };
  writeFileSync(file, renderHtml(result, { color: false, excerpts: sampleExcerpts, provenance, baselined: [rest[0]!], reasons: { [first!.fingerprint]: 'admin blueprint behind the gateway' } }));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  mkdirSync('test-artifacts', { recursive: true });
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1400, 390]) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
        await page.goto(pathToFileURL(file).href);
        assert.equal(await page.locator('script').count(), 0);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${width} px ${colorScheme}: the page scrolls sideways by ${overflow} px`);
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(background === 'rgb(255, 255, 255)', colorScheme === 'light', `${colorScheme} background ${background}`);
        assert.match(await page.locator('.provenance').innerText(), /massassign 0\.1\.0 · commit 0123456789ab · settings severity=medium exclude=tests\/\*\*/);
        assert.ok((await page.locator('nav.toc a').count()) >= 2);
        assert.ok((await page.locator('article details').count()) >= 3);
        assert.match(await page.locator('table.silenced').first().innerText(), /admin blueprint behind the gateway/);
        const message = page.locator('article details summary .message').first();
        const box = await message.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${width} px: the finding's message is off-screen`);
        await page.screenshot({ path: `test-artifacts/report-${width}-${colorScheme}.png`, fullPage: true });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
