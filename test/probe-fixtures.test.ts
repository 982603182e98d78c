// The live probe against the fixture account app: exact confirmed fields for each vulnerable endpoint, nothing on
// the safe ones, the key in a header, an Authorization header or the query, and the database byte-identical after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFlask, type FlaskServer } from './helpers/flask-server.js';
import { runCli } from './helpers/cli.js';
import type { ProbeReport } from '../src/probe/index.js';

const APP = fileURLToPath(new URL('fixtures/apps/accounts/app.py', import.meta.url));
const SOURCE = fileURLToPath(new URL('fixtures/apps/accounts/', import.meta.url));
const OPENAPI = fileURLToPath(new URL('fixtures/apps/accounts/openapi.json', import.meta.url));
const KEY = 'fixture-key-7f3a9c';
const ALL_PATHS = ['PATCH /account', 'PUT /devices/<int:device_id>', 'POST /keys', 'POST /safe-keys', 'PATCH /prefs', 'POST /widgets', 'POST /profile', 'PATCH /settings'];

const pathArgs = (paths: string[]) => paths.flatMap((p) => ['--path', p]);

/** A dump with its timestamps masked: PATCH /notes moves `updated_at` on every write, as real APIs do. */
const masked = (dump: string) => dump.replace(/'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*'/g, "'<time>'");

/** Starts the app, probes it with `args`, checks the database dump is unchanged and the key never printed. */
async function probeApp(keyMode: string, args: string[], timestampsMove = false): Promise<{ report: ProbeReport; code: number; server: FlaskServer }> {
  const server = await startFlask(APP, { KEY_MODE: keyMode });
  try {
    const before = server.dump();
    const run = await runCli(['probe', server.url, '--format', 'json', ...args]);
    if (timestampsMove) assert.equal(masked(server.dump()), masked(before), 'the dump after the probe equals the dump before, timestamps aside');
    else assert.equal(server.dump(), before, 'the database dump after the probe equals the dump before');
    assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the API key never appears in the output');
    assert.equal(run.stderr, '', 'nothing on standard error');
    return { report: JSON.parse(run.stdout) as ProbeReport, code: run.code, server };
  } finally {
    await server.stop();
  }
}

const byStatus = (report: ProbeReport, status: string) =>
  Object.fromEntries(report.findings.filter((f) => f.status === status).map((f) => [`${f.method} ${f.path}`, f.fields]));

test('X-API-Key: exactly the writable sensitive fields are confirmed and restored, nothing on the safe endpoints', async () => {
  const { report, code } = await probeApp('header', ['--api-key', KEY, ...pathArgs(ALL_PATHS)]);
  assert.deepEqual(byStatus(report, 'confirmed'), {
    'PATCH /account': ['credit_limit', 'is_admin'],
    'PUT /devices/1': ['firmware_locked'],
    'POST /keys': ['scope'],
    'POST /widgets': ['is_featured', 'owner_id'],
  });
  assert.deepEqual(byStatus(report, 'reflected'), { 'POST /profile': ['is_verified'] }, 'the echoing endpoint is reflected, never confirmed');
  assert.deepEqual(report.findings.map((f) => f.status).filter((s) => s === 'suspected'), []);
  const probed = Object.fromEntries(report.probed.map((p) => [`${p.method} ${p.path}`, p.fields]));
  // `key` is a credential to the scan's classifier, which the probe shares: a client-chosen key value is tried too
  assert.deepEqual(probed['POST /safe-keys'], ['key', 'scope'], 'the checked key endpoint was probed and refused');
  assert.deepEqual(probed['PATCH /prefs'], ['is_premium'], 'the strict marshmallow endpoint was probed and refused');
  assert.deepEqual(probed['PATCH /settings'], ['plan'], 'the endpoint that drops unknown fields with 200 was probed');
  assert.ok(report.findings.every((f) => f.restored));
  assert.deepEqual(report.residue, []);
  assert.deepEqual(report.errors, []);
  assert.equal(code, 1);
});

test('a constructor answering 500 to one unknown keyword hides nothing: one property per request', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--path', 'POST /widgets']);
  const widgets = report.findings.find((f) => f.path === '/widgets' && f.status === 'confirmed');
  assert.deepEqual(widgets?.fields, ['is_featured', 'owner_id']);
  assert.deepEqual([...report.probed[0].fields].sort(), ['is_featured', 'is_popular', 'owner_id'], 'the computed property is sent alone');
  assert.ok(report.findings.every((f) => !f.fields.includes('is_popular')), 'and, refused with 500, it is no finding');
});

