// The live probe against the fixture account app: exact confirmed fields for each vulnerable endpoint, nothing on
// the safe ones, the key in a header, an Authorization header or the query, and the database byte-identical after.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFlask, type FlaskServer } from './helpers/flask-server.js';
import { runInProcess } from './helpers/in-process.js';
import type { ProbeReport } from '../src/probe/index.js';
import { scratchDir } from './helpers/scratch.js';

const APP = fileURLToPath(new URL('fixtures/apps/accounts/app.py', import.meta.url));
const SOURCE = fileURLToPath(new URL('fixtures/apps/accounts/', import.meta.url));
const OPENAPI = fileURLToPath(new URL('fixtures/apps/accounts/openapi.json', import.meta.url));
const KEY = 'fixture-key-7f3a9c';
const ALL_PATHS = ['PATCH /account', 'PUT /devices/<int:device_id>', 'POST /keys', 'POST /safe-keys', 'PATCH /prefs', 'POST /widgets', 'POST /profile', 'PATCH /settings'];

const pathArgs = (paths: string[]) => paths.flatMap((p) => ['--path', p]);

/** A dump with its timestamps masked: PATCH /notes moves `updated_at` on every write, as real APIs do. */
const masked = (dump: string) => dump.replace(/'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*'/g, "'<time>'");

/** One app per key mode, started on first use and shared by the tests of this file. */
const servers = new Map<string, Promise<FlaskServer>>();
after(async () => {
  for (const server of servers.values()) await (await server).stop();
});
const journals = scratchDir('massassign-journal-');

/** Probes the shared app with `args`, checks the database dump is unchanged and the key never printed. */
async function probeApp(keyMode: string, args: string[], timestampsMove = false): Promise<{ report: ProbeReport; code: number; server: FlaskServer }> {
  if (!servers.has(keyMode)) servers.set(keyMode, startFlask(APP, { KEY_MODE: keyMode }));
  const server = await servers.get(keyMode)!;
  const before = server.dump();
  const run = await runInProcess(['probe', server.url, '--format', 'json', '--journal', join(journals, `${servers.size}-${Date.now()}.jsonl`), ...args]);
  if (timestampsMove) assert.equal(masked(server.dump()), masked(before), 'the dump after the probe equals the dump before, timestamps aside');
  else assert.equal(server.dump(), before, 'the database dump after the probe equals the dump before');
  assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the API key never appears in the output');
  assert.equal(run.stderr, '', 'nothing on standard error');
  return { report: JSON.parse(run.stdout) as ProbeReport, code: run.code, server };
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

test('a POST whose object no read shows and whose collection nothing lists is not sent at all', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--path', 'POST /account/rename']);
  assert.deepEqual(report.outcomes?.map((o) => [o.outcome, o.detail]), [
    ['not probed', 'GET /account/rename answered 405: without a read of the object or a list of its collection, nothing it writes could be checked or proven new, so nothing is sent'],
  ]);
  assert.deepEqual(report.residue, []);
  assert.equal(report.requests, 1, 'only the GET that finds no read route; no write');
});

test('a key-issuing endpoint: the issued key is re-read in its list, and deleted once proven new', async () => {
  const { report } = await probeApp('header', ['--api-key', KEY, '--path', 'POST /keys']);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'POST /keys': ['scope'] });
  assert.deepEqual(report.residue, []);
  const evidence = report.findings[0].evidence[0];
  assert.match(JSON.stringify(evidence.response), /<redacted, 32 chars>/, 'the issued key is masked too');
});

test('a timestamp that moves on every write is listed once as residue and does not block restoring the rest', async () => {
  const { report, code } = await probeApp('header', ['--api-key', KEY, '--path', 'PATCH /notes/<int:note_id>'], true);
  assert.deepEqual(byStatus(report, 'confirmed'), { 'PATCH /notes/1': ['is_locked'] });
  assert.ok(report.findings.every((f) => f.restored));
  assert.deepEqual(report.residue.map((r) => r.what.replace(/"[^"]+"/, '<time>')), ['updated_at moved from <time>: it changes on every write']);
  assert.equal(code, 3, 'a change left behind is residue: exit 3, even with a finding');
});

test('probe --undo puts back an update a run left open, from the whole object the journal holds', async () => {
  if (!servers.has('header')) servers.set('header', startFlask(APP, { KEY_MODE: 'header' }));
  const server = await servers.get('header')!;
  const before = server.dump();
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };
  const original = await (await fetch(`${server.url}/account`, { headers })).json();
  const journal = join(journals, 'open-update.jsonl');
  const intent = { method: 'PATCH', path: '/account', body: { is_admin: true, credit_limit: 5 }, readPath: '/account', before: original, restoreBase: {} };
  writeFileSync(journal, `${JSON.stringify({ massassign: 'probe-journal', version: 1, target: server.url })}\n${JSON.stringify({ seq: 1, intent })}\n`);
  await (await fetch(`${server.url}/account`, { method: 'PATCH', headers, body: JSON.stringify(intent.body) })).arrayBuffer();
  assert.notEqual(server.dump(), before, 'the write the journal announced was made');
  const undo = await runInProcess(['probe', server.url, '--api-key', KEY, '--undo', journal]);
  assert.match(undo.stdout, /1 of 1 open change\(s\) put back/);
  assert.equal(undo.code, 0);
  assert.equal(server.dump(), before);
  const again = await runInProcess(['probe', server.url, '--api-key', KEY, '--undo', journal]);
  assert.match(again.stdout, /0 of 0 open change\(s\) put back/, 'a settled entry is not replayed');
});

test('a wrong base path: each endpoint once, its 404 suggesting the base URL or prefix, nothing written', async () => {
  if (!servers.has('header')) servers.set('header', startFlask(APP, { KEY_MODE: 'header' }));
  const server = await servers.get('header')!;
  const run = await runInProcess(['probe', `${server.url}/api`, '--api-key', KEY, '--format', 'json', '--path', 'PATCH /account', '--path', 'POST /widgets']);
  const report = JSON.parse(run.stdout) as ProbeReport;
  assert.deepEqual(report.outcomes?.map((o) => [o.method, o.outcome]), [['PATCH', 'not probed'], ['POST', 'not probed']]);
  for (const o of report.outcomes ?? []) assert.match(o.detail, /answered 404 \(check the base URL and any prefix the routes are mounted under\)/);
  assert.equal(report.journal, undefined, 'nothing was written, so no journal');
  assert.equal(run.code, 0);
});
