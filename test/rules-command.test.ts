// `massassign rules` and `massassign explain`: the list, its JSON, one rule's explanation, and unknown codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../src/cli/main.js';
import { allRules } from '../src/rules/index.js';

/** Runs the CLI and captures its exit code, standard output and standard error. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string) => { out.stdout += chunk; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => { out.stderr += chunk; return true; }) as typeof process.stderr.write;
  try {
    return { code: await run(argv), ...out };
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  }
}

test('rules lists every rule with its code, name and summary', async () => {
  const { code, stdout } = await cli('rules');
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines.length, allRules.length);
  allRules.forEach((rule, i) => {
    assert.ok(lines[i]!.startsWith(`${rule.code}  ${rule.name} `), lines[i]);
    assert.ok(lines[i]!.endsWith(rule.docs.summary), lines[i]);
  });
});

test('rules --format json gives code, name and summary of each rule', async () => {
  const { code, stdout } = await cli('rules', '--format', 'json');
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), allRules.map((r) => ({ code: r.code, name: r.name, summary: r.docs.summary })));
});

test('explain prints a rule by code or name: what, why despite the key, the fix, the questions', async () => {
  const byCode = await cli('explain', 'MA101');
  const byName = await cli('explain', 'setattr-from-request');
  assert.equal(byCode.code, 0);
  assert.equal(byCode.stdout, byName.stdout);
  for (const heading of ['What it does', 'Why it is bad, even behind an API key', 'Flagged', 'Fixed', 'How to fix it in Flask', 'Common questions', 'References']) {
    assert.match(byCode.stdout, new RegExp(`^${heading}$`, 'm'));
  }
  assert.match(byCode.stdout, /^MA101 setattr-from-request$/m);
  assert.match(byCode.stdout, /A strict marshmallow schema/);
  assert.match(byCode.stdout, /A pydantic input model/);
  assert.match(byCode.stdout, /setattr\(config, key, value\)/);
  const whatItDoes = byCode.stdout.split('What it does\n')[1]!.split('\n\n')[0]!.split('\n');
  assert.ok(whatItDoes.length > 1 && whatItDoes.every((line) => line.length <= 80), 'prose is wrapped for a terminal');
});

test('explain of an unknown rule prints one line and exits 2', async () => {
  const { code, stdout, stderr } = await cli('explain', 'MA999');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'massassign: unknown rule "MA999"; run `massassign rules` to list them\n');
});
