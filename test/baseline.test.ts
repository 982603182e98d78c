// Baselines: the file written, reading it back, bad files, and reporting only findings it does not hold.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyBaseline } from '../src/policy/apply.js';
import { baselineOf, newFindings, readBaseline, writeBaseline } from '../src/policy/baseline.js';
import { UsageError } from '../src/cli/usage-error.js';
import { finding, resultOf } from './fixtures/cli/findings.js';
import { runCli, tempProject } from './fixtures/cli/run-cli.js';

const today = [finding('MA201', 'b.py', 9, 'high', 'fp-b'), finding('MA101', 'a.py', 3, 'high', 'fp-a')];

test('the baseline file holds version and rule/path/fingerprint per finding, sorted, and reads back', () => {
  const file = join(tempProject({}), 'baseline.json');
  writeBaseline(file, today);
  const written = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(written, {
    version: 1,
    findings: [{ rule: 'MA101', path: 'a.py', fingerprint: 'fp-a' }, { rule: 'MA201', path: 'b.py', fingerprint: 'fp-b' }],
  });
  assert.deepEqual(readBaseline(file), written);
});

test('only findings whose fingerprint the baseline lacks are reported; moved lines do not matter', () => {
  const later = [finding('MA101', 'a.py', 40, 'high', 'fp-a'), finding('MA102', 'a.py', 50, 'critical', 'fp-new'), finding('MA201', 'b.py', 12, 'high', 'fp-b')];
  const result = applyBaseline(resultOf('/p', later), baselineOf(today));
  assert.deepEqual(result.findings.map((f) => f.fingerprint), ['fp-new']);
  assert.equal(result.baselined, 2);
});

test('a fingerprint recorded once absorbs one finding: a second identical sink is new', () => {
  const twice = [finding('MA101', 'a.py', 3, 'high', 'fp-a'), finding('MA101', 'a.py', 8, 'high', 'fp-a')];
  assert.deepEqual(newFindings(twice, baselineOf(today)).map((f) => f.line), [8]);
  assert.deepEqual(newFindings(twice, baselineOf(twice)), []);
});

test('a missing, non-JSON or misshapen baseline is one line', () => {
  const root = tempProject({
    'notjson.json': '{"version": 1,',
    'v2.json': '{"version": 2, "findings": []}',
    'entry.json': '{"version": 1, "findings": [{"rule": "MA101", "path": "a.py"}]}',
  });
  const message = (name: string) => {
    try {
      readBaseline(join(root, name));
    } catch (error) {
      assert.ok(error instanceof UsageError);
      return error.message.replace(root, '<root>');
    }
    assert.fail('expected an error');
  };
  assert.equal(message('missing.json'), 'cannot read baseline <root>/missing.json: ENOENT');
  assert.equal(message('notjson.json'), 'cannot read baseline <root>/notjson.json: not JSON');
  assert.equal(message('v2.json'), '<root>/v2.json: not a massassign baseline (/version must be equal to constant)');
  assert.equal(message('entry.json'), "<root>/entry.json: not a massassign baseline (/findings/0 must have required property 'fingerprint')");
});

test('CLI: a bad --baseline exits 2 with one line, before scanning', async () => {
  const root = tempProject({ 'app.py': '', 'baseline.json': '[]' });
  const { code, stdout, stderr } = await runCli(['scan', root, '--baseline', join(root, 'baseline.json')]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, `massassign: ${root}/baseline.json: not a massassign baseline (top level must be object)\n`);
});

test('CLI: --write-baseline to a folder that does not exist exits 2', async () => {
  const root = tempProject({ 'app.py': '' });
  const { code, stderr } = await runCli(['scan', root, '--write-baseline', join(root, 'no', 'such', 'b.json')]);
  assert.equal(code, 2);
  assert.equal(stderr, `massassign: cannot write baseline ${root}/no/such/b.json: ENOENT\n`);
});
