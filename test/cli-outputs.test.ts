// The scan command's outputs: several reports in one run (-o FORMAT=FILE), the summary on stderr when every
// report goes to a file, a warning for an empty or fully excluded path, --color / FORCE_COLOR / TERM=dumb,
// --min-confidence, and the GitLab SAST report's required shape.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { colorWanted } from '../src/cli/color.js';
import { filterFindings } from '../src/policy/filter.js';
import { reporters } from '../src/reporters/index.js';
import { gitlabSchemaVersion } from '../src/reporters/gitlab.js';
import { vulnerableApp } from './fixtures/cli/apps.js';
import { finding } from './fixtures/cli/findings.js';
import { runCli, tempProject } from './fixtures/cli/run-cli.js';
import { sampleResult } from './fixtures/sample-result.js';

const noCi = { CI: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: undefined };

test('-o FORMAT=FILE writes several reports in one run and prints the summary on stderr', async () => {
  const root = tempProject({ 'app.py': vulnerableApp() });
  const sarif = join(root, 'out.sarif');
  const json = join(root, 'out.json');
  const github = join(root, 'out.txt');
  const run = await runCli(['scan', root, '-o', `sarif=${sarif}`, '-o', `json=${json}`, '-o', `github=${github}`], noCi);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^\d+ findings? \(.*\) in 1 file, [\d.]+ s\n$/);
  assert.equal(JSON.parse(readFileSync(sarif, 'utf8')).version, '2.1.0');
  assert.ok(JSON.parse(readFileSync(json, 'utf8')).findings.length > 0);
  assert.match(readFileSync(github, 'utf8'), /^::error file=app\.py,line=\d+/m);
  assert.equal((await runCli(['scan', root, '-o', `sarif=${sarif}`, '--quiet'], noCi)).stderr, '', '--quiet keeps stderr silent');
  const bad = await runCli(['scan', root, '-o', 'yaml=x.yml'], noCi);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format yaml/);
});

test('an empty or fully excluded path warns on stderr', async () => {
  const empty = tempProject({ 'README.md': 'no python here' });
  assert.match((await runCli(['scan', empty], noCi)).stderr, /massassign: warning: no Python files to scan in /);
  const excluded = tempProject({ 'app.py': vulnerableApp() });
  const run = await runCli(['scan', excluded, '--exclude', '*.py'], noCi);
  assert.match(run.stderr, /no Python files to scan .*all excluded/);
  assert.equal(run.code, 0);
});

test('colour: --color always|never|auto, FORCE_COLOR, NO_COLOR and TERM=dumb', async () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(colorWanted('auto', tty, {}), true);
  assert.equal(colorWanted('auto', pipe, {}), false);
  assert.equal(colorWanted('auto', tty, { TERM: 'dumb' }), false);
  assert.equal(colorWanted('auto', tty, { NO_COLOR: '1' }), false);
  assert.equal(colorWanted('auto', pipe, { FORCE_COLOR: '1' }), true);
  assert.equal(colorWanted('auto', tty, { FORCE_COLOR: '0' }), false);
  assert.equal(colorWanted('always', pipe, { NO_COLOR: '1' }), true);
  assert.equal(colorWanted('never', tty, { FORCE_COLOR: '1' }), false);
  const root = tempProject({ 'app.py': vulnerableApp() });
  assert.match((await runCli(['scan', root, '--color', 'always'], noCi)).stdout, /\x1b\[/);
  assert.doesNotMatch((await runCli(['scan', root, '--color', 'auto'], { ...noCi, TERM: 'dumb' }, true)).stdout, /\x1b\[/);
  assert.match((await runCli(['scan', root], { ...noCi, FORCE_COLOR: '1' })).stdout, /\x1b\[/);
});

test('--min-confidence keeps findings at or above it; a finding without a confidence counts as high', () => {
  const low = { ...finding('MA101', 'a.py', 1, 'high'), confidence: 'low' as const };
  const medium = { ...finding('MA101', 'a.py', 2, 'high'), confidence: 'medium' as const };
  const unknown = finding('MA101', 'a.py', 3, 'high');
  assert.deepEqual(filterFindings([low, medium, unknown], { minConfidence: 'medium' }).map((f) => f.line), [2, 3]);
  assert.deepEqual(filterFindings([low, medium, unknown], { minConfidence: 'high' }).map((f) => f.line), [3]);
  assert.deepEqual(filterFindings([low, medium, unknown], {}).map((f) => f.line), [1, 2, 3]);
});

test('the GitLab report has the SAST schema\'s required fields and value formats', () => {
  const provenance = { date: '2026-12-02T19:00:00.000Z', version: '0.1.0', repositoryRoot: '/srv', settings: [] };
  const report = JSON.parse(reporters.gitlab(sampleResult, { color: false, provenance }));
  assert.equal(report.version, gitlabSchemaVersion);
  assert.match(report.schema, /security-report-schemas\/-\/raw\/v15\.0\.7\/dist\/sast-report-format\.json$/);
  assert.equal(report.scan.type, 'sast');
  assert.equal(report.scan.status, 'success');
  for (const key of ['start_time', 'end_time']) assert.match(report.scan[key], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  for (const tool of [report.scan.analyzer, report.scan.scanner]) for (const key of ['id', 'name', 'version']) assert.equal(typeof tool[key], 'string');
  assert.equal(report.vulnerabilities.length, sampleResult.findings.length);
  for (const v of report.vulnerabilities) {
    assert.match(v.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(['Critical', 'High', 'Medium', 'Low', 'Info', 'Unknown'].includes(v.severity));
    assert.ok(v.name.length <= 255 && v.solution.length <= 7000);
    assert.ok(v.identifiers.length >= 1 && v.identifiers.every((i: Record<string, string>) => i.type && i.name && i.value));
    assert.ok(v.location.file.startsWith('service-config/'), 'paths are relative to the repository root');
    assert.ok(Number.isInteger(v.location.start_line) && v.location.end_line >= v.location.start_line);
  }
  assert.equal(new Set(report.vulnerabilities.map((v: { id: string }) => v.id)).size, report.vulnerabilities.length);
});
