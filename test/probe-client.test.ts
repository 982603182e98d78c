// The probe's HTTP client against a small local server: the key goes where it is told, 429/503 are retried, the
// budget holds except for undoing, a failing server stops the probe, and --rate spaces requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ProbeAbort, ProbeClient } from '../src/probe/client.js';
import type { KeyPlacement } from '../src/probe/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function withServer(handler: Handler, body: (base: URL, seen: IncomingMessage[]) => Promise<void>): Promise<void> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  try {
    await body(new URL(`http://127.0.0.1:${port}`), seen);
  } finally {
    await new Promise((done) => server.close(done));
  }
}

const client = (base: URL, placement: KeyPlacement = { kind: 'header', name: 'X-API-Key' }, extra: { maxRequests?: number; rate?: number } = {}) =>
  new ProbeClient(base, { apiKey: 'client-key-1', placement, maxRequests: extra.maxRequests ?? 100, rate: extra.rate, timeoutMs: 5000 });

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

test('the key travels in the named header or query parameter; an issued key takes the user key\'s scheme', async () => {
  await withServer(json(200, { ok: true }), async (base, seen) => {
    const byHeader = client(base, { kind: 'header', name: 'Authorization' });
    await byHeader.send('GET', '/a', 'check');
    await byHeader.send('GET', '/a', 'check', undefined, { kind: 'none' });
    await byHeader.close();
    const byQuery = client(base, { kind: 'query', name: 'api_key' });
    const answer = await byQuery.send('POST', '/b?x=1', 'probe', { is_admin: true });
    await byQuery.close();
    assert.deepEqual(answer, { status: 200, location: undefined, body: { ok: true } });
    assert.equal(seen[0].headers.authorization, 'client-key-1');
    assert.equal(seen[1].headers.authorization, undefined);
    assert.equal(seen[2].url, '/b?x=1&api_key=client-key-1');
    assert.equal(seen[2].headers['content-type'], 'application/json');
  });
  await withServer(json(200, {}), async (base, seen) => {
    const scheme = new ProbeClient(base, { apiKey: 'ApiKey client-key-1', placement: { kind: 'header', name: 'Authorization' }, maxRequests: 10, timeoutMs: 5000 });
    await scheme.send('GET', '/', 'check', undefined, { kind: 'key', key: 'issued-key-2' });
    await scheme.close();
    assert.equal(seen[0].headers.authorization, 'ApiKey issued-key-2');
  });
});

test('429 and 503 are retried after Retry-After, then the answer is returned', async () => {
  let calls = 0;
  await withServer((req, res) => (++calls < 3 ? json(calls === 1 ? 429 : 503, {}, { 'retry-after': '0' })(req, res) : json(200, { done: true })(req, res)), async (base) => {
    const c = client(base);
    const answer = await c.send('GET', '/', 'check');
    await c.close();
    assert.equal(answer.status, 200);
    assert.equal(c.requests, 3);
  });
});

test('the budget stops probing but never undoing', async () => {
  await withServer(json(200, {}), async (base) => {
    const c = client(base, undefined, { maxRequests: 2 });
    await c.send('GET', '/', 'check');
    await c.send('PATCH', '/', 'probe', {});
    await assert.rejects(c.send('GET', '/', 'check'), (e) => e instanceof ProbeAbort && /request budget of 2 spent/.test(e.message));
    assert.equal((await c.send('PATCH', '/', 'undo', {})).status, 200);
    await c.close();
    assert.equal(c.requests, 3);
  });
});

test('repeated server errors on checks stop the probe; 500s to probe writes alone do not', async () => {
  await withServer(json(500, { error: 'boom' }), async (base) => {
    const c = client(base);
    for (let i = 0; i < 10; i++) assert.equal((await c.send('POST', '/', 'probe', {})).status, 500);
    for (let i = 0; i < 4; i++) await c.send('GET', '/', 'check');
    await assert.rejects(c.send('GET', '/', 'check'), /server keeps answering 500/);
    await c.close();
  });
});

test('--rate spaces requests', async () => {
  await withServer(json(200, {}), async (base) => {
    const c = client(base, undefined, { rate: 20 });
    const start = Date.now();
    for (let i = 0; i < 5; i++) await c.send('GET', '/', 'check');
    await c.close();
    assert.ok(Date.now() - start >= 190, `5 requests at 20/s took ${Date.now() - start} ms`);
  });
});
