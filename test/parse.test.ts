// The parser adapter: what CPython accepts is never a syntax error (type comments included), and real errors stay errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePython } from '../src/python/parse.js';

test('type comments, well-formed or not, are comments to CPython and no syntax error here', () => {
  for (const source of [
    'x = []  # type: List[int]\n',
    'a = 1  # type: this is prose, not a type\n',
    'y = 2  # type:\n',
    'def f(a,  # type: int\n      b):\n    # type: (...) -> None\n    pass\n',
    'rows = load()  # type: ignore[attr-defined]\n',
  ]) {
    assert.deepEqual(parsePython(source).syntaxErrors, [], source);
  }
});

test('a real syntax error is still reported, even on a line with a type comment', () => {
  assert.equal(parsePython('x = (\n').syntaxErrors.length > 0, true);
  assert.equal(parsePython('x = 1 +  # type: int\n').syntaxErrors.length > 0, true);
});
