// The probe against a fault-injecting server (Node, on 127.0.0.1, rows in memory): a create whose Location points at
// the collection or at another object, an upsert answering 201 for an existing object, a body that trickles or never
// ends, 500 on every other write, a dropped connection. No row the probe did not create is ever deleted, anything
// left is named (exit 3), and every run ends within its limits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { runInProcess } from './helpers/in-process.js';
import type { ProbeReport } from '../src/probe/index.js';
import { scratchDir } from './helpers/scratch.js';

type Row = { id: number; name: string; is_admin: boolean };
type Fault = 'location-collection' | 'location-other' | 'upsert' | 'trickle' | 'endless' | 'flaky' | 'drop' | 'slow' | 'none';

const state = { fault: 'none' as Fault, rows: new Map<number, Row>(), nextId: 3, created: [] as number[], deleted: [] as number[], writes: 0 };
const initial = (): Map<number, Row> => new Map([[1, { id: 1, name: 'alpha', is_admin: false }], [2, { id: 2, name: 'beta', is_admin: false }]]);
const dir = scratchDir('massassign-faults-');
let server: Server;
let url = '';

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, text: string): void {
  const id = Number(/^\/items\/(\d+)$/.exec(req.url ?? '')?.[1]);
  const body = (text ? JSON.parse(text) : {}) as Partial<Row>;
  if (req.method !== 'GET' && state.fault === 'flaky' && state.writes++ % 2 === 0) return json(res, 500, { error: 'flaky' });
  if (req.method === 'GET' && req.url === '/items') {
    if (state.fault === 'trickle') return trickle(res);
    if (state.fault === 'endless') return endless(res);
    return json(res, 200, { items: [...state.rows.values()] });
  }
  if (req.method === 'GET' && id) return state.rows.has(id) ? json(res, 200, state.rows.get(id)) : json(res, 404, { error: 'no such item' });
  if (req.method === 'POST' && (req.url === '/items' || req.url === '/items/new')) {
    if (state.fault === 'upsert') {
      const row = Object.assign(state.rows.get(1)!, { is_admin: body.is_admin ?? state.rows.get(1)!.is_admin });
      return json(res, 201, row, { location: '/items/1' });
    }
    const row = { id: state.nextId++, name: String(body.name ?? 'new'), is_admin: Boolean(body.is_admin) };
    state.rows.set(row.id, row);
    state.created.push(row.id);
    if (state.fault === 'drop') return void req.socket.destroy();
    const location = state.fault === 'location-collection' ? '/items' : state.fault === 'location-other' ? '/items/1' : `/items/${row.id}`;
    return json(res, 201, row, { location });
  }
  if (req.method === 'DELETE' && id) {
    if (!state.rows.delete(id)) return json(res, 404, { error: 'no such item' });
    state.deleted.push(id);
    return json(res, 204, undefined);
  }
  json(res, 405, { error: 'method not allowed' });
}

function trickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), 50);
  res.on('close', () => clearInterval(timer));
}

function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('error', () => {});
  pump();
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => handle(req, res, Buffer.concat(chunks).toString()), state.fault === 'slow' ? 150 : 0));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((done) => server.close(() => done()));
});

async function probeWith(fault: Fault, write = 'POST /items', timeout = '4'): Promise<{ report: ProbeReport; code: number; seconds: number }> {
  Object.assign(state, { fault, rows: initial(), nextId: 3, created: [], deleted: [], writes: 0 });
  const started = Date.now();
  const run = await runInProcess(['probe', url, '--api-key', 'fault-key-1', '--format', 'json', '--timeout', timeout, '--request-timeout', '0.5',
    '--journal', join(dir, `${fault}.jsonl`), '--path', write, '--path', 'GET /items', '--path', 'GET /items/<int:id>', '--path', 'DELETE /items/<int:id>']);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(state.deleted.every((id) => state.created.includes(id)), `deleted ${state.deleted.join(', ')} but created only ${state.created.join(', ')}`);
  assert.ok(state.rows.has(1) && state.rows.has(2), 'the rows that were there before are all there');
  assert.ok(seconds < 8, `the run took ${seconds} s`);
  if (process.env.SHOW) process.stderr.write(`${fault}: ${JSON.stringify(JSON.parse(run.stdout).outcomes)} ${JSON.stringify(JSON.parse(run.stdout).residue)} created=${state.created} deleted=${state.deleted}\n`);
  return { report: JSON.parse(run.stdout) as ProbeReport, code: run.code, seconds };
}

