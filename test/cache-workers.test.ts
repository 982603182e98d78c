// The cache and the worker threads change how fast a scan is, never what it finds: on every fixture project the
// findings and errors are the same with and without the cache (cold and warm) and with one or two workers.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan, type ScanOptions } from '../src/scan.js';
import { scratchDir } from './helpers/scratch.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const projects = readdirSync(join(fixtures, 'rules'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(fixtures, 'rules', e.name));

/** What a scan found, without its timing. */
async function answer(options: ScanOptions): Promise<string> {
  const { findings, errors, routes, models, files } = await scan(options);
  return JSON.stringify({ findings, errors, routes, models, files });
}

/** All fixture projects copied into one folder, so the cache is written there and not into the repository. */
function copyOfFixtures(): string {
  const root = scratchDir('massassign-cache-');
  for (const project of projects) cpSync(project, join(root, project.split('/').pop()!), { recursive: true });
  return root;
}

test('findings are the same with one worker, two workers, a cold cache and a warm cache', async () => {
  const root = copyOfFixtures();
  // Enough source that two workers really start (parts are scanned on this thread below 512 KB).
  writeFileSync(join(root, 'bulk.py'), `from flask import request\n${'def f():\n    return request.args\n'.repeat(20_000)}`);
  const fewFiles = await answer({ path: root, workers: 1 });
  assert.equal(await answer({ path: root, workers: 2 }), fewFiles);
  // Enough files that the scan is planned on a thread of its own (below 512 files it is planned here).
  mkdirSync(join(root, 'many'));
  for (let i = 0; i < 520; i++) writeFileSync(join(root, 'many', `m${i}.py`), `from . import m${(i + 1) % 520}\nLIMIT = ${i}\n`);
  const plain = await answer({ path: root, workers: 1 });
  assert.equal(await answer({ path: root, workers: 2 }), plain);
  assert.equal(await answer({ path: root, workers: 2, cache: true }), plain);
  assert.ok(existsSync(join(root, '.massassign_cache', '.gitignore')));
  assert.match(readFileSync(join(root, '.massassign_cache', '.gitignore'), 'utf8'), /^\*$/m);
  assert.equal(await answer({ path: root, workers: 1, cache: true }), plain);
  for (const project of projects.slice(0, 3)) {
    assert.equal(await answer({ path: project, workers: 2 }), await answer({ path: project, workers: 1 }));
  }
});

test('a changed file or a changed setting is not answered from the cache', async () => {
  const root = copyOfFixtures();
  const before = await scan({ path: root, cache: true });
  assert.ok(before.findings.length > 0);
  const withIgnored = await scan({ path: root, cache: true, notSensitive: [...new Set(before.findings.flatMap((f) => f.fields))] });
  assert.notEqual(withIgnored.findings.length, before.findings.length);
  const first = before.findings[0]!;
  writeFileSync(join(root, first.path), '');
  const after = await scan({ path: root, cache: true });
  assert.equal(after.findings.some((f) => f.path === first.path), false);
  assert.deepEqual(after.findings, (await scan({ path: root })).findings);
});

test('two scans at once share one cache folder safely', async () => {
  const root = copyOfFixtures();
  const plain = await answer({ path: root });
  const both = await Promise.all([answer({ path: root, cache: true, workers: 2 }), answer({ path: root, cache: true, workers: 2 })]);
  assert.deepEqual(both, [plain, plain]);
  assert.equal(await answer({ path: root, cache: true }), plain);
});

test('a file changed between its first read and its part scan is analysed as it is then, said so, and not cached', async () => {
  const root = copyOfFixtures();
  const plain = await scan({ path: root });
  const first = plain.findings[0]!;
  const original = readFileSync(join(root, first.path), 'utf8');
  const editing = (done: number, total: number) => {
    if (done === total) writeFileSync(join(root, first.path), '');
  };
  const raced = await scan({ path: root, cache: true, workers: 1, onProgress: editing });
  assert.equal(raced.findings.some((f) => f.path === first.path), false);
  assert.ok(raced.errors.some((e) => e.path === first.path && e.message.startsWith('changed while it was scanned')));
  // stored under the keys of the text first read, the raced answer would come back once that text is
  writeFileSync(join(root, first.path), original);
  assert.deepEqual((await scan({ path: root, cache: true })).findings, plain.findings);
});
