// One file's source to its lowered IR and the problems to report, as plain data: the same on the main thread,
// in a worker and in the cache. The parse tree is let go as soon as the file is lowered. Function bodies that
// python/skim.ts finds are left unparsed in that IR; withDeferredBodies makes them parse on first read.
import type { FunctionDef, Stmt } from '../python/ir.js';
import { lowerFunctionBody, lowerModule, sameOffset, type Place } from '../python/lower.js';
import { parsePython, type ModuleNode } from '../python/parse.js';
import { lineStartsOf, positionOf } from '../python/positions.js';
import { deferredBodies, outlineOf } from '../python/skim.js';
import { childBodies } from '../semantic/project.js';

export interface LoweredFile {
  /** Undefined when the file could not be parsed or lowered at all. */
  body: Stmt[] | undefined;
  /** One line each: syntax errors (the rest of the file is still analysed) or why there is no body. */
  problems: string[];
}

export function lowerFile(source: string): LoweredFile {
  const deferred = deferredBodies(source);
  if (deferred.length > 0) {
    // the outline is only trusted when it parses cleanly: anything else is parsed whole
    const outline = outlineOf(source, deferred);
    const lowered = parseAndLower(outline.text, source, outline.place, (tree) => lowerModule(tree, deferred, outline.place));
    if (lowered.body && lowered.problems.length === 0) return lowered;
  }
  return parseAndLower(source, source, sameOffset, (tree) => lowerModule(tree));
}

/**
 * Parses `text` (the file's own, its outline or a part of it, placed in `source` by `place`) and lowers its tree,
 * with the syntax errors placed in `source`.
 */
function parseAndLower(text: string, source: string, place: Place, lower: (tree: ModuleNode) => Stmt[]): LoweredFile {
  const problems: string[] = [];
  let parsed;
  try {
    parsed = parsePython(text);
  } catch (error) {
    return { body: undefined, problems: [describeFailure(error, 'cannot parse')] };
  }
  const first = parsed.syntaxErrors[0];
  if (first) {
    const at = positionOf(lineStartsOf(source), Math.max(0, place(first.offset)));
    const more = parsed.syntaxErrors.length > 1 ? ` (and ${parsed.syntaxErrors.length - 1} more)` : '';
    problems.push(`syntax error at line ${at.line}, column ${at.column}: ${first.message}${more}; the rest of the file was analysed`);
  }
  try {
    return { body: lower(parsed.tree), problems };
  } catch (error) {
    return { body: undefined, problems: [...problems, describeFailure(error, 'cannot analyse')] };
  }
}

function describeFailure(error: unknown, what: string): string {
  return error instanceof RangeError ? 'nesting too deep to analyse' : `${what}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A lowered file's IR, its deferred functions made live in place: each parses its body on first read and hands
 * that parse's problems to `report`. Deferred functions sit in module and class bodies (and the statements
 * around them), never in another function.
 */
export function withDeferredBodies(body: Stmt[], source: string, report: (message: string) => void): Stmt[] {
  for (const stmt of body) {
    if (stmt.t === 'def') {
      if (stmt.fn.deferredFrom !== undefined) stmt.fn = new DeferredFunction(stmt.fn, source, report);
    } else if (stmt.t === 'class') {
      withDeferredBodies(stmt.cls.body, source, report);
    } else {
      for (const child of childBodies(stmt)) withDeferredBodies(child, source, report);
    }
  }
  return body;
}

/** A function whose body is parsed (its own text, as the body of a `def`) when it is first read. */
class DeferredFunction implements FunctionDef {
  readonly name: string;
  readonly nameOffset: number;
  readonly params: FunctionDef['params'];
  readonly decorators: FunctionDef['decorators'];
  deferredFrom: number | undefined;
  readonly isAsync: boolean;
  readonly returns: FunctionDef['returns'];
  readonly s: number;
  readonly e: number;
  #body: Stmt[] | undefined;
  readonly #source: string;
  readonly #report: (message: string) => void;

  constructor(lowered: FunctionDef, source: string, report: (message: string) => void) {
    this.name = lowered.name;
    this.nameOffset = lowered.nameOffset;
    this.params = lowered.params;
    this.decorators = lowered.decorators;
    this.deferredFrom = lowered.deferredFrom;
    this.isAsync = lowered.isAsync;
    this.returns = lowered.returns;
    this.s = lowered.s;
    this.e = lowered.e;
    this.#source = source;
    this.#report = report;
  }

  get body(): Stmt[] {
    if (this.#body) return this.#body;
    const header = this.isAsync ? 'async def _():\n' : 'def _():\n';
    const from = this.deferredFrom!;
    const place = (offset: number) => offset + from - header.length;
    const lowered = parseAndLower(header + this.#source.slice(from, this.e), this.#source, place, (tree) => lowerFunctionBody(tree, place));
    for (const message of lowered.problems) this.#report(message);
    this.#body = lowered.body ?? [];
    this.deferredFrom = undefined;
    return this.#body;
  }
}
