// The probe's safety: a non-loopback target is refused before any packet, a dry run sends nothing, an unreachable
// target is a one-line error (exit 2), and the API key never shows in output or errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { runInProcess as runCli } from './helpers/in-process.js';

const KEY = 'safety-key-9d81e0';

/** A TCP listener on every interface that counts the connections it gets and closes them. */
async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '0.0.0.0', done));
  const { port } = server.address() as { port: number };
  return { port, connections: () => count, close: () => new Promise((done) => server.close(() => done())) };
}

test('a non-loopback target is refused without --allow-host, and no packet is sent', async () => {
  const tcp = await listener();
  try {
    const refused = await runCli(['probe', `http://0.0.0.0:${tcp.port}`, '--api-key', KEY, '--path', 'POST /config']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^massassign: refusing to probe 0\.0\.0\.0: not loopback; pass --allow-host 0\.0\.0\.0 if you own it\n$/);
    assert.equal(tcp.connections(), 0, 'no connection reached the listener');
    // The same target with --allow-host does connect: the count above can fail.
    const allowed = await runCli(['probe', `http://0.0.0.0:${tcp.port}`, '--api-key', KEY, '--allow-host', '0.0.0.0', '--path', 'POST /config']);
    assert.ok(tcp.connections() > 0);
    assert.equal(allowed.code, 2, 'a target that hangs up is a connection error');
    assert.ok(!allowed.stdout.includes(KEY) && !allowed.stderr.includes(KEY));
  } finally {
    await tcp.close();
  }
});

test('a dry run prints the plan and sends nothing', async () => {
  const tcp = await listener();
  try {
    const run = await runCli(['probe', `http://127.0.0.1:${tcp.port}`, '--api-key', KEY, '--dry-run', '--path', 'POST /config', '--path', 'PUT /devices/<int:id>']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Dry run against http:\/\/127\.0\.0\.1:\d+: nothing sent/);
    assert.match(run.stdout, /PUT \/devices\/\{id\}/);
    assert.equal(tcp.connections(), 0);
  } finally {
    await tcp.close();
  }
});

test('an unreachable target is a connection error: exit 2, the key nowhere', async () => {
  // Port 1 (tcpmux) is privileged and unused: nothing another test starts can be listening there.
  const run = await runCli(['probe', 'http://127.0.0.1:1', '--api-key-query', 'api_key', '--api-key', KEY, '--path', 'POST /config', '--format', 'json']);
  assert.equal(run.code, 2);
  assert.match(JSON.parse(run.stdout).errors[0], /^cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED$/);
  assert.ok(!run.stdout.includes(KEY) && !run.stderr.includes(KEY));
});

test('bad usage is one line and exit 2', async () => {
  for (const [args, message] of [
    [['probe', 'http://127.0.0.1:9', '--path', 'POST /x'], /--api-key is required/],
    [['probe', 'not a url', '--api-key', KEY, '--path', 'POST /x'], /not a URL: not a url/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY], /nothing to probe/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY, '--path', '/x'], /--path wants "METHOD \/path"/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY, '--path', 'POST /x', '--max-requests', 'lots'], /--max-requests wants a positive whole number/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY, '--path', 'POST /x', '--max-requests', '0.5'], /--max-requests wants a positive whole number, got: 0\.5/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY, '--path', 'POST /x', '--header', 'no colon'], /--header wants "Name: value"/],
    [['probe', 'http://127.0.0.1:9', '--api-key', KEY, '--path', 'POST /x', '--body', 'POST /x [1]'], /--body wants "METHOD \/path \{JSON object\}"/],
    [['probe', 'ftp://127.0.0.1:9', '--api-key', KEY, '--path', 'POST /x'], /only http and https/],
  ] as const) {
    const run = await runCli([...args]);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.ok(!run.stderr.includes(KEY));
  }
});
