// The bundled example app: the vulnerable twin yields exactly its two documented findings, the fixed twin none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';

const examples = join(import.meta.dirname, '..', 'examples');
const apiKeyAuth = { kind: 'api_key', via: 'header X-API-Key' };

/** 1-based line of the only line in `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const hits = lines.flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  assert.equal(hits.length, 1, `expected one line with ${text} in ${file}`);
  return hits[0];
}

test('vulnerable twin: MA101 on POST /config and MA201 on POST /keys, nothing else', async () => {
  const root = join(examples, 'vulnerable');
  const result = await scan({ path: root });
  const got = result.findings
    .map((f) => ({ rule: f.rule, severity: f.severity, path: f.path, line: f.line, endpoint: f.endpoint, fields: f.fields, auth: f.auth }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
  const app = join(root, 'app.py');
  assert.deepEqual(got, [
    {
      rule: 'MA101',
      severity: 'high',
      path: 'app.py',
      line: lineOf(app, 'setattr(config, key, value)'),
      endpoint: { methods: ['POST'], rule: '/config' },
      fields: ['api_key', 'debug_mode', 'rate_limit'],
      auth: apiKeyAuth,
    },
    {
      rule: 'MA201',
      severity: 'high',
      path: 'app.py',
      line: lineOf(app, 'new_key = ApiKey('),
      endpoint: { methods: ['POST'], rule: '/keys' },
      fields: ['scope'],
      auth: apiKeyAuth,
    },
  ]);
  assert.deepEqual(result.errors, []);
});

test('vulnerable twin: the findings name the model written and every endpoint is inventoried', async () => {
  const result = await scan({ path: join(examples, 'vulnerable') });
  const models = Object.fromEntries(result.findings.map((f) => [f.rule, f.model?.split('.').pop()]));
  assert.deepEqual(models, { MA101: 'ServiceConfig', MA201: 'ApiKey' });
  const routes = result.routes
    .map((r) => `${r.methods.join(',')} ${r.rule} ${r.auth.kind}`)
    .sort();
  assert.deepEqual(routes, [
    'DELETE /keys/<int:key_id> api_key',
    'GET /config api_key',
    'GET /health none',
    'POST /config api_key',
    'POST /keys api_key',
  ]);
});

test('fixed twin: no findings', async () => {
  const result = await scan({ path: join(examples, 'fixed') });
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.errors, []);
  assert.equal(result.routes.length, 5, 'the fixed twin still has its five endpoints');
});

test('vulnerable twin: each finding carries its source → sink trace, one readable step per line of code', async () => {
  const root = join(examples, 'vulnerable');
  const app = join(root, 'app.py');
  const result = await scan({ path: root });
  const trace = (rule: string) => result.findings.find((f) => f.rule === rule)!.trace.map((s) => `${s.line} ${s.note}`);
  const body = lineOf(app, 'for key, value in data.items():') - 1;
  assert.deepEqual(trace('MA101'), [
    `${body} request.get_json(force=True)`,
    `${body} data = request.get_json(force=True)`,
    `${body + 1} for key, value in data.items()`,
    `${body + 2} key == "id"`,
    `${lineOf(app, 'setattr(config, key, value)')} setattr(config, key, value)`,
  ]);
  assert.match(trace('MA201').at(-1)!, /ApiKey\(.*scope=data\.get\("scope"/);
});
