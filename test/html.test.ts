// The HTML report: everything from the scanned project is escaped, the page is self-contained,
// probe text never shows an API-key header value, and code excerpts come from the pure helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtml } from '../src/reporters/html.js';
import { collectExcerpts } from '../src/reporters/excerpts.js';
import type { ScanResult } from '../src/result.js';
import { sampleResult } from './fixtures/sample-result.js';

const evil = '<script>alert(1)</script>';

function hostileResult(): ScanResult {
  const [first, ...rest] = sampleResult.findings;
  const model = { ...sampleResult.models[2], name: `User${evil}`, fields: [...sampleResult.models[2].fields, { name: evil, sensitive: 'privilege' as const }] };
  const finding = {
    ...first,
    path: `admin/${evil}.py`,
    model: model.name,
    fields: [...first.fields, evil],
    writable: [...first.writable, evil],
    message: `Writes "${evil}" & more`,
    trace: [...first.trace, { path: `admin/${evil}.py`, line: 3, column: 1, note: `x = '${evil}'` }],
    endpoint: { methods: ['POST'], rule: `/admin/<${evil}>` },
  };
  return { ...sampleResult, root: `/srv/${evil}`, findings: [finding, ...rest], models: [...sampleResult.models, model], errors: [{ path: `${evil}.py`, message: evil }] };
}

test('every field, path, note and message from the project is escaped', () => {
  const page = renderHtml(hostileResult(), { color: false, excerpts: { [`admin/${evil}.py:3`]: `x = '${evil}'` } });
  assert.doesNotMatch(page, /<script/i);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(page.includes('Writes &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; more'));
  assert.ok(page.includes('<li class="field sensitive">&lt;script&gt;alert(1)&lt;/script&gt;<small>privilege</small></li>'));
});

test('the page is self-contained: inline style, no scripts, no external references, printable', () => {
  const page = renderHtml(sampleResult, { color: false });
  assert.doesNotMatch(page, /<script|<link|<img|<iframe|@import|url\(/i);
  assert.doesNotMatch(page, /(src|href)="(?!#)/i);
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
  assert.match(page, /@media print/);
});

test('an API-key header value quoted by the probe is never printed', () => {
  const [first, ...rest] = sampleResult.findings;
  const probe = { status: 'confirmed' as const, reason: 'sent X-API-Key: demo-key-7f3a and Authorization: ApiKey demo-key-7f3a', fields: ['is_admin'], restored: false };
  const page = renderHtml({ ...sampleResult, findings: [{ ...first, probe }, ...rest] }, { color: false });
  assert.doesNotMatch(page, /demo-key-7f3a/);
  assert.match(page, /X-API-Key: \[redacted\]/);
  assert.match(page, /Not every change was put back/);
});

test('without excerpts the trace still shows every step, with no empty code blocks', () => {
  const page = renderHtml(sampleResult, { color: false });
  assert.equal(page.match(/<ol class="trace">/g)?.length, 4);
  assert.doesNotMatch(page, /<pre><code><\/code><\/pre>/);
  assert.doesNotMatch(page, /class="ln"/);
});

test('collectExcerpts reads each file once and keys every trace step and sink line', () => {
  const reads: string[] = [];
  const files: Record<string, string> = {
    'app.py': Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n'),
    'admin/routes.py': Array.from({ length: 20 }, (_, i) => `admin ${i + 1}`).join('\r\n'),
  };
  const excerpts = collectExcerpts(sampleResult, (path) => {
    reads.push(path);
    return files[path];
  });
  assert.deepEqual(reads.sort(), ['admin/routes.py', 'app.py', 'legacy/items.py', 'services/users.py']);
  assert.equal(excerpts['app.py:39'], 'line 39');
  assert.equal(excerpts['admin/routes.py:14'], 'admin 14');
  assert.equal(excerpts['services/users.py:9'], undefined);
  assert.deepEqual(collectExcerpts(sampleResult, () => null), {});
  assert.deepEqual(Object.keys(excerpts).filter((key) => key.startsWith('app.py')).sort(), ['app.py:34', 'app.py:35', 'app.py:36', 'app.py:39', 'app.py:46', 'app.py:47', 'app.py:48']);
});

test('findings whose endpoint is not among the routes still get a row in the endpoint table', () => {
  const [first, second] = sampleResult.findings;
  const page = renderHtml({ ...sampleResult, routes: [], findings: [first, { ...second, endpoint: null }] }, { color: false });
  const rows = page.match(/<tr class="has-findings[^"]*">.*?<\/tr>/g) ?? [];
  assert.equal(rows.length, 2);
  assert.match(rows[0], /<td>POST<\/td><td><code>\/admin\/users<\/code><\/td>.*href="#finding-1">critical MA102</);
  assert.match(rows[1], /<td><\/td><td><span class="none">no route<\/span><\/td>.*href="#finding-2">high MA101</);
});

test('a code line is shown once when consecutive trace steps sit on it', () => {
  const [first, ...rest] = sampleResult.findings;
  const trace = [{ path: 'app.py', line: 42, column: 12, note: 'request.get_json()' }, { path: 'app.py', line: 42, column: 5, note: 'data = request.get_json()' }, { path: 'app.py', line: 60, column: 9, note: 'setattr(config, key, value)' }];
  const page = renderHtml({ ...sampleResult, findings: [{ ...first, trace }, ...rest] }, { color: false, excerpts: { 'app.py:42': 'data = request.get_json()', 'app.py:60': 'setattr(config, key, value)' } });
  assert.equal(page.match(/<span class="ln">42<\/span>/g)?.length, 1);
  assert.equal(page.match(/<span class="ln">60<\/span>/g)?.length, 1);
});

test('a remediation\'s code (lines indented four spaces) is set as a code block, its prose as text', () => {
  const [first, ...rest] = sampleResult.findings;
  const remediation = 'Copy only allowed fields:\n    ALLOWED = {"name"}\n    if key in ALLOWED:\n        setattr(obj, key, value)\nA denylist is not a fix.';
  const page = renderHtml({ ...sampleResult, findings: [{ ...first!, remediation }, ...rest] }, { color: false });
  assert.match(page, /<p class="remediation">Copy only allowed fields:<\/p><pre><code>ALLOWED = \{&quot;name&quot;\}\nif key in ALLOWED:\n    setattr\(obj, key, value\)<\/code><\/pre><p class="remediation">A denylist is not a fix.<\/p>/);
});

test('the endpoint table sorts naturally (/v2 before /v10) and the page has no script', () => {
  const route = sampleResult.routes[0]!;
  const routes = ['/v10/items', '/v2/items', '/v1/items'].map((rule) => ({ ...route, rule }));
  const page = renderHtml({ ...sampleResult, routes, findings: [] }, { color: false });
  const order = [...page.matchAll(/<code>(\/v\d+\/items)<\/code>/g)].map((m) => m[1]);
  assert.deepEqual(order, ['/v1/items', '/v2/items', '/v10/items']);
  assert.doesNotMatch(page, /<script/i);
  assert.match(page, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
});
