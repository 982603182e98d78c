// Imports resolve as Python resolves them: under the importer's import root, src/ layouts and sibling projects
// each with their own roots, and a project folder named like a library (`flask/`, `sqlalchemy/`) never captures
// that library's imports elsewhere in the scan.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import { ModuleResolver, type ModuleName } from '../src/semantic/resolve.js';
import { moduleNameOf } from '../src/files.js';
import { scratchDir } from './helpers/scratch.js';

/** A Flask app whose route hands the request body to `apply`, imported from `helpersModule`. */
const app = (helpersModule: string) => `from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from ${helpersModule} import apply
app = Flask(__name__)
db = SQLAlchemy(app)

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)
    is_admin = db.Column(db.Boolean)

@app.post("/users/<int:user_id>")
def update(user_id):
    user = User.query.get(user_id)
    apply(user, request.get_json())
    return "ok"
`;

const WRITES_ALL = 'def apply(target, data):\n    for k, v in data.items():\n        setattr(target, k, v)\n';
const WRITES_NOTHING = 'def apply(target, data):\n    return None\n';

function project(files: Record<string, string>): string {
  const root = scratchDir('massassign-imports-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function found(root: string): Promise<string[]> {
  return (await scan({ path: root })).findings.map((f) => `${f.path}:${f.line} ${f.model} ${f.fields}`).sort();
}

test('a src/ layout imports its package by its name under src/', async () => {
  const root = project({ 'src/myapp/__init__.py': '', 'src/myapp/views.py': app('myapp.helpers'), 'src/myapp/helpers.py': WRITES_ALL });
  assert.deepEqual(await found(root), ['src/myapp/helpers.py:3 User id,is_admin']);
});

test('project packages named flask and sqlalchemy, beside the app or deep in another one, leave the findings unchanged', async () => {
  const files = { 'shop/__init__.py': '', 'shop/views.py': app('shop.helpers'), 'shop/helpers.py': WRITES_ALL };
  const alone = await found(project(files));
  assert.deepEqual(alone, ['shop/helpers.py:3 User id,is_admin']);
  const shadows = {
    'flask/__init__.py': 'request = None\n',
    'sqlalchemy/__init__.py': 'def Column(*args):\n    return None\n',
    'other/__init__.py': '',
    'other/web/__init__.py': '',
    'other/web/flask/__init__.py': 'request = None\nclass Flask:\n    pass\n',
    'other/web/flask_sqlalchemy.py': 'class SQLAlchemy:\n    pass\n',
  };
  assert.deepEqual(await found(project({ ...files, ...shadows })), alone);
});

test('several projects under one root each import their own modules of the same name', async () => {
  const root = project({
    'one/app/__init__.py': '', 'one/app/views.py': app('app.helpers'), 'one/app/helpers.py': WRITES_ALL,
    'two/app/__init__.py': '', 'two/app/views.py': app('app.helpers'), 'two/app/helpers.py': WRITES_NOTHING,
  });
  assert.deepEqual(await found(root), ['one/app/helpers.py:3 User id,is_admin']);
});

test('a flat app imports a sibling module, and a namespace folder without __init__.py is still found', async () => {
  assert.deepEqual(await found(project({ 'api/app.py': app('helpers'), 'api/helpers.py': WRITES_ALL })), ['api/helpers.py:3 User id,is_admin']);
  assert.deepEqual(await found(project({ 'backend/run.py': app('lib.helpers'), 'backend/lib/helpers.py': WRITES_ALL })), ['backend/lib/helpers.py:3 User id,is_admin']);
});

test('scanning a folder inside a package resolves the imports that name the package from above', async () => {
  const root = project({ '__init__.py': '', 'views.py': app('outer.api.helpers'), 'helpers.py': WRITES_ALL });
  assert.deepEqual(await found(root), ['helpers.py:3 User id,is_admin']);
});

test('the resolver: nearest import root first, library names only inside their own package, answers cached', () => {
  const modules: ModuleName[] = ['a/__init__.py', 'a/b.py', 'a/web/__init__.py', 'a/web/flask/__init__.py', 'a/web/flask/views.py', 'x/a/__init__.py', 'x/a/b.py', 'x/run.py']
    .map(moduleNameOf);
  const resolver = new ModuleResolver(modules);
  const byName = (name: string) => modules.find((m) => m.name === name)!;
  assert.equal(resolver.resolve(byName('x.run'), 'a.b')?.name, 'x.a.b');
  assert.equal(resolver.resolve(byName('a.b'), 'a.b')?.name, 'a.b');
  assert.equal(resolver.resolve(byName('a.b'), 'flask'), undefined);
  assert.equal(resolver.resolve(byName('a.web.flask.views'), 'flask'), undefined);
  assert.equal(resolver.resolve(byName('a.web.flask.views'), '.'), byName('a.web.flask'));
  assert.equal(resolver.resolve(byName('a.b'), 'a.web.flask')?.name, 'a.web.flask');
  assert.equal(resolver.resolve(byName('x.run'), 'a.b'), resolver.resolve(byName('x.run'), 'a.b'));
});

test('a symlinked folder is followed once, and a link back up the tree is skipped with a warning', async () => {
  const root = project({ 'real/app.py': app('helpers'), 'real/helpers.py': WRITES_ALL });
  symlinkSync(join(root, 'real'), join(root, 'linked'));
  symlinkSync(root, join(root, 'real', 'loop'));
  const result = await scan({ path: root });
  assert.deepEqual(result.files, ['real/app.py', 'real/helpers.py']);
  assert.deepEqual(result.errors.map((e) => e.path).sort(), ['linked', 'real/loop']);
  assert.match(result.errors[0]!.message, /already scanned/);
});

test('a scan that finds no Python file says so', async () => {
  const result = await scan({ path: project({ 'README.md': '# nothing here\n' }) });
  assert.deepEqual(result.errors.map((e) => e.message), ['no Python files found']);
});
