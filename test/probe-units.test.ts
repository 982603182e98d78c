// The probe's pure parts: routes, probe values, reading answers, OpenAPI, the plan, redaction, the target check,
// and how endpoint results mark static findings for `scan --probe`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalRoute, collectionBefore, fillFirst, itemRouteOf, parseEndpoint } from '../src/probe/routes.js';
import { probeValue, sameValue } from '../src/probe/values.js';
import { listOf, recordOf } from '../src/probe/records.js';
import { Journal, readJournal } from '../src/probe/journal.js';
import { readOpenApi } from '../src/probe/openapi.js';
import { makePlan } from '../src/probe/plan.js';
import { maskCredentials, redactOutput, Redactor, shown } from '../src/probe/redact.js';
import { checkTarget } from '../src/probe/target.js';
import { whyNotProbed } from '../src/probe/fields.js';
import { annotateFindings } from '../src/probe/annotate.js';
import type { EndpointResult } from '../src/probe/endpoint.js';
import { sampleResult } from './fixtures/sample-result.js';
import { scratchDir } from './helpers/scratch.js';

test('routes: Flask and OpenAPI parameters become one form, filled left to right', () => {
  assert.equal(canonicalRoute('/devices/<int:device_id>/logs/'), '/devices/{device_id}/logs/', 'a trailing slash is kept: Flask routes are byte-exact');
  assert.equal(itemRouteOf('/users/', ['/users/', '/users/<id>'.replace(/<(\w+)>/, '{$1}')]), '/users/{id}');
  assert.equal(canonicalRoute('/users/{uid}'), '/users/{uid}');
  assert.equal(collectionBefore('/users/{uid}/devices/{id}'), '/users');
  assert.equal(fillFirst('/users/{uid}/devices/{id}', 'a b'), '/users/a%20b/devices/{id}');
  assert.equal(itemRouteOf('/keys', ['/keys', '/keys/{key_id}/rotate', '/keys/{key_id}']), '/keys/{key_id}');
  assert.deepEqual(parseEndpoint('patch /account'), { method: 'PATCH', route: '/account' });
  assert.equal(parseEndpoint('/account'), undefined);
});

test('probe values differ from the current value and are recognisable', () => {
  assert.equal(probeValue('is_admin', false, 'm'), true);
  assert.equal(probeValue('debug_mode', true, 'm'), false);
  assert.equal(probeValue('rate_limit', 100, 'm'), 987_754);
  assert.equal(probeValue('scope', 'config:read', 'm'), 'admin');
  assert.equal(probeValue('role', 'admin', 'm'), 'superuser');
  assert.deepEqual(probeValue('roles', ['user'], 'm'), ['user', 'admin']);
  assert.deepEqual(probeValue('scopes', undefined, 'm'), ['admin']);
  assert.equal(probeValue('api_key', 'abc', 'marker-1'), 'marker-1');
  assert.equal(probeValue('is_verified', undefined, 'm'), true);
  assert.equal(probeValue('credit_limit', null, 'm'), 987_654);
  assert.equal(probeValue('due', '2030-01-01', 'm'), '1999-12-31', 'a date stays a date');
  assert.equal(probeValue('created_at', '1999-12-31T10:00:00Z', 'm'), '2000-01-01T10:00:00Z');
  assert.ok(sameValue(true, 1) && sameValue(5, '5') && sameValue(['a'], ['a']));
  assert.ok(!sameValue(true, 0) && !sameValue('x', 'y') && !sameValue(undefined, 'undefined'));
});

test('the object an answer is about: plain, wrapped, or found in a list by id', () => {
  assert.deepEqual(recordOf({ id: 1, name: 'a' }), { id: 1, name: 'a' });
  assert.deepEqual(recordOf({ config: { id: 1, debug: false } }), { id: 1, debug: false });
  assert.deepEqual(recordOf({ devices: [{ id: 1 }, { id: 2, name: 'b' }] }, 2), { id: 2, name: 'b' });
  assert.deepEqual(recordOf([{ id: '7' }], 7), { id: '7' });
  assert.equal(recordOf([{ id: 1 }]), undefined);
  assert.equal(recordOf({ id: 1 }, 2), undefined);
  assert.deepEqual(listOf({ items: [{ id: 1 }], total: 1 }), [{ id: 1 }]);
});

