// The widening of outside access paths: a loop or recursion through outside objects must reach a fixpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outside, type Fact } from '../src/dataflow/facts.js';

const path = (f: Fact) => (f.k === 'object' && f.ref.type === 'external' ? f.ref.path : '');

/** Applies the steps in turn, as `conn = conn.cursor().fetchall()` in a loop does. */
function walk(start: string, steps: string[], rounds: number): string {
  let current = start;
  for (let i = 0; i < rounds; i++) for (const step of steps) current = path(outside(current, step));
  return current;
}

test('an outside path grows one step at a time', () => {
  assert.equal(path(outside('flask.request', '.get_json')), 'flask.request.get_json');
  assert.equal(path(outside('flask.request.get_json', '()')), 'flask.request.get_json()');
  assert.equal(path(outside('db.session.query().filter()', '.filter')), 'db.session.query().filter().filter');
});

test('a member repeated a third time, or a call twice in a row, leaves the path as it is', () => {
  const settled = walk('psycopg.connect()', ['.cursor', '()', '.fetchall', '()'], 10);
  assert.equal(settled, 'psycopg.connect().cursor().fetchall().cursor().fetchall()');
  assert.equal(walk('psycopg.connect()', ['.cursor', '()', '.fetchall', '()'], 20), settled);
  assert.equal(path(outside('f()', '()')), 'f()');
});

test('a path of distinct members stops growing at its step limit', () => {
  const members = Array.from({ length: 40 }, (_, i) => `.m${i}`);
  const long = walk('lib', members, 1);
  assert.ok(long.split('.').length - 1 <= 16, long);
  assert.equal(path(outside(long, '.more')), long);
});
