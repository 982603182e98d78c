// The key-set algebra of DESIGN.md: allowlists, denylists, the join at merges, and what reaches a model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANY, NONE, anyBut, describeKeySet, intersect, join, only, reachable, restrict, subtract } from '../src/dataflow/keyset.js';

const set = (...keys: string[]) => new Set(keys);
const show = describeKeySet;

test('an allowlist bounds any key set to at most its keys', () => {
  assert.equal(show(intersect(ANY, set('name', 'role'))), 'only name, role');
  assert.equal(show(intersect(only(['name', 'bio']), set('name', 'role'))), 'only name');
  assert.equal(show(intersect(anyBut(['role']), set('name', 'role'))), 'only name');
  assert.equal(show(intersect(NONE, set('name'))), 'no key');
});

test('a denylist removes only what it lists', () => {
  assert.equal(show(subtract(ANY, set('id'))), 'every key except id');
  assert.equal(show(subtract(anyBut(['id']), set('role'))), 'every key except id, role');
  assert.equal(show(subtract(only(['name', 'role']), set('role'))), 'only name');
});

test('the join at merges is the union: Only(S) ∪ AnyBut(D) = AnyBut(D − S)', () => {
  assert.equal(show(join(only(['id', 'name']), anyBut(['id', 'role']))), 'every key except role');
  assert.equal(show(join(anyBut(['id', 'role']), anyBut(['role', 'tier']))), 'every key except role');
  assert.equal(show(join(only(['a']), only(['b']))), 'only a, b');
  assert.equal(show(join(NONE, only(['a']))), 'only a');
  assert.equal(show(join(ANY, only(['a']))), 'every key');
});

test('filters compose: a helper that denies id, applied to a caller that allows id and name, leaves name', () => {
  assert.equal(show(restrict(only(['id', 'name']), anyBut(['id']))), 'only name');
  assert.equal(show(restrict(ANY, only(['name']))), 'only name');
  assert.equal(show(restrict(anyBut(['id']), ANY)), 'every key except id');
});

test('writable fields are the model fields the key set lets through', () => {
  const fields = ['id', 'display_name', 'api_key', 'rate_limit'];
  assert.deepEqual(reachable(anyBut(['id']), fields), ['display_name', 'api_key', 'rate_limit']);
  assert.deepEqual(reachable(only(['display_name', 'role']), fields), ['display_name']);
  assert.deepEqual(reachable(NONE, fields), []);
});
