// docs/output.md documents every field the JSON reporter writes, and its example has the reporter's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reporters, type Reporter } from '../src/reporters/index.js';
import type { ScanResult } from '../src/result.js';

const renderJson: Reporter = reporters.json;
const outputDoc = readFileSync(join(import.meta.dirname, '..', 'docs', 'output.md'), 'utf8');

const sample: ScanResult = {
  version: 1,
  root: '/srv/app',
  findings: [{
    rule: 'MA101', name: 'setattr-from-request', severity: 'high', cwe: 'CWE-915', owasp: 'API3:2023',
    path: 'app.py', line: 46, column: 9, endLine: 46, endColumn: 36,
    endpoint: { methods: ['POST'], rule: '/config' },
    auth: { kind: 'api_key', via: 'header X-API-Key' },
    model: 'ServiceConfig',
    fields: ['api_key', 'debug_mode', 'rate_limit'],
    writable: ['api_key', 'debug_mode', 'display_name', 'rate_limit'],
    keys: { kind: 'anyBut', names: ['id'] },
    trace: [{ path: 'app.py', line: 42, column: 12, note: 'request.get_json(force=True)' }],
    message: 'Any API-key holder can set api_key on ServiceConfig.',
    remediation: 'Use an allowlist.',
    fingerprint: 'abc',
    probe: { status: 'confirmed', reason: 'POST /config stored api_key; GET /config re-read it.', fields: ['api_key'], restored: true },
    fix: { description: 'Skip every key outside SERVICE_CONFIG_CLIENT_FIELDS', applicability: 'unsafe', edits: [{ path: 'app.py', line: 46, column: 1, endLine: 46, endColumn: 1, text: 'if key not in X:\n    continue\n' }] },
    confidence: 'high',
    fieldReasons: { api_key: ['credential'] },
    related: [{ path: 'helpers.py', line: 3, column: 5, note: 'setattr(obj, k, v)' }],
  }],
  errors: [{ path: 'broken.py', message: 'invalid syntax' }],
  stats: { files: 3, bytes: 4096, seconds: 0.2 },
  routes: [{
    methods: ['POST'], rule: '/config', handler: 'app.update_config',
    auth: { kind: 'api_key', via: 'header X-API-Key' },
    location: { path: 'app.py', line: 38, column: 1, endLine: 38, endColumn: 18 },
  }],
  models: [{
    name: 'ServiceConfig', qualifiedName: 'app.ServiceConfig', kind: 'sqlalchemy',
    location: { path: 'app.py', line: 12, column: 1, endLine: 18, endColumn: 40 },
    fields: [{ name: 'id', primaryKey: true, sensitive: 'ownership' }, { name: 'account_id', sensitive: 'ownership', foreignKey: 'account.id' }],
  }],
};

/** Every `a.b[].c` key path of a JSON value, arrays read through their first element. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${prefix}[]`) : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}.${key}`, ...keyPaths(child, `${prefix}.${key}`)]);
}

test('every field the JSON reporter writes is documented in docs/output.md', () => {
  // fieldReasons is keyed by field name: its keys are data, not fields of the shape
  const paths = keyPaths(JSON.parse(renderJson(sample, { color: false }))).filter((path) => !path.startsWith('.findings[].fieldReasons.'));
  const names = new Set(paths.map((path) => path.split('.').pop()!));
  const undocumented = [...names].filter((name) => !outputDoc.includes(`\`${name}\``));
  assert.deepEqual(undocumented, [], 'add these fields to docs/output.md');
});

test('the example in docs/output.md has exactly the shape the reporter writes, optional fields aside', () => {
  const block = /```json\n([\s\S]*?)```/.exec(outputDoc);
  assert.ok(block, 'docs/output.md has a JSON example');
  const documented = keyPaths(JSON.parse(block[1]!)).sort();
  const optional = ['.errors[]', '.findings[].probe', '.findings[].fix', '.findings[].confidence', '.findings[].fieldReasons', '.findings[].related', '.routes[].auth.adminOnly', '.models[].fields[].contract'];
  const written = keyPaths(JSON.parse(renderJson(sample, { color: false })))
    .filter((path) => !optional.some((prefix) => path.startsWith(prefix)))
    .sort();
  assert.deepEqual(documented, written);
});

test('docs/output.md states the exit codes and the stability promise', () => {
  for (const code of ['`0`', '`1`', '`2`']) assert.ok(outputDoc.includes(`| ${code} |`), `exit code ${code}`);
  assert.match(outputDoc, /Fields are only ever added/);
});
