// Library rows: a row a user adds in pyproject.toml makes a new sink found with no code; a bad row is a
// one-line usage error; and the rows model matches by outside path, base class, instance and row type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import type { ModelRow } from '../src/frameworks/rows.js';
import { runCli, tempProject } from './fixtures/cli/run-cli.js';

const app = [
  'from flask import Flask, abort, jsonify, request',
  'from docstore import Document, StringField, BooleanField',
  '',
  'app = Flask(__name__)',
  '',
  'class Account(Document):',
  '    handle = StringField()',
  '    is_admin = BooleanField()',
  '',
  '@app.patch("/accounts/<aid>")',
  'def edit(aid):',
  '    if request.headers.get("X-API-Key") != "k":',
  '        abort(401)',
  '    account = Account.lookup(aid)',
  '    data = request.get_json()',
  '    account.modify(**data)', // line 16
  '    return jsonify(ok=True)',
  '',
].join('\n');

const row = '[[tool.massassign.models]]\nkind = "sink"\non = "docstore.Document()"\nmethod = "modify"\nkeys = "kwargs"\nsink = "constructor"\n';
const typeRow = '[[tool.massassign.models]]\nkind = "type"\non = "docstore.Document"\nmethod = "lookup"\nreturns = "instance"\n';

test('a sink row in pyproject.toml finds doc.modify(**data) with no code; without it nothing is found', async () => {
  const withRow = tempProject({ 'app.py': app, 'pyproject.toml': `[tool.massassign]\n${row}${typeRow}` });
  const found = await runCli(['scan', withRow, '--format', 'json']);
  const findings = JSON.parse(found.stdout).findings;
  assert.equal(found.code, 1, found.stderr);
  assert.deepEqual(findings.map((f: { rule: string; line: number; model: string; fields: string[] }) => [f.rule, f.line, f.model, f.fields]), [['MA102', 16, 'Account', ['is_admin']]]);
  const without = tempProject({ 'app.py': app });
  const none = await runCli(['scan', without, '--format', 'json']);
  assert.deepEqual(JSON.parse(none.stdout).findings, []);
});

test('a malformed row is a one-line usage error naming the key', async () => {
  const root = tempProject({ 'app.py': app, 'pyproject.toml': '[tool.massassign]\n[[tool.massassign.models]]\nkind = "sinkk"\non = "x"\n' });
  const run = await runCli(['scan', root]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /models/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
});

test('rows match by outside path (glob), and a typed result keeps its model for the write', async () => {
  const rows: ModelRow[] = [
    { kind: 'source', path: 'myhttp.body' },
    { kind: 'type', on: 'docstore.Document', attribute: 'items', returns: 'docstore.Set' },
    { kind: 'sink', on: 'docstore.Set', method: 'write_all', keys: 'arg0' },
    { kind: 'sink', path: 'kv.Client()**.put', keys: 'arg1', sink: 'query-update' },
  ];
  const root = tempProject({
    'app.py': [
      'from flask import Flask',
      'import kv, myhttp',
      'from docstore import Document, StringField',
      'app = Flask(__name__)',
      'store = kv.Client()',
      'class Plan(Document):',
      '    owner_id = StringField()',
      '@app.post("/plans")',
      'def plans():',
      '    Plan.items.write_all(myhttp.body())', // line 10
      '    store.tables["t"].put("k", myhttp.body())', // line 11
      '    return "ok"',
      '',
    ].join('\n'),
  });
  const result = await scan({ path: root, models: rows } as Parameters<typeof scan>[0]);
  assert.deepEqual(result.findings.map((f) => [f.rule, f.line, f.model, f.fields]), [
    ['MA104', 10, 'Plan', ['owner_id']],
    ['MA104', 11, null, []],
  ]);
});

test('every TOML example in docs/models.md is a valid config of rows', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { readConfigFile } = await import('../src/config/load.js');
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'models.md'), 'utf8');
  const blocks = [...doc.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 5);
  for (const block of blocks) {
    const text = block.includes('[tool.massassign]') ? block : `[tool.massassign]\n${block}`;
    const root = tempProject({ 'pyproject.toml': text });
    const loaded = readConfigFile(join(root, 'pyproject.toml'));
    assert.ok((loaded?.config.models ?? []).length > 0, block);
  }
});
