// What `npm pack` ships and what a pre-commit install relies on: only dist, bin, docs/rules, README and LICENSE;
// no lifecycle banner on pack's standard output (pre-commit reads the tarball name from it); docs pinned to this version.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allRules } from '../src/rules/index.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string; files: string[]; scripts: Record<string, string> };

test('npm pack prints only the tarball name and ships only what a user runs or reads', () => {
  const stdout = execFileSync('npm', ['pack', '--dry-run'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(stdout, `massassign-${pkg.version}.tgz\n`, 'a lifecycle banner on stdout breaks pre-commit');
  const [listing] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
  const paths = listing!.files.map((f) => f.path);
  const allowed = /^(dist\/.*\.(js|d\.ts)|bin\/massassign\.js|docs\/rules\/[a-z0-9-]+\.md|docs\/rules\/README\.md|scripts\/build-from-source\.mjs|README\.md|LICENSE|package\.json)$/;
  assert.deepEqual(paths.filter((p) => !allowed.test(p)), [], 'unexpected files in the package');
  for (const needed of ['LICENSE', 'README.md', 'bin/massassign.js', ...allRules.map((r) => `docs/rules/${r.name}.md`)]) assert.ok(paths.includes(needed), `${needed} is not shipped`);
  assert.ok(!pkg.scripts.prepare && !pkg.scripts.prepack, 'prepare/prepack print a banner on npm pack');
});

test('the LICENSE file is the MIT license package.json names', () => {
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
});

test('install instructions pin this version and name no repository that does not exist', () => {
  for (const file of ['README.md', 'docs/ci.md']) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /npm install -g massassign(?!@)/, `${file}: unpinned install`);
    assert.match(text, new RegExp(`massassign@${pkg.version.replace(/\./g, '\\.')}`), `${file}: no pinned version`);
    assert.doesNotMatch(text, /github\.com\/massassign/, `${file}: names a repository that does not exist`);
  }
  const hook = readFileSync('.pre-commit-hooks.yaml', 'utf8');
  assert.match(hook, /entry: massassign scan\n/);
  assert.match(hook, /language: node\n/);
});
