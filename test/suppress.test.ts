// Ignore comments: parsing (not inside strings), which findings they silence, and which silence nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findIgnoreComments } from '../src/policy/ignore-comments.js';
import { applyFilters } from '../src/policy/apply.js';
import { unusedIgnoreLine } from '../src/policy/notes.js';
import { finding, resultOf } from './fixtures/cli/findings.js';

test('ignore comments: bare, with codes or names, any spacing and case; own-line or trailing', () => {
  const source = [
    'for k, v in data.items():',
    '    setattr(obj, k, v)  # massassign: ignore[MA101]',
    '# massassign: ignore[ MA102 , client-chosen-scope ]',
    'Key(**data)',
    'x = 1  #massassign:ignore',
    '    # MASSASSIGN: IGNORE[ma101] -- reviewed',
    'y = 2  # massassign: ignored, not a directive',
    'z = 3  # noqa: E501  # massassign: ignore[MA104]',
  ].join('\n');
  assert.deepEqual(findIgnoreComments(source), [
    { line: 2, rules: ['MA101'], ownLine: false },
    { line: 3, rules: ['MA102', 'client-chosen-scope'], ownLine: true },
    { line: 5, rules: [], ownLine: false },
    { line: 6, rules: ['ma101'], ownLine: true },
    { line: 8, rules: ['MA104'], ownLine: false },
  ]);
});

test('ignore comments inside strings and docstrings do not count, and lines stay right after them', () => {
  const source = [
    'def f():',
    '    """Docs: write # massassign: ignore[MA101] to silence.',
    "    It's multi-line, with \"quotes\" inside.",
    '    """',
    "    s = 'a # massassign: ignore' + \"b # massassign: ignore\"",
    "    t = 'it\\'s # massassign: ignore'",
    '    u = r"\\"  # massassign: ignore[MA103]"',
    "    v = '''x",
    "    # massassign: ignore'''  # massassign: ignore[MA102]",
  ].join('\n');
  assert.deepEqual(findIgnoreComments(source), [{ line: 9, rules: ['MA102'], ownLine: false }]);
});

const source = [
  'def update(config, data):',                                  // 1
  '    for key, value in data.items():',                        // 2
  '        setattr(config, key, value)  # massassign: ignore[MA101]', // 3
  '    # massassign: ignore[kwargs-from-request]',               // 4
  '    ServiceConfig(**data)',                                  // 5
  '    x = 1  # massassign: ignore',                            // 6
  '    ServiceConfig(**data)',                                  // 7: a trailing comment does not cover the next line
  '    ServiceConfig(**data)  # massassign: ignore[MA101]',     // 8: another rule
  '    ApiKey(**data)  # massassign: ignore[MA102, MA201]',     // 9
  '    pass  # massassign: ignore[MA101]',                      // 10: nothing here
].join('\n');
const read = (path: string) => (path === 'app.py' ? source : null);

test('a comment silences findings of the rules it names on its line, or on the next line when alone', () => {
  const findings = [finding('MA101', 'app.py', 3), finding('MA102', 'app.py', 5), finding('MA102', 'app.py', 7), finding('MA102', 'app.py', 8), finding('MA102', 'app.py', 9), finding('MA101', 'other.py', 3)];
  const { result } = applyFilters(resultOf('/p', findings, ['app.py']), {}, read);
  assert.deepEqual(result.findings.map((f) => `${f.path}:${f.line}`), ['app.py:7', 'app.py:8', 'other.py:3']);
  assert.deepEqual(result.suppressed?.map((f) => `${f.path}:${f.line}`), ['app.py:3', 'app.py:5', 'app.py:9']);
});

test('comments that silenced nothing are listed, with the rules of a comment that went unused', () => {
  const findings = [finding('MA101', 'app.py', 3), finding('MA102', 'app.py', 9)];
  const { ignores } = applyFilters(resultOf('/p', findings, ['app.py']), {}, read);
  assert.deepEqual(ignores.unused(['app.py']), [
    { path: 'app.py', line: 4, rules: ['kwargs-from-request'] },
    { path: 'app.py', line: 6, rules: [] },
    { path: 'app.py', line: 8, rules: ['MA101'] },
    { path: 'app.py', line: 9, rules: ['MA201'] },
    { path: 'app.py', line: 10, rules: ['MA101'] },
  ]);
  assert.equal(unusedIgnoreLine({ path: 'app.py', line: 6, rules: [] }), 'app.py:6: unused ignore comment: matches no finding');
  assert.equal(unusedIgnoreLine({ path: 'app.py', line: 9, rules: ['MA201'] }), 'app.py:9: unused ignore comment: lists MA201, which matches no finding');
});

test('a comment for a finding filtered out by severity or rule selection is still used, and not counted as suppressed', () => {
  const findings = [finding('MA101', 'app.py', 3, 'medium'), finding('MA102', 'app.py', 5)];
  const { result, ignores } = applyFilters(resultOf('/p', findings, ['app.py']), { severity: 'high', ignore: ['MA102'] }, read);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.suppressed, []);
  assert.deepEqual(ignores.unused(['app.py']).map((u) => u.line), [6, 8, 9, 10]);
});

test('select, ignore and severity filter by code (any case) or name', () => {
  const findings = [finding('MA101', 'a.py', 1, 'medium'), finding('MA102', 'a.py', 2, 'critical'), finding('MA201', 'a.py', 3, 'high')];
  const lines = (filter: Parameters<typeof applyFilters>[1]) => applyFilters(resultOf('/p', findings), filter, () => null).result.findings.map((f) => f.line);
  assert.deepEqual(lines({}), [1, 2, 3]);
  assert.deepEqual(lines({ select: ['ma101', 'client-chosen-scope'] }), [1, 3]);
  assert.deepEqual(lines({ ignore: ['kwargs-from-request'] }), [1, 3]);
  assert.deepEqual(lines({ severity: 'high' }), [2, 3]);
  assert.deepEqual(lines({ select: ['MA101', 'MA102'], severity: 'high' }), [2]);
});
