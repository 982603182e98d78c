// The one adapter over the Python parser (pyright's, pinned): source text in, syntax tree and errors out.
// Nothing else in massassign imports the parser package. It is loaded on the first parse, so a scan answered
// from the cache (or with nothing to parse) never pays for loading it.
import { createRequire } from 'node:module';
import type * as ParserModule from '@zzzen/pyright-internal/dist/parser/parser.js';
import type * as SinkModule from '@zzzen/pyright-internal/dist/common/diagnosticSink.js';
import type * as VersionModule from '@zzzen/pyright-internal/dist/common/pythonVersion.js';
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

interface Loaded {
  Parser: typeof ParserModule.Parser;
  DiagnosticSink: typeof SinkModule.DiagnosticSink;
  options: ParserModule.ParseOptions;
}

let loaded: Loaded | undefined;

function parser(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const { Parser, ParseOptions } = require('@zzzen/pyright-internal/dist/parser/parser.js') as typeof ParserModule;
  const { DiagnosticSink } = require('@zzzen/pyright-internal/dist/common/diagnosticSink.js') as typeof SinkModule;
  const { pythonVersion3_13 } = require('@zzzen/pyright-internal/dist/common/pythonVersion.js') as typeof VersionModule;
  const options = new ParseOptions();
  options.pythonVersion = pythonVersion3_13;
  options.reportErrorsForParsedStringContents = false;
  loaded = { Parser, DiagnosticSink, options };
  return loaded;
}

/**
 * Parses a whole file. Never throws on bad syntax: the tree is error-tolerant and the problems are listed.
 * pyright reads `# type:` comments as annotations, CPython ignores them: a file whose only errors come
 * from such comments is parsed again with them blanked, so what CPython accepts is never an error.
 */
export function parsePython(source: string): ParsedPython {
  const first = parseOnce(source);
  if (first.syntaxErrors.length === 0) return first.parsed;
  const blanked = blankTypeComments(source, first.typeComments());
  return blanked === source ? first.parsed : parseOnce(blanked).parsed;
}

/**
 * pyright hashes each text it parses, for its own caches, unless handed the hash. Nothing here reads it, and the
 * hash is a pass over every character of each of the scan's ten thousand parses.
 */
const UNUSED_FINGERPRINT = { primary: 0, secondary: 0 };

/** A parse, its errors, and its `# type:` comments (read only when there are errors: a pass over every token). */
interface OneParse {
  parsed: ParsedPython;
  syntaxErrors: SyntaxProblem[];
  typeComments: () => TextRange[];
}

function parseOnce(source: string): OneParse {
  const { Parser, DiagnosticSink, options } = parser();
  const diagnostics = new DiagnosticSink();
  const result = new Parser().parseSourceFile(source, options, diagnostics, UNUSED_FINGERPRINT);
  const syntaxErrors = diagnostics.fetchAndClear()
    .filter((d) => d.category === 0 /* DiagnosticCategory.Error */)
    .map((d) => ({ offset: offsetOf(result.tokenizerOutput.lines, d.range.start.line, d.range.start.character), message: d.message }));
  const tokens = result.tokenizerOutput.tokens;
  const parsed = { tree: result.parserOutput.parseTree, syntaxErrors };
  return { parsed, syntaxErrors, typeComments: () => typeComments(tokens) };
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
