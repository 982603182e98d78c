// scan(options): find the Python files, summarise each, analyse the project, and build the ScanResult.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from './analysis/analyze.js';
import { findPythonFiles, moduleNameOf } from './files.js';
import type { ModuleIR } from './python/ir.js';
import { lowerModule } from './python/lower.js';
import { parsePython } from './python/parse.js';
import { lineStartsOf, positionOf } from './python/positions.js';
import type { ScanError, ScanResult } from './result.js';

export interface ScanOptions {
  /** Folder or single file to scan. */
  path: string;
  /** Globs (relative to the root) of files to skip, on top of .gitignore and the built-in skips. */
  exclude?: string[];
  /** Globs of files to scan; when given, only matching files are read. */
  include?: string[];
  /** Extra field names to treat as sensitive. */
  sensitive?: string[];
  /** Field names never to treat as sensitive. */
  notSensitive?: string[];
  /** Extra request sources, by qualified name (`myapp.util.payload`): calls return every key the caller sends. */
  extraSources?: string[];
  /** Extra key-bounding sanitizers, by qualified name: calls return their argument with no caller keys. */
  extraSanitizers?: string[];
  /** Extra decorators, by qualified name, that authenticate by API key. */
  apiKeyDecorators?: string[];
  /** Called as files are read, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export class ScanPathError extends Error {}

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const target = resolve(options.path);
  let isFile: boolean;
  try {
    isFile = statSync(target).isFile();
  } catch {
    throw new ScanPathError(`no such file or directory: ${options.path}`);
  }
  const root = isFile ? dirname(target) : target;
  const files = isFile ? [basename(target)] : findPythonFiles(root, options);
  const errors: ScanError[] = [];
  const modules: ModuleIR[] = [];
  let bytes = 0;
  files.forEach((path, index) => {
    const module = readModule(root, path, errors);
    if (module) {
      modules.push(module);
      bytes += module.source.length;
    }
    options.onProgress?.(index + 1, files.length);
  });
  const analysis = analyze(modules, options);
  return {
    version: 1,
    root,
    findings: analysis.findings,
    errors,
    stats: { files: files.length, bytes, seconds: Math.round(performance.now() - started) / 1000 },
    routes: analysis.routes,
    models: analysis.models,
    files,
  };
}

/** Reads, parses and lowers one file; a file that cannot be read or parsed is reported and skipped or kept partial. */
function readModule(root: string, path: string, errors: ScanError[]): ModuleIR | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(join(root, path));
  } catch (error) {
    errors.push({ path, message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    return undefined;
  }
  if (buffer.includes(0)) {
    errors.push({ path, message: 'binary file, not Python source' });
    return undefined;
  }
  const source = buffer.toString('utf8').replace(/^\uFEFF/, '');
  const lineStarts = lineStartsOf(source);
  try {
    const parsed = parsePython(source);
    const first = parsed.syntaxErrors[0];
    if (first) {
      const at = positionOf(lineStarts, first.offset);
      const more = parsed.syntaxErrors.length > 1 ? ` (and ${parsed.syntaxErrors.length - 1} more)` : '';
      errors.push({ path, message: `syntax error at line ${at.line}, column ${at.column}: ${first.message}${more}; the rest of the file was analysed` });
    }
    const { name, isPackage } = moduleNameOf(path);
    return { path, name, isPackage, source, lineStarts, body: lowerModule(parsed.tree) };
  } catch (error) {
    const message = error instanceof RangeError ? 'nesting too deep to analyse' : `cannot parse: ${error instanceof Error ? error.message : String(error)}`;
    errors.push({ path, message });
    return undefined;
  }
}
