// Line-anchored matches found at the lines that hold a keyword are those of the `gm` expression they replace,
// on texts made of the pieces that could tell them apart: every line ending, blanks, the keyword mid-line and
// several times on a line, and matches that run across lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesAtLineStarts, matchesAtSomeLineStart } from '../src/python/line-starts.js';

const PIECES = ['\n', '\r\n', '\r', '\u2028', '\u2029', ' ', '\t', 'import', 'from', ' x ', '.y', '(', ')', ',', '#', '@', '@a.route(', 'import (', ' import '];

/** A text of `length` pieces, the same for the same seed (a linear congruential sequence). */
function text(seed: number, length: number): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out += PIECES[state % PIECES.length];
  }
  return out;
}

const CASES: { keyword: string; body: string }[] = [
  // an import list, across lines when parenthesised (as partitioning reads imports)
  { keyword: 'import', body: '[ \\t]*(?:import[ \\t]+([\\w. \\t,]+)|from[ \\t]+(\\.*[\\w.]*)[ \\t]+import[ \\t]*(\\([^)]*\\)|[\\w. \\t,*\\\\]+))' },
  // a decorator (as the entry-code test reads routes)
  { keyword: '@', body: '[^\\S\\n\\r\\u2028\\u2029]*@[\\w.]+\\.(?:route|get)\\(' },
];

/** Texts the random ones may miss: a match across lines holding the keyword, the keyword twice on a line. */
const CHOSEN = ['from x import (\n  import y)\nimport z\n', 'import a import b\r import c', 'x@ @a.route(\u2028 @a.route(@a.get('];

test('matches at the lines holding a keyword are the matches of the line-anchored expression', () => {
  for (const { keyword, body } of CASES) {
    const anchored = new RegExp(`^${body}`, 'gm');
    const sticky = new RegExp(body, 'y');
    for (const source of [...CHOSEN, ...Array.from({ length: 400 }, (_, seed) => text(seed + 1, 60))]) {
      const expected = Array.from(source.matchAll(anchored), (m) => [m.index, ...m]);
      const found = Array.from(matchesAtLineStarts(source, keyword, sticky), (m) => [m.index, ...m]);
      assert.deepEqual(found, expected, JSON.stringify({ keyword, source }));
      assert.equal(matchesAtSomeLineStart(source, keyword, sticky), expected.length > 0);
    }
  }
});

test('a keyword that never starts a match finds nothing, however often it occurs on one line', () => {
  const source = `x = "${'@'.repeat(200_000)}"\n  @bp.route(\n`;
  assert.deepEqual(Array.from(matchesAtLineStarts(source, '@', /[ \t]*@\w+\.route\(/y), (m) => m.index), [source.indexOf('\n') + 1]);
});