test('an ownership foreign key of an existing object is left alone without --aggressive, and probed and restored with it', async () => {
  const gentle = await probeApp('header', ['--api-key', KEY, '--path', 'PUT /devices/<int:device_id>']);
  assert.deepEqual(byStatus(gentle.report, 'confirmed'), { 'PUT /devices/1': ['firmware_locked'] });
  assert.deepEqual(gentle.report.skipped.map((s) => s.reason), ['owner_id: foreign-key of an existing object: probed only with --aggressive']);
  const aggressive = await probeApp('header', ['--api-key', KEY, '--aggressive', '--path', 'PUT /devices/<int:device_id>']);
  assert.deepEqual(byStatus(aggressive.report, 'confirmed'), { 'PUT /devices/1': ['firmware_locked', 'owner_id'] });
  assert.ok(aggressive.report.findings.every((f) => f.restored));
});

test('Authorization: ApiKey <key>: confirmed through the header, and the issued key is checked in the same form', async () => {
  const { report, code } = await probeApp('authorization', ['--api-key-header', 'Authorization', '--api-key', `ApiKey ${KEY}`, ...pathArgs(['PATCH /account', 'POST /keys', 'POST /safe-keys'])]);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'PATCH /account': ['credit_limit', 'is_admin'], 'POST /keys': ['scope'] });
  assert.equal(code, 1);
});

test('API key in a query parameter: confirmed, and every URL in the evidence has the key redacted', async () => {
  const { report } = await probeApp('query', ['--api-key-query', 'api_key', '--api-key', KEY, ...pathArgs(['PATCH /account', 'POST /keys'])]);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'PATCH /account': ['credit_limit', 'is_admin'], 'POST /keys': ['scope'] });
  const urls = report.findings.flatMap((f) => f.evidence.map((e) => e.request?.url ?? ''));
  assert.ok(urls.length > 0 && urls.every((u) => u.includes('api_key=<redacted>')), urls.join(' '));
});

test('planned from an OpenAPI document alone: readOnly and response-only properties are the candidates', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--openapi', OPENAPI]);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'PATCH /account': ['credit_limit', 'is_admin'] });
});

test('a spent request budget stops the probe, but what it changed is still put back', async () => {
  const { report, code } = await probeApp('header', ['--api-key', KEY, '--max-requests', '6', ...pathArgs(['PATCH /account', 'POST /widgets'])]);
  assert.match(report.errors.join('\n'), /request budget of 6 spent/);
  assert.ok(report.requests > 6, 'undo requests go beyond the budget');
  assert.deepEqual(report.residue, []);
  assert.equal(code, 1);
});

test('planned from --source: the static findings and routes, with the same verdicts as the explicit paths', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--source', SOURCE], true);
  assert.deepEqual(byStatus(report, 'confirmed'), {
    'PATCH /account': ['credit_limit', 'is_admin'],
    'PUT /devices/1': ['firmware_locked'],
    'POST /keys': ['scope'],
    'POST /widgets': ['is_featured', 'owner_id'],
    'PATCH /notes/1': ['is_locked'],
  });
  assert.deepEqual(byStatus(report, 'reflected'), { 'POST /profile': ['is_verified'] });
  assert.equal(report.findings.find((f) => f.path === '/keys')?.rule, 'MA201', 'a finding the static scan predicted carries its rule');
});

test('a POST answering 200 with an id no read can place is neither undone by DELETE nor probed', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--path', 'POST /account/rename']);
  assert.deepEqual(report.skipped.map((s) => s.reason), ['answered 200 with id 1, and no read tells whether that object is new (a 201, a Location header or a list route would)']);
  assert.deepEqual(report.residue.map((r) => r.what), ['the control request may have created object 1']);
  assert.deepEqual(report.findings, []);
  assert.equal(report.requests, 2, 'a GET that finds no read route, and the control; no DELETE');
});

test('a key-issuing endpoint alone cannot be confirmed; naming a GET that needs the key lets the issued key be tried', async () => {
  const alone = await probeApp('header', ['--api-key', KEY, '--path', 'POST /keys']);
  assert.deepEqual(alone.report.findings, []);
  assert.deepEqual(alone.report.residue.map((r) => r.what), ['object 3 deleted (DELETE answered 204) but no read route to verify']);
  const withRead = await probeApp('header', ['--api-key', KEY, '--path', 'POST /keys', '--path', 'GET /account']);
  assert.deepEqual(byStatus(withRead.report, 'confirmed'), { 'POST /keys': ['scope'] });
  assert.deepEqual(withRead.report.residue, []);
});

test('a timestamp that moves on every write is listed once as residue and does not block restoring the rest', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--path', 'PATCH /notes/<int:note_id>'], true);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'PATCH /notes/1': ['is_locked'] });
  assert.ok(report.findings.every((f) => f.restored));
  assert.deepEqual(report.residue.map((r) => r.what), ['updated_at moved from "2024-01-01T00:00:00": it changes on every write']);
});
