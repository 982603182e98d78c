// One file's source to its lowered IR and the problems to report, as plain data: the same on the main thread,
// in a worker and in the cache. The parse tree is let go as soon as the file is lowered.
import type { Stmt } from '../python/ir.js';
import { lowerModule } from '../python/lower.js';
import { parsePython } from '../python/parse.js';
import { lineStartsOf, positionOf } from '../python/positions.js';

export interface LoweredFile {
  /** Undefined when the file could not be parsed or lowered at all. */
  body: Stmt[] | undefined;
  /** One line each: syntax errors (the rest of the file is still analysed) or why there is no body. */
  problems: string[];
}

export function lowerFile(source: string): LoweredFile {
  const problems: string[] = [];
  let parsed;
  try {
    parsed = parsePython(source);
  } catch (error) {
    return { body: undefined, problems: [describeFailure(error, 'cannot parse')] };
  }
  const first = parsed.syntaxErrors[0];
  if (first) {
    const at = positionOf(lineStartsOf(source), first.offset);
    const more = parsed.syntaxErrors.length > 1 ? ` (and ${parsed.syntaxErrors.length - 1} more)` : '';
    problems.push(`syntax error at line ${at.line}, column ${at.column}: ${first.message}${more}; the rest of the file was analysed`);
  }
  try {
    return { body: lowerModule(parsed.tree), problems };
  } catch (error) {
    return { body: undefined, problems: [...problems, describeFailure(error, 'cannot analyse')] };
  }
}

function describeFailure(error: unknown, what: string): string {
  return error instanceof RangeError ? 'nesting too deep to analyse' : `${what}: ${error instanceof Error ? error.message : String(error)}`;
}
