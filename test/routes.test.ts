// Route and auth discovery: every `# route:` mark in test/fixtures/routes must match one discovered endpoint
// (methods, rule, auth kind and how the key travels) and no endpoint may go unmarked; plus a self-test.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import { checkRoutes, parseRouteMarks } from './helpers/marks.js';

const repo = join(import.meta.dirname, '..');
const folder = join(import.meta.dirname, 'fixtures', 'routes');

for (const name of readdirSync(folder).filter((n) => n.endsWith('.py')).sort()) {
  test(`routes of ${name}`, async () => {
    const file = join(folder, name);
    const marks = parseRouteMarks(readFileSync(file, 'utf8'), relative(repo, file));
    assert.ok(marks.length > 0, `${name} has no route marks`);
    const result = await scan({ path: file });
    const problems = [...result.errors.map((e) => `${e.path}: scan error: ${e.message}`), ...checkRoutes(relative(repo, file), marks, result.routes)];
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
}

// A folder is one project: its routes come from wiring spread over its modules (factories, mounts, helpers).
const projects = join(import.meta.dirname, 'fixtures', 'projects');
const hasRouteMarks = (root: string) =>
  readdirSync(root, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.py') && /^\s*#\s*route:/m.test(readFileSync(join(root, f), 'utf8')));
const projectFolders = [
  ...readdirSync(folder).map((n) => join(folder, n)).filter((p) => statSync(p).isDirectory()),
  ...readdirSync(projects).map((n) => join(projects, n)).filter((p) => statSync(p).isDirectory() && hasRouteMarks(p)),
].sort();

for (const root of projectFolders) {
  const name = relative(join(import.meta.dirname, 'fixtures'), root);
  test(`routes of project ${name}`, async () => {
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py')).sort();
    const result = await scan({ path: root });
    const problems = result.errors.map((e) => `${e.path}: scan error: ${e.message}`);
    let count = 0;
    for (const file of files) {
      const marks = parseRouteMarks(readFileSync(join(root, file), 'utf8'), file);
      count += marks.length;
      problems.push(...checkRoutes(file, marks, result.routes.filter((r) => r.location.path === file.split('\\').join('/'))));
    }
    assert.ok(count > 0, `${name} has no route marks`);
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
}

const source = [
  '# route: PUT,POST /items/<int:id> auth=api_key via="header X-API-Key"', // 1
  '@app.route("/items/<int:id>", methods=["POST", "PUT"])',
  '@require_key',
  'def write_item(id):', // 4
  '    pass',
  'class V(MethodView):',
  '    # route: GET /v auth=none',
  '    def get(self):', // 8
  '        pass',
  '# route: DELETE /x auth=other',
  '@app.delete("/x")',
  'def x():', // 12
  '    pass',
].join('\n');

test('route marks: methods sorted, rule, auth and via parsed, each tied to the next def', () => {
  const brief = parseRouteMarks(source).map((m) => [m.methods.join(','), m.rule, m.auth, m.via ?? '', m.defLine]);
  assert.deepEqual(brief, [
    ['POST,PUT', '/items/<int:id>', 'api_key', 'header X-API-Key', 4],
    ['GET', '/v', 'none', '', 8],
    ['DELETE', '/x', 'other', '', 12],
  ]);
  assert.throws(() => parseRouteMarks('# route: GET /x\ndef f(): pass\n', 'r.py'), /r\.py:1: malformed route mark/);
  assert.throws(() => parseRouteMarks('x = 1\n# route: GET /x auth=none\n', 'r.py'), /r\.py:2: route mark with no def/);
  assert.deepEqual(parseRouteMarks('# route: GET /x auth=api_key via="header K" admin\ndef f(): pass\n').map((m) => m.admin), [true]);
});

test('route check: a wrong auth, a missing endpoint and an unmarked one all fail; matches pass', () => {
  const at = (line: number, methods: string[], rule: string, kind: string, via?: string) => ({ methods, rule, auth: { kind, via }, location: { line } });
  const marks = parseRouteMarks(source);
  assert.deepEqual(checkRoutes('r.py', marks, [
    at(4, ['PUT', 'POST'], '/items/<int:id>', 'api_key', 'header X-API-Key'),
    at(8, ['GET'], '/v', 'none'),
    at(12, ['DELETE'], '/x', 'other', 'session'),
  ]), []);
  // an admin-only guard the mark does not state is a mismatch too
  assert.equal(checkRoutes('r.py', parseRouteMarks('# route: GET /v auth=api_key\ndef f(): pass\n'), [
    { methods: ['GET'], rule: '/v', auth: { kind: 'api_key', adminOnly: true }, location: { line: 2 } },
  ]).length, 1);
  assert.deepEqual(checkRoutes('r.py', marks, [
    at(4, ['POST', 'PUT'], '/items/<int:id>', 'api_key', 'query api_key'),
    at(12, ['DELETE'], '/x', 'other'),
    at(20, ['GET'], '/extra', 'none'),
  ]), [
    'r.py:4: expected POST,PUT /items/<int:id> auth=api_key via="header X-API-Key", got POST,PUT /items/<int:id> auth=api_key via="query api_key"',
    'r.py:8: expected GET /v auth=none, got nothing',
    'r.py:20: unmarked route GET /extra auth=none',
  ]);
});

test('a finding behind an admin-only guard is one severity level lower and says so in its auth', async () => {
  const { tempProject } = await import('./fixtures/cli/run-cli.js');
  const root = tempProject({
    'app.py': [
      'from functools import wraps',
      'from flask import Flask, abort, g, request',
      'from flask_sqlalchemy import SQLAlchemy',
      'app = Flask(__name__)',
      'db = SQLAlchemy(app)',
      'class Plan(db.Model):',
      '    id = db.Column(db.Integer, primary_key=True)',
      '    price = db.Column(db.Integer)',
      'def admins(view):',
      '    @wraps(view)',
      '    def inner(*a, **k):',
      '        if not g.user.is_admin:',
      '            abort(403)',
      '        return view(*a, **k)',
      '    return inner',
      '@app.post("/plans")',
      'def open_plan():',
      '    return Plan(**request.get_json())',
      '@app.post("/admin/plans")',
      '@admins',
      'def admin_plan():',
      '    return Plan(**request.get_json())',
      '',
    ].join('\n'),
  });
  const result = await scan({ path: root });
  const byRule = result.findings.map((f) => [f.endpoint?.rule, f.severity, f.auth.adminOnly ?? false]);
  // unguarded: critical; behind the admin check (auth it implies, not seen: other → high) one level lower
  assert.deepEqual(byRule, [['/plans', 'critical', false], ['/admin/plans', 'medium', true]]);
});
