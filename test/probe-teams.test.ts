// The live probe against a team API written as small Flask projects are: a blueprint prefix, a required unique
// name (run twice), nested list routes, a foreign key confirmed on the probe's own object, a model that re-hashes on
// every write (named, never silent), a redirect to another port (not followed), short-lived tokens refreshed by
// --auth-command, and a probe killed mid-run whose journal `probe --undo` replays to an identical dump.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFlask, type FlaskServer } from './helpers/flask-server.js';
import { runInProcess } from './helpers/in-process.js';
import type { ProbeReport } from '../src/probe/index.js';
import { scratchDir } from './helpers/scratch.js';

const APP = fileURLToPath(new URL('fixtures/apps/teams/app.py', import.meta.url));
const SOURCE = fileURLToPath(new URL('fixtures/apps/teams/', import.meta.url));
const KEY = 'team-key-3c1d';
const dir = scratchDir('massassign-teams-');
const SLOW = join(dir, 'slow');

const servers = new Map<string, Promise<FlaskServer>>();
after(async () => {
  for (const server of servers.values()) await (await server).stop();
});
const serve = (name: string, env: Record<string, string> = {}) => {
  if (!servers.has(name)) servers.set(name, startFlask(APP, { SLOW_FILE: SLOW, ...env }));
  return servers.get(name)!;
};

let runs = 0;
async function probe(args: string[], server: FlaskServer): Promise<{ report: ProbeReport; code: number }> {
  const run = await runInProcess(['probe', server.url, '--format', 'json', '--journal', join(dir, `run-${++runs}.jsonl`), ...args]);
  assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY), 'the key is never printed');
  return { report: JSON.parse(run.stdout) as ProbeReport, code: run.code };
}

const confirmed = (report: ProbeReport) => Object.fromEntries(report.findings.filter((f) => f.status === 'confirmed').map((f) => [`${f.method} ${f.path}`, f.fields]));

test('planned from the source: prefixed routes, fresh unique names twice over, a nested list, a foreign key on its own object', async (t) => {
  const server = await serve('plain');
  const before = server.dump();
  for (let i = 0; i < 2; i++) {
    const { report, code } = await probe(['--api-key', KEY, '--source', SOURCE, '--path', 'POST /api/v1/teams', '--path', 'POST /api/v1/teams/<int:team_id>/members'], server);
    assert.deepEqual(confirmed(report), { 'POST /api/v1/teams': ['plan'], 'POST /api/v1/teams/1/members': ['role', 'team_id'] });
    assert.deepEqual(report.residue, []);
    assert.equal(code, 1);
    assert.equal(server.dump(), before, `run ${i + 1}: the dump is identical`);
    t.diagnostic(`run ${i + 1}: ${report.requests} requests for 3 confirmed fields (${(report.requests / 3).toFixed(1)} per field)`);
  }
});

test('a create whose only DELETE is on a sibling route: deleted there once its item read shows the same object', async () => {
  const server = await serve('plain');
  const before = server.dump();
  const { report, code } = await probe(['--api-key', KEY, '--source', SOURCE, '--path', 'POST /api/v1/invites'], server);
  assert.deepEqual(confirmed(report), { 'POST /api/v1/invites': ['role'] });
  assert.ok(report.findings[0].evidence[0].restore?.some((e) => e.method === 'DELETE' && /^\/api\/v1\/invitations\/\d+$/.test(e.url)));
  assert.deepEqual(report.residue, []);
  assert.equal(code, 1);
  assert.equal(server.dump(), before);
});

test('a model that re-hashes on every write: the moved hash is named as residue, the run stops, exit 3', async () => {
  const server = await startFlask(APP);
  try {
    const { report, code } = await probe(['--api-key', KEY, '--source', SOURCE, '--path', 'PATCH /api/v1/teams/<int:team_id>/members/<int:member_id>'], server);
    assert.deepEqual(report.residue.map((r) => r.what), ['password_hash not restored (was "<redacted, 4 chars>")']);
    assert.match(report.errors[0], /stopped probing: could not put \/api\/v1\/teams\/1\/members\/1 back/);
    assert.equal(code, 3);
    const scanned = await runInProcess(['scan', SOURCE, '--format', 'json', '--select', 'MA101', '--probe', server.url, '--api-key', KEY, '--journal', join(dir, 'scan-hash.jsonl')]);
    assert.match(scanned.stderr, /NOT RESTORED: PATCH \/api\/v1\/teams\/1\/members\/1: password_hash not restored/);
    assert.equal(scanned.code, 3, 'scan --probe exits 3 on residue too');
  } finally {
    await server.stop();
  }
});

test('a write answered with a redirect to another port: not followed, and the outcome says where it pointed', async () => {
  const server = await serve('plain');
  const before = server.dump();
  const { report } = await probe(['--api-key', KEY, '--path', 'PATCH /api/v1/teams/<int:team_id>/legacy', '--path', 'GET /api/v1/teams/<int:team_id>/legacy', '--path', 'GET /api/v1/teams'], server);
  assert.match(report.outcomes?.[0].detail ?? '', /refused with 307 \(a redirect to http:\/\/127\.0\.0\.1:1\/api\/v1\/teams\/1, not followed\)/);
  assert.equal(server.dump(), before);
});

test('--auth-command: a short-lived token is fetched, and fetched again when it expires mid-run', async () => {
  const server = await serve('tokens', { TOKEN_USES: '6' });
  const before = server.dump();
  const fetchToken = `/usr/bin/python3 -c "import json,urllib.request as u; r=u.Request('${server.url}/auth/token', method='POST', headers={'X-Secret': 'token-secret-8'}); print(json.load(u.urlopen(r))['token'])"`;
  const { report, code } = await probe(['--auth-command', fetchToken, '--path', 'POST /api/v1/teams', '--path', 'GET /api/v1/teams', '--path', 'DELETE /api/v1/teams/<int:id>'], server);
  assert.deepEqual(confirmed(report), { 'POST /api/v1/teams': ['plan'] });
  assert.ok(report.requests > 6, `${report.requests} requests: more than one token's worth`);
  assert.equal(code, 1);
  assert.equal(server.dump(), before);
});

test('killed mid-run, then probe --undo: the dump is identical', async () => {
  const server = await serve('plain');
  const before = server.dump();
  const journal = join(dir, 'killed.jsonl');
  writeFileSync(SLOW, '');
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const entry = `const { run } = await import(${JSON.stringify(main)}); process.exitCode = await run(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'probe', server.url, '--api-key', KEY, '--source', SOURCE, '--path', 'POST /api/v1/teams', '--journal', journal], { stdio: 'ignore' });
  try {
    for (const deadline = Date.now() + 20_000; !(existsSync(journal) && readFileSync(journal, 'utf8').includes('"intent"')); await sleep(20)) {
      assert.ok(Date.now() < deadline, 'the probe wrote a journal entry');
    }
    await sleep(200);
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
  } finally {
    rmSync(SLOW, { force: true });
  }
  assert.notEqual(server.dump(), before, 'the kill left the created team behind');
  const undo = await runInProcess(['probe', server.url, '--api-key', KEY, '--undo', journal]);
  assert.match(undo.stdout, /1 of 1 open change\(s\) put back/);
  assert.equal(undo.code, 0);
  assert.equal(server.dump(), before);
});
