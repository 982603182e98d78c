// Parts of a scan: modules that import each other (or share a top-level folder, or a connexion app's import root)
// stay together; projects side by side fall apart. A changed file re-analyses only its own part.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { moduleNameOf } from '../src/files.js';
import { partition, partitionFacts } from '../src/semantic/partition.js';
import { scan } from '../src/scan.js';
import { scratchDir } from './helpers/scratch.js';

const parts = (files: Record<string, string>) =>
  partition(Object.entries(files).map(([path, source]) => ({ path, ...partitionFacts(source), ...moduleNameOf(path) }))).map((part) => part.map((f) => f.path));

test('imports, relative imports and submodules named by from-imports join files; unrelated files stay apart', () => {
  assert.deepEqual(parts({
    'run.py': 'from app import create_app\n',
    'app/__init__.py': '',
    'app/views.py': 'from . import models\n',
    'app/models.py': '',
    'scripts/tools.py': 'import os, json\n',
    'lib/helpers.py': 'from lib2.deep import (\n    thing,  # comment\n    other as alias,\n)\n',
    'lib2/deep.py': '',
  }), [['app/__init__.py', 'app/models.py', 'app/views.py', 'run.py'], ['lib/helpers.py', 'lib2/deep.py'], ['scripts/tools.py']]);
});

test('projects side by side are parts of their own, whatever their shared module names', () => {
  assert.deepEqual(parts({
    'one/app.py': 'from models import User\n',
    'one/models.py': '',
    'two/app.py': 'from models import User\n',
    'two/models.py': '',
  }), [['one/app.py', 'one/models.py'], ['two/app.py', 'two/models.py']]);
});

test('a connexion app keeps every module in and below its folder, which it reaches by operationId only', () => {
  assert.deepEqual(parts({
    'app.py': 'app = connexion.App(__name__)\napp.add_api("openapi.yml")\n',
    'handlers/users.py': 'def create(body):\n    pass\n',
  }), [['app.py', 'handlers/users.py']]);
  assert.equal(parts({ 'app.py': 'x = 1\n', 'handlers/users.py': '' }).length, 2);
});

test('a changed file re-analyses only its own part: the other parts come from the cache', async () => {
  const root = scratchDir('massassign-parts-');
  const rules = join(import.meta.dirname, 'fixtures', 'rules');
  const projects = readdirSync(rules, { withFileTypes: true }).filter((e) => e.isDirectory()).slice(0, 4).map((e) => e.name);
  for (const name of projects) cpSync(join(rules, name), join(root, name), { recursive: true });
  const partEntries = () => readdirSync(join(root, '.massassign_cache'), { recursive: true, encoding: 'utf8' }).filter((p) => /(^|\/)part\/[0-9a-f]+$/.test(p)).length;
  const before = await scan({ path: root, cache: true, workers: 1 });
  const stored = partEntries();
  assert.ok(stored >= 2, `one cached part per project, got ${stored}`);
  writeFileSync(join(root, projects[0]!, 'added.py'), 'x = 1\n');
  const after = await scan({ path: root, cache: true, workers: 1 });
  assert.equal(partEntries(), stored + 1, 'only the changed project was analysed again');
  assert.deepEqual(after.findings, before.findings);
});
