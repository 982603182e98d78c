// Text-level helpers the fixes edit with: offsets from 1-based positions, a call's top-level arguments,
// a line's indentation, and a module constant inserted once after the imports.
import { stringLiteralEnd } from '../python/string-literal.js';
import type { TextEdit } from '../result.js';

/** The offset of a 1-based line and column. */
export function offsetAt(lineStarts: readonly number[], line: number, column: number): number {
  return lineStarts[line - 1]! + column - 1;
}

/** A zero-width edit that inserts `text` at the start of `line`. */
export function insertAtLine(path: string, line: number, text: string): TextEdit {
  return { path, line, column: 1, endLine: line, endColumn: 1, text };
}

/** The edit replacing `[start, end)` of `source` (offsets) with `text`. */
export function replaceSpan(path: string, lineStarts: readonly number[], start: number, end: number, text: string): TextEdit {
  const from = lineColumn(lineStarts, start);
  const to = lineColumn(lineStarts, end);
  return { path, line: from.line, column: from.column, endLine: to.line, endColumn: to.column, text };
}

function lineColumn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let line = lineStarts.length;
  while (line > 1 && lineStarts[line - 1]! > offset) line -= 1;
  return { line, column: offset - lineStarts[line - 1]! + 1 };
}

export interface Argument {
  start: number;
  end: number;
  text: string;
}

/**
 * The top-level arguments of the call whose text starts at `start` (the first `(` after it opens the call
 * when `open` is not given), skipping strings and nested brackets; undefined when the brackets do not close.
 */
export function callArguments(source: string, start: number, open = source.indexOf('(', start)): Argument[] | undefined {
  if (open < 0) return undefined;
  const args: Argument[] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '"' || ch === "'") {
      const end = stringLiteralEnd(source, i);
      if (end < 0) return undefined;
      i = end - 1;
      continue;
    }
    if (ch === '#') {
      i = source.indexOf('\n', i);
      if (i < 0) return undefined;
      continue;
    }
    if ('([{'.includes(ch)) depth += 1;
    else if (')]}'.includes(ch)) {
      depth -= 1;
      if (depth === 0) {
        pushArgument(source, args, argStart, i);
        return args;
      }
    } else if (ch === ',' && depth === 1) {
      pushArgument(source, args, argStart, i);
      argStart = i + 1;
    }
  }
  return undefined;
}

function pushArgument(source: string, args: Argument[], from: number, to: number): void {
  const raw = source.slice(from, to);
  const text = raw.trim();
  if (text === '') return;
  const start = from + raw.indexOf(text);
  args.push({ start, end: start + text.length, text });
}

/** The whitespace a line starts with. */
export function indentOf(source: string, lineStarts: readonly number[], line: number): string {
  const start = lineStarts[line - 1]!;
  return /^[ \t]*/.exec(source.slice(start, start + 200))![0];
}

/** `ServiceConfig` -> `SERVICE_CONFIG_CLIENT_FIELDS`: the constant a fix names the fields a client may write. */
export function allowlistName(model: string): string {
  return `${model.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_CLIENT_FIELDS`;
}

/** `{"a", "b"}`: a Python set literal of the names, in order. */
export function pythonSet(names: readonly string[]): string {
  return `{${names.map((name) => JSON.stringify(name)).join(', ')}}`;
}

/**
 * The edit that defines `NAME = {...}` once, after the module's top-level imports (or its opening comments);
 * none when the module already assigns that name at top level, so a second fix adds nothing.
 */
export function constantEdit(path: string, source: string, name: string, names: readonly string[]): TextEdit[] {
  if (new RegExp(`^${name}\\s*=`, 'm').test(source)) return [];
  const lines = source.split('\n');
  let after = 0; // insert before line `after + 1` (1-based)
  let open = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (open > 0) {
      open += bracketBalance(line);
      if (open <= 0) after = i + 1;
      continue;
    }
    if (/^(import|from)\s/.test(line)) {
      open = Math.max(0, bracketBalance(line));
      if (open === 0) after = i + 1;
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const docstring = /^[rRuU]?("""|''')/.exec(line);
    if (docstring && after === 0) {
      // the module docstring: skip to its closing quotes, and put nothing above it
      let end = i;
      if (!line.slice(docstring[0].length).includes(docstring[1]!)) while (end + 1 < lines.length && !lines[++end]!.includes(docstring[1]!));
      i = end;
      after = end + 1;
      continue;
    }
    break;
  }
  if (after === 0) {
    // no imports: after the opening comment block
    while (after < lines.length && lines[after]!.startsWith('#')) after += 1;
  }
  return [insertAtLine(path, after + 1, `\n${name} = ${pythonSet(names)}\n`)];
}

function bracketBalance(line: string): number {
  return (line.match(/\(/g)?.length ?? 0) - (line.match(/\)/g)?.length ?? 0);
}

/** `data` -> `{key: value for key, value in data.items() if key in NAME}` (parenthesised when the expression needs it). */
export function filteredMapping(expression: string, name: string): string {
  const simple = /^[\w.]+(\([^()]*\))?$/.test(expression) || /^[\w.]+\[[^\]]*\]$/.test(expression);
  const mapping = simple ? expression : `(${expression})`;
  return `{key: value for key, value in ${mapping}.items() if key in ${name}}`;
}

/** The offset (in `text`) of the `(` opening the outermost-last call: the one whose `)` ends the text. */
export function lastCallOpen(text: string): number {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) return -1;
  let depth = 0;
  for (let i = trimmed.length - 1; i >= 0; i--) {
    const ch = trimmed[i]!;
    if (ch === ')') depth += 1;
    else if (ch === '(') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}