test('primary keys are never probed; foreign keys and timestamps only on own objects or with --aggressive', () => {
  assert.match(whyNotProbed('id', true, true) ?? '', /primary key/);
  assert.match(whyNotProbed('owner_id', false, false) ?? '', /foreign-key.*--aggressive/);
  assert.match(whyNotProbed('created_at', false, false) ?? '', /timestamp/);
  assert.equal(whyNotProbed('owner_id', true, false), undefined);
  assert.equal(whyNotProbed('owner_id', false, true), undefined);
  assert.equal(whyNotProbed('org', false, false, { name: 'org', foreignKey: 'org.id' }) !== undefined, true);
  assert.equal(whyNotProbed('is_admin', false, false), undefined);
});

test('OpenAPI 3 and Swagger 2: readOnly and response-only properties, required body, GET and DELETE routes', () => {
  const three = readOpenApi(fileURLToPath(new URL('fixtures/apps/accounts/openapi.json', import.meta.url)));
  assert.deepEqual(three.writes, [{ method: 'PATCH', route: '/account', candidates: ['id', 'is_admin', 'credit_limit'], required: {}, accepts: ['name', 'email'] }]);
  assert.deepEqual(three.reads, ['/account']);
  const dir = scratchDir('massassign-openapi-');
  const two = join(dir, 'swagger.json');
  writeFileSync(two, JSON.stringify({
    swagger: '2.0',
    basePath: '/api/',
    paths: {
      '/users/{id}': { put: { parameters: [{ in: 'body', name: 'u', schema: { $ref: '#/definitions/UserIn' } }], responses: { 200: { schema: { $ref: '#/definitions/User' } } } }, delete: {} },
    },
    definitions: {
      UserIn: { type: 'object', required: ['name'], properties: { name: { type: 'string', example: 'ada' }, role: { type: 'string', readOnly: true } } },
      User: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string' }, tenant_id: { type: 'integer' } } },
    },
  }));
  const facts = readOpenApi(two);
  assert.deepEqual(facts.writes, [{ method: 'PUT', route: '/api/users/{id}', candidates: ['role', 'tenant_id'], required: { name: 'ada' }, accepts: ['name'] }]);
  assert.deepEqual(facts.deletes, ['/api/users/{id}']);
  writeFileSync(join(dir, 'spec.yaml'), [
    'openapi: 3.0.0',
    'paths:',
    '  http://elsewhere.test/steal: {post: {}}',
    '  /users:',
    '    post:',
    '      requestBody: {content: {application/json: {schema: {type: object, required: [email, born], properties: {email: {type: string, format: email}, born: {type: string, format: date}}}}}}',
    '    get: {}',
  ].join('\n'));
  const yaml = readOpenApi(join(dir, 'spec.yaml'));
  assert.deepEqual(yaml.writes, [{ method: 'POST', route: '/users', candidates: [], required: { email: 'probe@example.com', born: '2000-01-01' }, accepts: ['email', 'born'] }], 'YAML is read; an absolute URL among the paths is never a route');
  writeFileSync(join(dir, 'bad.yaml'), 'openapi: 3.0.0');
  assert.throws(() => readOpenApi(join(dir, 'bad.yaml')), /has no "paths"/);
  writeFileSync(join(dir, 'worse.yaml'), '{ [');
  assert.throws(() => readOpenApi(join(dir, 'worse.yaml')), /neither JSON nor YAML/);
});

test('the plan from a scan: static fields per write endpoint, the model, and the GET and DELETE inventory', () => {
  const plan = makePlan(sampleResult, undefined, ['GET /extra/<int:id>']);
  const config = plan.writes.find((w) => w.route === '/config');
  assert.deepEqual(config?.candidates, ['api_key', 'debug_mode', 'rate_limit'].map((field) => ({ field, source: 'static', rule: 'MA101' })));
  assert.equal(config?.staticEvidence, true);
  assert.deepEqual(config?.findings, [1]);
  assert.ok(config?.modelFields.has('debug_mode'));
  assert.deepEqual(plan.writes.map((w) => `${w.method} ${w.route}`), ['POST /admin/users', 'POST /config', 'POST /keys', 'PATCH /legacy/items/{item_id}']);
  assert.deepEqual([...plan.reads], ['/config', '/health', '/extra/{id}']);
  const limited = makePlan(sampleResult, undefined, ['POST /config', 'PATCH /extra/<int:id>/'], { 'POST /config': { name: 'x' } });
  assert.deepEqual(limited.writes.map((w) => `${w.method} ${w.route}`), ['POST /config', 'PATCH /extra/{id}/'], '--path limits the run to what it names, byte-exact');
  assert.deepEqual(limited.writes[0].required, { name: 'x' }, '--body seeds the control');
  assert.deepEqual([...plan.deletes], ['/keys/{key_id}']);
});

