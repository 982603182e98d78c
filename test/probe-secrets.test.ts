// Secrets are never printed, by construction: a server that echoes every credential it is sent back in its bodies
// and headers, probed by every command and in every format (and -o), with keys of any length and with `"`, `\`,
// `<` and `&`; then all output is searched for each secret in raw, JSON-, URL- and HTML-escaped form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess } from './helpers/in-process.js';
import { scratchDir } from './helpers/scratch.js';

const SOURCE = fileURLToPath(new URL('../examples/vulnerable/', import.meta.url));
const dir = scratchDir('massassign-secrets-');
let server: Server;
let port = 0;

/** Every header value the request carried, as the server "saw" it. */
const echoOf = (headers: Record<string, string | string[] | undefined>, url: string) => ({ headers, url });

/** One stored object whose api_key starts as the caller's own key: what a confirmed probe shows as "was". */
let stored: Record<string, unknown> | undefined;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['x-api-key'] ?? '');
      stored ??= { id: 1, display_name: 'relay', debug_mode: false, api_key: key, password: 'pw-of-the-server-77' };
      if (req.method === 'POST') Object.assign(stored, JSON.parse(Buffer.concat(chunks).toString() || '{}'));
      const body = { ...stored, greeting: `hello ${key}`, seen: echoOf(req.headers, req.url ?? ''), text: `${'x'.repeat(490)}${key}` };
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': encodeURIComponent(key) });
      res.end(req.method === 'GET' || req.method === 'POST' ? JSON.stringify(body) : '');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((done) => server.close(() => done())));

function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const html = secret.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
  return [...new Set([secret, json, encodeURIComponent(secret), html])];
}

for (const key of ['k"ey\\with<odd>&chars-1234', 'Zq']) {
  test(`no command or format prints a secret (key ${JSON.stringify(key).length - 2} chars)`, async () => {
    stored = undefined;
    const secrets = [key, 'hdr-secret-9', 'cookie-secret-7', 'pw-secret-5', 'pw-of-the-server-77'];
    const url = `http://user:pw-secret-5@127.0.0.1:${port}`;
    const common = ['--api-key', key, '--header', 'X-Extra: hdr-secret-9', '--cookie', 'sid=cookie-secret-7', '--timeout', '20', '--request-timeout', '2'];
    const journal = join(dir, `j-${key.length}.jsonl`);
    const outputs: string[] = [];
    const runs = [
      ['probe', url, ...common, '--path', 'POST /config', '--journal', journal],
      ['probe', url, ...common, '--path', 'POST /config', '--format', 'json', '--journal', journal],
      ['probe', url, ...common, '--path', 'POST /config', '--dry-run'],
      ['probe', url, ...common, '--undo', journal],
      ['probe', url, ...common, '--undo', join(dir, 'missing.jsonl')],
      ...['text', 'json', 'sarif', 'html'].map((format) => ['scan', SOURCE, '--format', format, '--probe', url, ...common, '--journal', journal]),
      ['scan', SOURCE, '--format', 'html', '-o', join(dir, 'report.html'), '--probe', url, ...common, '--journal', journal],
      ['scan', SOURCE, '--format', 'json', '-o', join(dir, 'report.json'), '--probe', url, ...common, '--journal', journal],
    ];
    for (const args of runs) {
      const run = await runInProcess(args);
      outputs.push(run.stdout, run.stderr);
    }
    outputs.push(readFileSync(join(dir, 'report.html'), 'utf8'), readFileSync(join(dir, 'report.json'), 'utf8'));
    const all = outputs.join('\n');
    assert.match(all, /CONFIRMED {2}POST \/config {2}api_key, debug_mode/, 'the probe did confirm (so the original key was a "was" value)');
    assert.match(all, /"status": "confirmed"/, 'scan --probe did confirm');
    for (const secret of secrets) {
      for (const form of forms(secret)) assert.ok(!all.includes(form), `${JSON.stringify(form)} printed`);
    }
    assert.ok(!readFileSync(journal, 'utf8').includes('hdr-secret-9') && !readFileSync(journal, 'utf8').includes('cookie-secret-7'), 'the journal holds no credential given');
  });
}
