// Finds, without parsing, the bodies of functions that can be parsed later: a `def` outside any other `def`
// whose body starts on its own line and defines nothing (no nested `def` or `class`). Reads only strings,
// comments, brackets, line joins and indentation. A file it cannot read that way (tabs or form feeds in
// indentation, a bracket or string still open at its end) gets no deferred bodies.
import { stringLiteralEnd } from './string-literal.js';

/** A function body left unparsed: from the start of its first line to the end of its last code. */
export interface DeferredBody {
  /** Offset of the function's name: how the parse of the rest of the file finds the function. */
  nameOffset: number;
  /** Offset of the start of the body's first line. */
  from: number;
  /** Offset just past the body's last code character (where the parser ends the function). */
  to: number;
}

/** Bodies shorter than this are parsed with the file: parsing one on its own has a cost of its own. */
const MIN_DEFERRED_CHARS = 160;

const SPACE = 0x20;
const TAB = 0x09;
const FORM_FEED = 0x0c;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

interface OpenDef {
  indent: number;
  nameOffset: number;
  /** Whether its body is on later lines and so far defines nothing. */
  deferrable: boolean;
  from: number;
}

export function deferredBodies(source: string): DeferredBody[] {
  const out: DeferredBody[] = [];
  const n = source.length;
  let open: OpenDef | undefined;
  /** A `def` header whose logical line is not finished yet. */
  let header: { indent: number; nameOffset: number } | undefined;
  let depth = 0;
  let lastCodeEnd = 0;
  let lastCode = 0;
  let i = 0;
  let lineStart = true;

  const close = () => {
    if (open?.deferrable && open.from >= 0 && lastCodeEnd - open.from >= MIN_DEFERRED_CHARS) out.push({ nameOffset: open.nameOffset, from: open.from, to: lastCodeEnd });
    open = undefined;
  };

  while (i < n) {
    if (lineStart) {
      lineStart = false;
      const start = i;
      while (i < n && source.charCodeAt(i) === SPACE) i++;
      const c = source.charCodeAt(i);
      if (c === TAB || c === FORM_FEED) return [];
      if (i >= n || c === LF || c === CR || c === HASH) {
        lineStart = skipToNextLine();
        continue;
      }
      const indent = i - start;
      if (open && indent <= open.indent) close();
      const keyword = defKeyword(source, i);
      if (open) {
        if (open.from < 0) open.from = start;
        if (keyword) open.deferrable = false;
      } else if (keyword === 'def') {
        header = { indent, nameOffset: nameAfterDef(source, i) };
      }
    }
    const c = source.charCodeAt(i);
    if (c === LF || c === CR) {
      i += c === CR && source.charCodeAt(i + 1) === LF ? 2 : 1;
      if (depth > 0) continue;
      if (header) {
        // a header that ends in `:` has its body on the lines after
        open = { indent: header.indent, nameOffset: header.nameOffset, deferrable: lastCode === COLON, from: -1 };
        header = undefined;
      }
      lineStart = true;
    } else if (c === SPACE || c === TAB || c === FORM_FEED) {
      i++;
    } else if (c === HASH) {
      while (i < n && source.charCodeAt(i) !== LF && source.charCodeAt(i) !== CR) i++;
    } else if (c === BACKSLASH) {
      // a line join: the logical line goes on
      i++;
      if (source.charCodeAt(i) === CR) i++;
      if (source.charCodeAt(i) === LF) i++;
    } else if (c === 0x22 || c === 0x27) {
      i = stringLiteralEnd(source, i);
      // a string that runs to the end of the file: where the bodies end is not to be trusted
      if (i < 0) return [];
      lastCodeEnd = i;
      lastCode = c;
    } else {
      if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
      else if ((c === 0x29 || c === 0x5d || c === 0x7d) && depth > 0) depth--;
      i++;
      lastCodeEnd = i;
      lastCode = c;
    }
  }
  close();
  // a bracket still open at the end: nor is that
  return depth === 0 ? out : [];

  function skipToNextLine(): boolean {
    while (i < n && source.charCodeAt(i) !== LF && source.charCodeAt(i) !== CR) i++;
    if (i >= n) return false;
    i += source.charCodeAt(i) === CR && source.charCodeAt(i + 1) === LF ? 2 : 1;
    return true;
  }
}

/** `def` or `async def` (a function), `class`, or nothing, at a logical line's first character. */
function defKeyword(source: string, at: number): 'def' | 'class' | undefined {
  if (startsWord(source, at, 'def')) return 'def';
  if (startsWord(source, at, 'class')) return 'class';
  if (startsWord(source, at, 'async')) {
    let k = at + 5;
    while (source.charCodeAt(k) === SPACE || source.charCodeAt(k) === TAB) k++;
    if (startsWord(source, k, 'def')) return 'def';
  }
  return undefined;
}

function startsWord(source: string, at: number, word: string): boolean {
  if (!source.startsWith(word, at)) return false;
  const next = source.charCodeAt(at + word.length);
  return next === SPACE || next === TAB || next === BACKSLASH;
}

function nameAfterDef(source: string, at: number): number {
  let k = source.indexOf('def', at) + 3;
  while (source.charCodeAt(k) === SPACE || source.charCodeAt(k) === TAB || source.charCodeAt(k) === BACKSLASH || source.charCodeAt(k) === LF || source.charCodeAt(k) === CR) k++;
  return k;
}

/** A file's text with its deferred bodies cut out, and where each of its offsets is in the file. */
export interface Outline {
  text: string;
  place: (offset: number) => number;
}

/**
 * The source with each deferred body cut down to `0` on its first line: the parser sees a one-statement body,
 * and `place` maps an offset in the outline back to the file.
 */
export function outlineOf(source: string, bodies: DeferredBody[]): Outline {
  const parts: string[] = [];
  /** For each cut, its offset in the outline and the characters cut up to and with it. */
  const cutAt: number[] = [];
  const cutBefore: number[] = [];
  let at = 0;
  let removed = 0;
  for (const body of bodies) {
    let first = body.from;
    while (source.charCodeAt(first) === SPACE) first++;
    parts.push(source.slice(at, first), '0');
    cutAt.push(first + 1 - removed);
    removed += body.to - first - 1;
    cutBefore.push(removed);
    at = body.to;
  }
  parts.push(source.slice(at));
  const place = (offset: number): number => {
    let low = 0;
    let high = cutAt.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cutAt[mid]! <= offset) low = mid + 1;
      else high = mid;
    }
    return low === 0 ? offset : offset + cutBefore[low - 1]!;
  };
  return { text: parts.join(''), place };
}
