// A project too big for the heap degrades instead of crashing: past the memory ceiling, modules are skipped and
// listed in errors, and the report still comes out (here under a 100 MB heap, in a child process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from './helpers/scratch.js';

const HELPERS = 150;

function bigProject(): string {
  const root = scratchDir('massassign-ceiling-');
  const imports = Array.from({ length: HELPERS }, (_, i) => `import helper_${i}`).join('\n');
  const calls = Array.from({ length: HELPERS }, (_, i) => `    helper_${i}.apply(user, data)`).join('\n');
  writeFileSync(join(root, 'app.py'), `from flask import Flask, request\n${imports}\napp = Flask(__name__)\n\n@app.post("/u")\ndef update():\n    user = object()\n    data = request.get_json()\n${calls}\n    return "ok"\n`);
  const filler = Array.from({ length: 300 }, (_, j) => `def f${j}(a, b):\n    x = [a, b, {'k': a.b.c(d=b)}, (1, 2, 3)]\n    return x\n\n`).join('');
  for (let i = 0; i < HELPERS; i++) writeFileSync(join(root, `helper_${i}.py`), `def apply(target, data):\n    for k, v in data.items():\n        setattr(target, k, v)\n\n${filler}`);
  return root;
}

test('past the memory ceiling modules are skipped and listed, and the scan still reports', () => {
  const root = bigProject();
  const script = `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.run(['scan', ${JSON.stringify(root)}, '--format', 'json', '--no-cache', '--workers', '1', '--quiet']); })`;
  const child = spawnSync(process.execPath, ['--max-old-space-size=100', '--import', 'tsx', '-e', script], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(child.signal, null, child.stderr.slice(0, 400));
  assert.equal(child.status, 1);
  const result = JSON.parse(child.stdout) as { findings: unknown[]; errors: { path: string; message: string }[] };
  const skipped = result.errors.filter((e) => /memory ceiling/.test(e.message));
  assert.ok(skipped.length > 0 && skipped.length < HELPERS);
  assert.ok(result.findings.length > 0);
});
