// Matches of a line-anchored pattern, tried only at the starts of the lines that hold a keyword. A `^` under the
// `m` flag is tried by the regular expression engine at every character of a text; this finds the same matches
// at the few lines a search for the keyword finds (on the real-apps corpus the entry-code test takes half the
// time it took with `^`, the import reader two thirds).

/** A line terminator of JavaScript's `m` flag, which the line-anchored patterns this replaces were written with. */
function isLineEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * Each match of `sticky` (a `y` expression, tried where a line starts), in order and not overlapping, at the lines
 * that hold `keyword`: what the `gm` expression `^` + `sticky` finds, when no match can start on a line without it.
 */
export function* matchesAtLineStarts(source: string, keyword: string, sticky: RegExp): Generator<RegExpExecArray> {
  let tried = -1;
  let end = 0;
  // the line start of the last keyword, and where that was: each character is looked back at once
  let start = 0;
  let scanned = 0;
  for (let at = source.indexOf(keyword); at >= 0; at = source.indexOf(keyword, at + keyword.length)) {
    for (let i = at; i > scanned; i--) {
      if (isLineEnd(source.charCodeAt(i - 1))) {
        start = i;
        break;
      }
    }
    scanned = at;
    if (start === tried || start < end) continue;
    tried = start;
    sticky.lastIndex = start;
    const match = sticky.exec(source);
    if (!match) continue;
    end = sticky.lastIndex;
    yield match;
  }
}

/** Whether `sticky` matches at the start of some line that holds `keyword`. */
export function matchesAtSomeLineStart(source: string, keyword: string, sticky: RegExp): boolean {
  return !matchesAtLineStarts(source, keyword, sticky).next().done;
}
