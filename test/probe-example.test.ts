// The live probe against the bundled example app: the vulnerable twin's api_key, debug_mode, rate_limit on
// POST /config and scope on POST /keys are confirmed and restored; the fixed twin gives nothing; dumps unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startFlask } from './helpers/flask-server.js';
import { runCli } from './helpers/cli.js';
import type { ProbeReport } from '../src/probe/index.js';
import type { ScanResult } from '../src/result.js';

const twin = (name: string) => fileURLToPath(new URL(`../examples/${name}/`, import.meta.url));
const KEY = 'demo-key';

async function probeTwin(name: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const server = await startFlask(`${twin(name)}app.py`);
  try {
    const before = server.dump();
    const run = await runCli([...args.map((a) => a.replace('$URL', server.url))]);
    assert.equal(server.dump(), before, 'the database dump after the probe equals the dump before');
    assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the API key never appears in the output');
    return run;
  } finally {
    await server.stop();
  }
}

const confirmed = (report: ProbeReport) =>
  Object.fromEntries(report.findings.filter((f) => f.status === 'confirmed').map((f) => [`${f.method} ${f.path}`, f.fields]));

test('vulnerable twin: api_key, debug_mode, rate_limit on POST /config and scope on POST /keys, all restored', async (t) => {
  const run = await probeTwin('vulnerable', ['probe', '$URL', '--api-key', KEY, '--path', 'POST /config', '--path', 'POST /keys', '--format', 'json']);
  const report = JSON.parse(run.stdout) as ProbeReport;
  assert.deepEqual(confirmed(report), { 'POST /config': ['api_key', 'debug_mode', 'rate_limit'], 'POST /keys': ['scope'] });
  assert.ok(report.findings.every((f) => f.restored));
  assert.deepEqual(report.residue, []);
  assert.equal(run.code, 1);
  t.diagnostic(`requests: ${report.requests} for 4 confirmed fields (${(report.requests / 4).toFixed(1)} per field)`);
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
  assert.deepEqual(confirmed(report), { 'POST /config': ['api_key', 'debug_mode', 'rate_limit'], 'POST /keys': ['scope'] });
  assert.deepEqual(report.findings.map((f) => f.rule).sort(), ['MA101', 'MA201']);
  t.diagnostic(`requests: ${report.requests} for 4 confirmed fields`);
});

test('scan --probe marks each static finding confirmed', async () => {
  const run = await probeTwin('vulnerable', ['scan', twin('vulnerable'), '--format', 'json', '--probe', '$URL', '--api-key', KEY]);
  const result = JSON.parse(run.stdout) as ScanResult;
  assert.deepEqual(result.findings.map((f) => [f.rule, f.probe?.status, f.probe?.fields, f.probe?.restored]).sort(), [
    ['MA101', 'confirmed', ['api_key', 'debug_mode', 'rate_limit'], true],
    ['MA201', 'confirmed', ['scope'], true],
  ]);
});
