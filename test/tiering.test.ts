// The CLI's V8 compiler flags (src/cli/tiering.ts): known to the V8 running the tests, set without a word on stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { compilerFlags } from '../src/cli/tiering.js';

test('the V8 running the tests has compiler flags measured for it', () => {
  assert.ok(compilerFlags(process.versions.v8), `no row for V8 ${process.versions.v8}: measure bench/real-apps.ts with and without each flag and add one`);
  assert.equal(compilerFlags('10.2.154'), undefined);
});

test('setting them prints nothing: V8 names on stderr a flag it does not know', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('./src/cli/tiering.ts')"], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.equal(run.stderr, '');
});
