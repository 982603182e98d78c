// The live probe against a spec-first (connexion-style) app planned from its YAML OpenAPI document alone: routes
// the source never names, a required unique title and a `format: date` field, readOnly properties confirmed on an
// update and on the probe's own creates, twice over with no collision, and the dump identical after each run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFlask, type FlaskServer } from './helpers/flask-server.js';
import { runInProcess } from './helpers/in-process.js';
import type { ProbeReport } from '../src/probe/index.js';
import { scratchDir } from './helpers/scratch.js';

const APP = fileURLToPath(new URL('fixtures/apps/specs/app.py', import.meta.url));
const SPEC = fileURLToPath(new URL('fixtures/apps/specs/openapi.yaml', import.meta.url));
const dir = scratchDir('massassign-specs-');
let server: FlaskServer;
before(async () => {
  server = await startFlask(APP);
});
after(() => server.stop());

test('planned from the YAML document: readOnly `approved` confirmed on PATCH and POST, required date sent, reruns never collide', async (t) => {
  const before = server.dump();
  for (let i = 1; i <= 2; i++) {
    const run = await runInProcess(['probe', server.url, '--api-key', 'spec-key-77ab', '--openapi', SPEC, '--format', 'json', '--journal', join(dir, `${i}.jsonl`)]);
    const report = JSON.parse(run.stdout) as ProbeReport;
    assert.deepEqual(report.outcomes?.map((o) => [o.method, o.path, o.outcome, o.detail]), [
      ['POST', '/api/projects', 'confirmed', 'approved'],
      ['PATCH', '/api/projects/1', 'confirmed', 'approved'],
    ]);
    const create = report.findings.find((f) => f.method === 'POST')!.evidence[0].request?.body as Record<string, unknown>;
    assert.equal(create.due, '2000-01-01', 'a format: date property gets a date');
    assert.match(String(create.title), /^roadmap-massassign-[0-9a-f]{8}-\d+$/, 'the example title, made fresh on every create');
    assert.deepEqual(report.residue, []);
    assert.equal(run.code, 1);
    assert.equal(server.dump(), before, `run ${i}: the dump is identical`);
    t.diagnostic(`run ${i}: ${report.requests} requests for 2 confirmed fields`);
  }
});

test('scan --probe --openapi: accepted, and every static finding gets a verdict', async () => {
  const run = await runInProcess(['scan', fileURLToPath(new URL('fixtures/apps/specs/', import.meta.url)), '--format', 'json', '--probe', server.url, '--api-key', 'spec-key-77ab', '--openapi', SPEC, '--journal', join(dir, 'scan.jsonl')]);
  assert.equal(run.stderr, '');
  const result = JSON.parse(run.stdout) as { findings: { probe?: { status: string } }[] };
  assert.ok(result.findings.length > 0 && result.findings.every((f) => f.probe !== undefined), 'each finding is marked');
});
