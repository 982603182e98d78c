// The rule fixture corpus: every file under test/fixtures/rules and every app under test/fixtures/projects
// is scanned and its findings must match its `# ruleid:` / `# ok:` marks exactly; plus a self-test of the checker.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import type { Finding, ScanResult } from '../src/result.js';
import { allRules } from '../src/rules/index.js';
import { checkMarks, parseMarks, type Mark } from './helpers/marks.js';

const repo = join(import.meta.dirname, '..');
const fixtures = join(import.meta.dirname, 'fixtures');

const pythonFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.py'))
    .map((name) => join(dir, name))
    .sort();

const subfolders = (dir: string): string[] =>
  readdirSync(dir).map((name) => join(dir, name)).filter((path) => statSync(path).isDirectory()).sort();

/** Absolute path of the file a finding is in (a single-file scan's root is the file itself). */
const fileOf = (result: ScanResult, finding: Finding) =>
  statSync(result.root).isFile() ? result.root : resolve(result.root, finding.path);

/** Every mismatch between a scan and the marks of the files it covered, plus any file it could not read. */
function mismatches(result: ScanResult, files: string[]): string[] {
  const problems = result.errors.map((e) => `${e.path}: scan error: ${e.message}`);
  for (const file of files) {
    const marks = parseMarks(readFileSync(file, 'utf8'), relative(repo, file));
    const findings = result.findings.filter((f) => fileOf(result, f) === file);
    problems.push(...checkMarks(relative(repo, file), marks, findings));
  }
  const unknown = result.findings.filter((f) => !files.includes(fileOf(result, f)));
  problems.push(...unknown.map((f) => `${f.path}:${f.line}: finding in a file outside the fixture: ${f.rule}`));
  return problems;
}

const expectMarks = (files: string[]) => {
  const count = files.reduce((n, file) => n + parseMarks(readFileSync(file, 'utf8'), file).length, 0);
  assert.ok(count > 0, `no marks in ${files.map((f) => relative(repo, f)).join(', ')}: a fixture must say what it expects`);
};