test('redaction: raw, URL-, JSON- and HTML-escaped, in keys and values, deep, any length, in one pass', () => {
  const r = new Redactor();
  r.add('s3cr3t/key');
  r.add('a"b\\c');
  r.add('Q');
  assert.deepEqual(r.json({ url: '/x?k=s3cr3t%2Fkey', nested: [{ 's3cr3t/key': 'Bearer s3cr3t/key' }], other: 'abc' }), {
    url: '/x?k=%3Credacted%3E',
    nested: [{ '<redacted>': 'Bearer <redacted>' }],
    other: 'abc',
  });
  assert.equal(r.text(JSON.stringify({ k: 'a"b\\c' })), '{"k":"<redacted>"}');
  assert.equal(r.text('x a&quot;b\\c y'), 'x &lt;redacted&gt; y');
  assert.equal(r.text('Quick'), '<redacted>uick', 'a one-character key is still redacted');
  assert.equal(redactOutput('s3cr3t/key'), '<redacted>', 'every secret also joins the output boundary');
  assert.equal(shown('password', 'hunter22', 'massassign-1'), '"<redacted, 8 chars>"');
  assert.equal(shown('api_key', 'massassign-1-4', 'massassign-1'), '"massassign-1-4"', 'the probe\'s own markers stay in clear');
  assert.deepEqual(maskCredentials({ user: { password_hash: 'abcdef', name: 'a' } }, 'm'), { user: { password_hash: '<redacted, 6 chars>', name: 'a' } });
});

test('the target must be loopback unless allowed; names other than localhost are never resolved', () => {
  for (const url of ['http://127.0.0.1:5000', 'http://127.9.9.9', 'http://localhost:1', 'http://[::1]:80/api']) assert.ok(checkTarget(url));
  for (const url of ['http://10.0.0.1', 'http://example.com', 'http://127.0.0.1.example.com', 'http://0.0.0.0:80']) assert.throws(() => checkTarget(url), /refusing to probe/);
  assert.ok(checkTarget('http://api.internal:8080', ['API.internal']));
});

test('scan --probe marks each finding from the endpoint results', () => {
  const scan = structuredClone(sampleResult);
  const plan = makePlan(scan, undefined, []);
  const write = (route: string) => plan.writes.find((w) => w.route === route)!;
  const sent = { request: { method: 'POST', url: '/config' }, restored: true };
  const results: EndpointResult[] = [
    { write: write('/config'), path: '/config', evidence: [
      { field: 'api_key', status: 'confirmed', reason: 'stored', ...sent },
      { field: 'debug_mode', status: 'suspected', reason: 'refused with 400', ...sent },
    ] },
    { write: write('/keys'), path: '/keys', evidence: [{ field: 'scope', status: 'suspected', reason: 'static finding; the API refused with 403', ...sent }] },
    { write: write('/admin/users'), path: '/admin/users', evidence: [], skipped: 'control request refused (400)' },
  ];
  annotateFindings(scan, results);
  assert.deepEqual(scan.findings.map((f) => f.probe), [
    { status: 'not probed', reason: 'control request refused (400)', fields: [] },
    { status: 'confirmed', reason: 'api_key: stored', fields: ['api_key'], restored: true },
    { status: 'not confirmed', reason: 'scope: static finding; the API refused with 403', fields: [], restored: true },
    { status: 'not probed', reason: 'the endpoint was not probed', fields: [] },
  ]);
});

test('the journal: intents, then what each created and whether it was put back; a torn last line is ignored', () => {
  const dir = scratchDir('massassign-journal-');
  const file = join(dir, 'nested', 'j.jsonl');
  const callers = new Redactor();
  callers.add('caller-key');
  const journal = new Journal(file, { target: 'http://127.0.0.1:1' }, (line) => callers.values(line));
  const one = journal.intend({ method: 'PATCH', path: '/a', body: { x: 'caller-key' }, readPath: '/a', before: { id: 1, x: 'old' } });
  const two = journal.intend({ method: 'POST', path: '/b', body: {}, collection: '/b', knownIds: ['1'], itemRoute: '/b/{id}' });
  journal.created(two, { id: '2', itemPath: '/b/2' });
  journal.settle(one, 'restored');
  writeFileSync(file, `${readFileSync(file, 'utf8')}{"seq": 3, "inte`);
  const read = readJournal(file);
  assert.equal(read.target, 'http://127.0.0.1:1');
  assert.deepEqual(read.entries.map((e) => [e.seq, e.settled, e.created?.itemPath]), [[1, 'restored', undefined], [2, undefined, '/b/2']]);
  assert.ok(!readFileSync(file, 'utf8').includes('caller-key'), 'the caller\'s credentials never reach the file');
  assert.throws(() => readJournal(join(dir, 'nested')), /EISDIR|not a massassign/);
});