test('a well-behaved server: is_admin confirmed on the probe\'s own objects, each deleted, nothing left', async () => {
  const { report, code } = await probeWith('none');
  assert.deepEqual(report.findings.filter((f) => f.status === 'confirmed').map((f) => f.fields), [['is_admin']]);
  assert.deepEqual(report.residue, []);
  assert.deepEqual(state.deleted.sort(), state.created.sort());
  assert.equal(code, 1);
});

test('a create on a route of its own (POST /items/new) is re-read and undone in the list one level up', async () => {
  const { report, code } = await probeWith('none', 'POST /items/new');
  assert.deepEqual(report.findings.filter((f) => f.status === 'confirmed').map((f) => [f.path, f.fields]), [['/items/new', ['is_admin']]]);
  assert.deepEqual(report.residue, []);
  assert.deepEqual(state.deleted.sort(), state.created.sort());
  assert.equal(code, 1);
});

for (const fault of ['location-collection', 'location-other'] as const) {
  test(`a create whose Location points at ${fault === 'location-collection' ? 'the collection' : 'another object'}: nothing deleted, the object named`, async () => {
    const { report, code } = await probeWith(fault);
    assert.deepEqual(state.deleted, []);
    assert.match(report.residue.map((r) => r.what).join('\n'), /object 3: its Location \/items(\/1)? is not its item path/);
    assert.equal(code, 3);
  });
}

test('an upsert answering 201 for an existing object: it is not deleted, and the run stops and says so', async () => {
  const { report, code } = await probeWith('upsert');
  assert.deepEqual(state.deleted, []);
  assert.match(report.residue.map((r) => r.what).join('\n'), /object 1 answered the write but existed before it/);
  assert.match(report.errors.join('\n'), /stopped probing/);
  assert.equal(code, 3);
});

test('a body that trickles forever and one that never ends: each request ends within its limits', async () => {
  const trickled = await probeWith('trickle');
  assert.match(trickled.report.errors.join('\n'), /no complete answer within 500 ms/);
  assert.equal(trickled.code, 2);
  const endless = await probeWith('endless');
  assert.match(endless.report.outcomes?.[0].detail ?? '', /not read|size cap/);
  assert.equal(endless.report.requests, 1, 'nothing is written when the collection cannot be read');
  assert.ok(process.memoryUsage().rss < 1024 ** 3, 'the body was never buffered whole');
});

test('500 on every other write: undo requests are retried, everything created is deleted', async () => {
  const { report } = await probeWith('flaky');
  assert.deepEqual(report.residue, []);
  assert.deepEqual(state.deleted.sort(), state.created.sort());
});

test('a connection dropped after the create: the object is found by its marker and deleted, the run stops', async () => {
  const { report } = await probeWith('drop');
  assert.deepEqual(state.created, [3]);
  assert.deepEqual(state.deleted, [3], 'the probe\'s own object, found by the fresh value only it sent');
  assert.deepEqual(report.residue, []);
  assert.match(report.errors.join('\n'), /cannot reach/);
});

test('the run\'s wall-clock limit: reached mid-run, it stops, and what was sent is still undone', async () => {
  const { report, seconds } = await probeWith('slow', 'POST /items', '0.5');
  assert.match(report.errors.join('\n'), /reached its --timeout/);
  assert.ok(state.created.length > 0, 'it got as far as a create');
  assert.deepEqual(state.deleted.sort(), state.created.sort(), 'and deleted it after the limit');
  assert.deepEqual(report.residue, []);
  assert.ok(seconds < 3, `${seconds} s`);
});
