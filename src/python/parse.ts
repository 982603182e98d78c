// The one adapter over the Python parser (pyright's, pinned): source text in, syntax tree and errors out.
// Nothing else in massassign imports the parser package.
import { Parser, ParseOptions } from '@zzzen/pyright-internal/dist/parser/parser.js';
import { DiagnosticSink } from '@zzzen/pyright-internal/dist/common/diagnosticSink.js';
import { pythonVersion3_13 } from '@zzzen/pyright-internal/dist/common/pythonVersion.js';
import type { ModuleNode } from '@zzzen/pyright-internal/dist/parser/parseNodes.js';

export type { ModuleNode };

export interface SyntaxProblem {
  /** UTF-16 offset of the problem in the source. */
  offset: number;
  message: string;
}

export interface ParsedPython {
  tree: ModuleNode;
  syntaxErrors: SyntaxProblem[];
}

const options = new ParseOptions();
options.pythonVersion = pythonVersion3_13;
options.reportErrorsForParsedStringContents = false;

/**
 * Parses a whole file. Never throws on bad syntax: the tree is error-tolerant and the problems are listed.
 * pyright reads `# type:` comments as annotations, CPython ignores them: a file whose only errors come
 * from such comments is parsed again with them blanked, so what CPython accepts is never an error.
 */
export function parsePython(source: string): ParsedPython {
  const first = parseOnce(source);
  if (first.syntaxErrors.length === 0) return first.parsed;
  const blanked = blankTypeComments(source, first.typeComments);
  return blanked === source ? first.parsed : parseOnce(blanked).parsed;
}

function parseOnce(source: string): { parsed: ParsedPython; syntaxErrors: SyntaxProblem[]; typeComments: TextRange[] } {
  const diagnostics = new DiagnosticSink();
  const result = new Parser().parseSourceFile(source, options, diagnostics);
  const syntaxErrors = diagnostics.fetchAndClear()
    .filter((d) => d.category === 0 /* DiagnosticCategory.Error */)
    .map((d) => ({ offset: offsetOf(result.tokenizerOutput.lines, d.range.start.line, d.range.start.character), message: d.message }));
  return { parsed: { tree: result.parserOutput.parseTree, syntaxErrors }, syntaxErrors, typeComments: typeComments(result.tokenizerOutput.tokens) };
}

interface TextRange {
  start: number;
  length: number;
}

interface Tokens {
  count: number;
  getItemAt(i: number): { comments?: readonly (TextRange & { value: string })[] };
}

function typeComments(tokens: Tokens): TextRange[] {
  const out: TextRange[] = [];
  for (let i = 0; i < tokens.count; i++) for (const c of tokens.getItemAt(i).comments ?? []) if (/^\s*type:/.test(c.value)) out.push(c);
  return out;
}

/** The source with each comment's text replaced by spaces (offsets unchanged). */
function blankTypeComments(source: string, comments: TextRange[]): string {
  let out = source;
  for (const c of comments) out = out.slice(0, c.start) + ' '.repeat(c.length) + out.slice(c.start + c.length);
  return out;
}

function offsetOf(lines: { getItemAt(i: number): { start: number }; count: number }, line: number, character: number): number {
  return line < lines.count ? lines.getItemAt(line).start + character : 0;
}
