// The live probe against the bundled example app: the vulnerable twin's api_key, debug_mode, rate_limit on
// POST /config are confirmed and restored; POST /keys, whose created keys no route lists, is never written; the
// fixed twin gives nothing; dumps unchanged.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFlask, type FlaskServer } from './helpers/flask-server.js';
import { runInProcess } from './helpers/in-process.js';
import type { ProbeReport } from '../src/probe/index.js';
import type { ScanResult } from '../src/result.js';
import { scratchDir } from './helpers/scratch.js';

const twin = (name: string) => fileURLToPath(new URL(`../examples/${name}/`, import.meta.url));
const KEY = 'demo-key';

const servers = new Map<string, Promise<FlaskServer>>();
after(async () => {
  for (const server of servers.values()) await (await server).stop();
});
const journals = scratchDir('massassign-journal-');

async function probeTwin(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!servers.has(name)) servers.set(name, startFlask(`${twin(name)}app.py`));
  const server = await servers.get(name)!;
  const before = server.dump();
  const run = await runInProcess([...args.map((a) => a.replace('$URL', server.url)), '--journal', join(journals, `${Date.now()}.jsonl`)]);
  assert.equal(server.dump(), before, 'the database dump after the probe equals the dump before');
  assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the API key never appears in the output');
  return run;
}

const KEYS_UNLISTED = 'GET /keys answered 405: without a read of the object or a list of its collection, nothing it writes could be checked or proven new, so nothing is sent';

const confirmed = (report: ProbeReport) =>
  Object.fromEntries(report.findings.filter((f) => f.status === 'confirmed').map((f) => [`${f.method} ${f.path}`, f.fields]));

test('vulnerable twin: api_key, debug_mode, rate_limit on POST /config restored; POST /keys never written', async (t) => {
  const run = await probeTwin('vulnerable', ['probe', '$URL', '--api-key', KEY, '--path', 'POST /config', '--path', 'POST /keys', '--format', 'json']);
  const report = JSON.parse(run.stdout) as ProbeReport;
  assert.deepEqual(confirmed(report), { 'POST /config': ['api_key', 'debug_mode', 'rate_limit'] });
  assert.deepEqual(report.outcomes?.map((o) => [o.method, o.path, o.outcome, o.detail]), [
    ['POST', '/config', 'confirmed', 'api_key, debug_mode, rate_limit'],
    ['POST', '/keys', 'not probed', KEYS_UNLISTED],
  ], 'each endpoint once, with one outcome');
  assert.ok(report.findings.every((f) => f.restored));
  assert.deepEqual(report.residue, []);
  assert.equal(run.code, 1);
  const apiKey = report.findings[0].evidence.find((e) => e.field === 'api_key');
  assert.match(apiKey?.reason ?? '', /^GET \/config shows api_key = "massassign-[0-9a-f]{8}-\d+" \(was "<redacted, 32 chars>"\)$/, 'the original credential is never shown');
  t.diagnostic(`requests: ${report.requests} for 3 confirmed fields (${(report.requests / 3).toFixed(1)} per field)`);
});

test('fixed twin: nothing confirmed, exit 0', async () => {
  const run = await probeTwin('fixed', ['probe', '$URL', '--api-key', KEY, '--path', 'POST /config', '--path', 'POST /keys', '--format', 'json']);
  const report = JSON.parse(run.stdout) as ProbeReport;
  assert.deepEqual(report.findings, []);
  assert.deepEqual(report.probed.map((p) => [p.method, p.path, [...p.fields].sort()]), [['POST', '/config', ['api_key', 'debug_mode', 'rate_limit']]]);
  assert.equal(run.code, 0);
});

test('the text report names the confirmed fields and says everything was put back', async () => {
  const run = await probeTwin('vulnerable', ['probe', '$URL', '--api-key', KEY, '--path', 'POST /config']);
  assert.match(run.stdout, /CONFIRMED {2}POST \/config {2}api_key, debug_mode, rate_limit/);
  assert.match(run.stdout, /Everything the probe changed was put back/);
});

test('planned from --source: only the static fields are sent, under their rules', async (t) => {
  const run = await probeTwin('vulnerable', ['probe', '$URL', '--api-key', KEY, '--source', twin('vulnerable'), '--format', 'json']);
  const report = JSON.parse(run.stdout) as ProbeReport;
  assert.deepEqual(confirmed(report), { 'POST /config': ['api_key', 'debug_mode', 'rate_limit'] });
  assert.deepEqual(report.findings.map((f) => f.rule).sort(), ['MA101']);
  t.diagnostic(`requests: ${report.requests} for 3 confirmed fields`);
});

test('scan --probe marks each static finding confirmed', async () => {
  const run = await probeTwin('vulnerable', ['scan', twin('vulnerable'), '--format', 'json', '--probe', '$URL', '--api-key', KEY]);
  const result = JSON.parse(run.stdout) as ScanResult;
  assert.deepEqual(result.findings.map((f) => [f.rule, f.probe?.status, f.probe?.fields, f.probe?.restored]).sort(), [
    ['MA101', 'confirmed', ['api_key', 'debug_mode', 'rate_limit'], true],
    ['MA201', 'not probed', [], undefined],
  ]);
});
