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

/** Parses a whole file. Never throws on bad syntax: the tree is error-tolerant and the problems are listed. */
export function parsePython(source: string): ParsedPython {
  const diagnostics = new DiagnosticSink();
  const result = new Parser().parseSourceFile(source, options, diagnostics);
  const syntaxErrors = diagnostics.fetchAndClear()
    .filter((d) => d.category === 0 /* DiagnosticCategory.Error */)
    .map((d) => ({ offset: offsetOf(result.tokenizerOutput.lines, d.range.start.line, d.range.start.character), message: d.message }));
  return { tree: result.parserOutput.parseTree, syntaxErrors };
}

function offsetOf(lines: { getItemAt(i: number): { start: number }; count: number }, line: number, character: number): number {
  return line < lines.count ? lines.getItemAt(line).start + character : 0;
}
