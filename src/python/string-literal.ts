// Where a Python string literal ends in source text, for the readers that go by text alone (the skim that defers
// function bodies, the fixes that find a call's arguments).

const BACKSLASH = 0x5c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The offset just past the string literal whose opening quote is at `at` (any prefix is already read), triple
 * quotes too; an unterminated one-line string ends at its line break; -1 when the string runs to the end of the
 * text.
 */
export function stringLiteralEnd(source: string, at: number): number {
  const quote = source.charCodeAt(at);
  const n = source.length;
  const triple = source.charCodeAt(at + 1) === quote && source.charCodeAt(at + 2) === quote;
  let i = at + (triple ? 3 : 1);
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === BACKSLASH) {
      i += 2;
    } else if (c === quote) {
      if (!triple) return i + 1;
      if (source.charCodeAt(i + 1) === quote && source.charCodeAt(i + 2) === quote) return i + 3;
      i++;
    } else if (!triple && (c === LF || c === CR)) {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}
