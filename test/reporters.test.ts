// Snapshot tests: every reporter over the same sample result, compared exactly with the stored
// files under test/__snapshots__/ (run with UPDATE_SNAPSHOTS=1 to rewrite them after a deliberate change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { reporters } from '../src/reporters/index.js';
import { sampleExcerpts, sampleResult } from './fixtures/sample-result.js';

function matchSnapshot(name: string, actual: string): void {
  const file = new URL(`./__snapshots__/${name}`, import.meta.url);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `no snapshot ${name}; run with UPDATE_SNAPSHOTS=1 to write it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its snapshot; rerun with UPDATE_SNAPSHOTS=1 if the change is intended`);
}

const plain = { color: false, excerpts: sampleExcerpts };

test('text report of the sample result matches its snapshot', () => {
  matchSnapshot('sample.txt', reporters.text(sampleResult, plain));
});

test('coloured text report of the sample result matches its snapshot', () => {
  matchSnapshot('sample.color.txt', reporters.text(sampleResult, { ...plain, color: true }));
});

test('JSON report of the sample result matches its snapshot', () => {
  matchSnapshot('sample.json', reporters.json(sampleResult));
});

/** The SARIF log with each rule's docs text replaced by a marker: that text belongs to the rule files (sarif.test.ts checks it is theirs). */
function withoutRuleDocs(sarif: string): string {
  const log = JSON.parse(sarif);
  for (const rule of log.runs[0].tool.driver.rules) {
    for (const key of ['shortDescription', 'fullDescription', 'help']) rule[key] = `<${rule.id} docs>`;
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

test('SARIF report of the sample result matches its snapshot', () => {
  matchSnapshot('sample.sarif', withoutRuleDocs(reporters.sarif(sampleResult)));
});

test('HTML report of the sample result matches its snapshot', () => {
  matchSnapshot('sample.html', reporters.html(sampleResult, plain));
});

test('text report prints the probe verdict only when the probe ran', () => {
  const text = reporters.text(sampleResult, { ...plain, width: 200 });
  assert.equal(text.match(/Probe: {2}confirmed/g)?.length, 2);
  assert.match(text, /Probe: {2}confirmed: api_key, debug_mode, rate_limit \(restored\)\. POST \/config stored/);
});

test('text report has no ANSI codes without colour, and wraps to the width without breaking words', () => {
  for (const width of [60, 80, 120]) {
    const text = reporters.text(sampleResult, { ...plain, width });
    assert.doesNotMatch(text, /\x1b\[/);
    const words = new Set(text.split(/\s+/));
    for (const line of text.split('\n')) {
      // a line may only run over by one word too long to wrap (a path, a call)
      assert.ok(line.length <= width || line.slice(0, line.trimEnd().lastIndexOf(' ')).length <= width, `line over ${width} columns: ${line}`);
    }
    assert.ok(words.has('authentication.'), 'words stay whole');
  }
});

test('control characters from scanned code reach neither the terminal nor a CI log raw', () => {
  const evil = structuredClone(sampleResult);
  evil.findings[0]!.message = 'owned \x1b[2J\x1b]0;title\x07 done\r\n::error::fake \u202e';
  evil.findings[0]!.trace[0]!.note = 'request.get_json()\x1b[31m';
  evil.errors = [{ path: 'evil\n::warning::x.py', message: 'bad\x1b[0m' }];
  for (const name of ['text', 'github'] as const) {
    const out = reporters[name](evil, { ...plain, color: false });
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f\u202e]/, `${name} passes a control character`);
    assert.doesNotMatch(out, /^::(error|warning)::fake/m, `${name} lets scanned text start a workflow command`);
    assert.ok(out.split('\n').every((line) => !line.startsWith('::warning::x.py')));
  }
  assert.match(reporters.text(evil, plain), /owned \\x1b\[2J/);
});

test('github annotations: one workflow command per finding, level from severity, properties escaped', () => {
  const lines = reporters.github(sampleResult, { ...plain, quiet: true }).trimEnd().split('\n');
  assert.equal(lines.length, sampleResult.findings.length + sampleResult.errors.length);
  assert.match(lines[0]!, /^::error file=services\/users\.py,line=9,col=12,endLine=\d+,endColumn=\d+,title=MA102 kwargs-from-request \(critical\)::/);
  assert.ok(lines.some((line) => line.startsWith('::warning file=') && line.includes('MA104')));
  const odd = structuredClone(sampleResult);
  odd.findings[0]!.path = 'a,b:c%.py';
  assert.match(reporters.github(odd, plain), /file=a%2Cb%3Ac%25\.py,/);
});

test('coloured text report paints the severity and the sensitive fields', () => {
  const text = reporters.text(sampleResult, { color: true });
  assert.match(text, /\x1b\[1;35mCRITICAL\x1b\[0m/);
  assert.match(text, /\x1b\[1;31mapi_key\x1b\[0m/);
});

test('text report groups by endpoint, worst first, and ends with the summary line', () => {
  const text = reporters.text(sampleResult, { ...plain, width: 200 });
  const headers = text.split('\n').filter((line) => /^[A-Z]+ \//.test(line));
  assert.deepEqual(headers, [
    'POST /admin/users · no authentication',
    'POST /config · API key (header X-API-Key)',
    'POST /keys · API key (header X-API-Key)',
    'PATCH /legacy/items/<int:item_id> · other auth (flask_login.login_required)',
  ]);
  assert.ok(text.endsWith('4 findings (1 critical, 2 high, 1 medium) in 12 files, 0.21 s; 1 file could not be analysed\n'));
});

test('text report of a clean scan is one summary line', () => {
  const clean = { ...sampleResult, findings: [], errors: [], stats: { files: 3, bytes: 900, seconds: 0.046 } };
  assert.equal(reporters.text(clean, plain), 'No findings in 3 files, 0.05 s\n');
});

test('text report keeps the line breaks and indentation of code in a remediation', () => {
  const [first, ...rest] = sampleResult.findings;
  const remediation = 'Copy only an allowlist:\nfor key in ALLOWED:\n    setattr(user, key, data[key])';
  const text = reporters.text({ ...sampleResult, findings: [{ ...first, remediation }, ...rest] }, plain);
  assert.match(text, /\n {4}Fix: {4}Copy only an allowlist:\n {12}for key in ALLOWED:\n {16}setattr\(user, key, data\[key\]\)\n/);
});

test('confidence, field reasons and related places reach every reporter when present', () => {
  const rich = structuredClone(sampleResult);
  Object.assign(rich.findings[1]!, {
    confidence: 'low',
    fieldReasons: { api_key: ['set by the server at app.py:12'] },
    related: [{ path: 'helpers.py', line: 7, column: 5, note: 'apply_changes(obj, data)' }],
  });
  for (const name of Object.keys(reporters) as (keyof typeof reporters)[]) {
    const out = reporters[name](rich, { ...plain, width: 200 });
    assert.match(out, /set by the server at app\.py:12/, `${name} leaves out the field reasons`);
    if (name !== 'github') assert.match(out, /helpers\.py/, `${name} leaves out the related place`);
    assert.match(out, /low/, `${name} leaves out the confidence`);
  }
});