for (const file of pythonFiles(join(fixtures, 'rules'))) {
  test(`rule fixture ${relative(join(fixtures, 'rules'), file)}`, async () => {
    expectMarks([file]);
    const problems = mismatches(await scan({ path: file }), [file]);
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
}

for (const project of subfolders(join(fixtures, 'projects'))) {
  test(`project fixture ${relative(join(fixtures, 'projects'), project)}`, async () => {
    const files = pythonFiles(project);
    expectMarks(files);
    const problems = mismatches(await scan({ path: project }), files);
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
}

test('every rule has a fixture folder of its name that expects it, and every folder is a rule', () => {
  const folders = subfolders(join(fixtures, 'rules')).map((dir) => relative(join(fixtures, 'rules'), dir));
  assert.deepEqual(folders, allRules.map((rule) => rule.name).sort());
  for (const rule of allRules) {
    const marks = pythonFiles(join(fixtures, 'rules', rule.name)).flatMap((file) => parseMarks(readFileSync(file, 'utf8'), file));
    assert.ok(marks.some((m) => m.kind === 'ruleid' && m.rule === rule.code), `${rule.name}/ expects no ${rule.code} finding`);
    assert.ok(marks.some((m) => m.kind === 'ok' && m.rule === rule.code), `${rule.name}/ has no safe look-alike for ${rule.code}`);
  }
});

test('checker: marks are parsed with their codes, fields and target lines', () => {
  const source = [
    'def f():',
    '    # ruleid: MA101, MA201 fields=is_admin,api_key',
    '    # a note between the mark and its line',
    '',
    '    setattr(u, k, v)',
    '    # ok: MA102',
    '    User(name=data["name"])',
    '# todoruleid: MA103',
    'x = 1',
    '# todook: MA104',
    'y = 2',
  ].join('\n');
  const brief = (m: Mark) => [m.kind, m.rule, m.fields?.join(',') ?? '', m.line];
  assert.deepEqual(parseMarks(source).map(brief), [
    ['ruleid', 'MA101', 'api_key,is_admin', 5],
    ['ruleid', 'MA201', 'api_key,is_admin', 5],
    ['ok', 'MA102', '', 7],
    ['todoruleid', 'MA103', '', 9],
    ['todook', 'MA104', '', 11],
  ]);
});

test('checker: an unknown code or a dangling mark is an error, not a silent pass', () => {
  assert.throws(() => parseMarks('# ruleid: MA999\nx = 1\n', 'a.py'), /a\.py:1: unknown rule code "MA999"/);
  assert.throws(() => parseMarks('x = 1\n# ok: MA101\n', 'a.py'), /a\.py:2: mark with no code line/);
});

test('checker: a missing finding, an extra one, wrong fields and stale todo marks all fail', () => {
  const marks = parseMarks([
    '# ruleid: MA101', 'a = 1', // line 2: missing
    '# ruleid: MA102 fields=role', 'b = 2', // line 4: wrong fields
    '# ok: MA103', 'c = 3', // line 6: finding where none is wanted
    '# todoruleid: MA104', 'd = 4', // line 8: known miss now found
    '# todook: MA105', 'e = 5', // line 10: known false positive gone
    '# ruleid: MA201 fields=scope', 'f = 6', // line 12: matched
    'g = 7', // line 13: extra, unmarked
  ].join('\n'));
  const found = (rule: string, line: number, fields: string[]) => ({ rule, line, fields });
  const problems = checkMarks('a.py', marks, [
    found('MA102', 4, ['is_admin', 'role']),
    found('MA103', 6, []),
    found('MA104', 8, ['owner_id']),
    found('MA201', 12, ['scope']),
    found('MA101', 13, ['is_admin']),
  ]);
  assert.deepEqual(problems, [
    'a.py:2: expected MA101, got nothing',
    'a.py:4: expected MA102 fields=role, got MA102 fields=is_admin,role',
    'a.py:6: expected no MA103, got MA103 fields=-',
    'a.py:8: known miss of MA104 is now found (MA104 fields=owner_id): promote the mark to ruleid',
    'a.py:10: known false positive of MA105 is gone: promote the mark to ok',
    'a.py:13: unmarked finding MA101 fields=is_admin',
  ]);
});

test('checker: findings that match every mark leave nothing to report', () => {
  const marks = parseMarks('# ruleid: MA101 fields=is_admin,api_key\nsetattr(u, k, v)\n# ok: MA101\nu.name = n\n');
  assert.deepEqual(checkMarks('a.py', marks, [{ rule: 'MA101', line: 2, fields: ['api_key', 'is_admin'] }]), []);
});

test('checker: model= and severity= must hold too, and model=- means no model', () => {
  const marks = parseMarks([
    '# ruleid: MA101 model=Account severity=high', 'a = 1',
    '# ruleid: MA102 fields=role model=-', 'b = 2',
    '# todoruleid: MA101 model=User', 'c = 3',
  ].join('\n'));
  const found = (rule: string, line: number, model: string | null, severity: 'high' | 'medium') => ({ rule, line, fields: ['role'], model, severity });
  assert.deepEqual(checkMarks('a.py', marks, [found('MA101', 2, 'Account', 'medium'), found('MA102', 4, null, 'high'), found('MA101', 6, null, 'medium')]), [
    'a.py:2: expected MA101 model=Account severity=high, got MA101 fields=role model=Account severity=medium',
  ]);
  assert.deepEqual(checkMarks('a.py', marks, [found('MA101', 2, 'Account', 'high'), found('MA102', 4, null, 'high'), found('MA101', 6, 'User', 'high')]), [
    'a.py:6: known miss of MA101 is now found (MA101 fields=role model=User severity=high): promote the mark to ruleid',
  ]);
  assert.throws(() => parseMarks('# ruleid: MA101 colour=red\nx = 1\n', 'a.py'), /unknown or repeated mark option "colour"/);
});
