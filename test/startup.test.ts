// Startup loads only what the command uses: the command line reaches the analyser (and the parser under it) through
// a dynamic import, made by a scan that will analyse (on this thread, or while a thread plans a large one), so
// `--version`, `rules` and a scan answered from the cache never load it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const src = resolve(import.meta.dirname, '..', 'src');

/** The project modules `entry` loads by static imports (`import type` loads nothing), as paths under src/. */
function staticallyLoaded(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [join(src, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gm)) {
      stack.push(resolve(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, '.ts')));
    }
  }
  return new Set([...seen].map((f) => relative(src, f)));
}

test('the command line loads neither the analyser nor the parser until a scan analyses on its thread', () => {
  const loaded = staticallyLoaded('cli/main.ts');
  assert.ok(loaded.has('scan.ts') && loaded.has('reporters/index.ts'), 'the walk follows the imports');
  for (const module of ['scan-part.ts', 'analysis/analyze.ts', 'dataflow/engine.ts', 'python/parse.ts']) assert.ok(!loaded.has(module), module);
});
