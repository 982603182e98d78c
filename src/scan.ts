// scan(options): find the Python files, summarise each, analyse the project, and build the ScanResult.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from './analysis/analyze.js';
import { findPythonFiles, moduleNameOf } from './files.js';
import type { ModuleIR, Stmt } from './python/ir.js';
import { lowerModule } from './python/lower.js';
import { parsePython, type ParsedPython } from './python/parse.js';
import { entryPattern } from './frameworks/flask/request.js';
import { childBodies } from './semantic/project.js';
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
  /** Extra sinks, by qualified name: calls copy every key of a mapping argument onto their first argument. */
  extraSinks?: string[];
  /** Extra decorators, by qualified name, that authenticate by API key. */
  apiKeyDecorators?: string[];
  /** Called as files are read, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Called as functions are analysed, after reading, for a progress bar. */
  onAnalysisProgress?: (done: number, total: number) => void;
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
  const entry = entryPattern(options.extraSources ?? []);
  // Like Semgrep's prefilter: Flask entry code (it reads the request, declares routes) is parsed now;
  // any other module only when the analysis first resolves a name into it, so a file no entry code
  // reaches through imports is read but never parsed.
  const modules: ModuleIR[] = [];
  let bytes = 0;
  files.forEach((path, index) => {
    const source = readSource(root, path, errors);
    if (source !== undefined) {
      bytes += source.length;
      const module = entry.test(source) ? lowerNow(path, source, errors) : lowerLater(path, source, errors);
      if (module) modules.push(module);
    }
    options.onProgress?.(index + 1, files.length);
  });
  const analysis = analyze(modules, options, errors);
  return {
    version: 1,
    root,
    findings: analysis.findings,
    errors: errors.sort((x, y) => x.path.localeCompare(y.path)),
    stats: { files: files.length, bytes, seconds: Math.round(performance.now() - started) / 1000 },
    routes: analysis.routes,
    models: analysis.models,
    files,
  };
}


function readSource(root: string, path: string, errors: ScanError[]): string | undefined {
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
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}

/** Parses one file; syntax errors are reported (once) and the error-tolerant tree is still used. */
function parseModule(path: string, source: string, errors: ScanError[]): ParsedPython | undefined {
  try {
    const parsed = parsePython(source);
    const first = parsed.syntaxErrors[0];
    if (first) {
      const at = positionOf(lineStartsOf(source), first.offset);
      const more = parsed.syntaxErrors.length > 1 ? ` (and ${parsed.syntaxErrors.length - 1} more)` : '';
      errors.push({ path, message: `syntax error at line ${at.line}, column ${at.column}: ${first.message}${more}; the rest of the file was analysed` });
    }
    return parsed;
  } catch (error) {
    errors.push({ path, message: describeFailure(error, 'cannot parse') });
    return undefined;
  }
}

/** An entry module: parsed and lowered whole, now. */
function lowerNow(path: string, source: string, errors: ScanError[]): ModuleIR | undefined {
  const parsed = parseModule(path, source, errors);
  if (!parsed) return undefined;
  try {
    return { path, ...moduleNameOf(path), source, lineStarts: lineStartsOf(source), body: lowerModule(parsed.tree), entry: true };
  } catch (error) {
    errors.push({ path, message: describeFailure(error, 'cannot analyse') });
    return undefined;
  }
}

/** Any other module: parsed when its body is first read, with function bodies lowered on demand too. */
function lowerLater(path: string, source: string, errors: ScanError[]): ModuleIR {
  let body: Stmt[] | undefined;
  let lineStarts: number[] | undefined;
  const module = { path, ...moduleNameOf(path), source, entry: false } as ModuleIR;
  Object.defineProperties(module, {
    body: { enumerable: true, get: () => (body ??= lowerDeferred(path, source, errors)) },
    lineStarts: { enumerable: true, get: () => (lineStarts ??= lineStartsOf(source)) },
  });
  return module;
}

function lowerDeferred(path: string, source: string, errors: ScanError[]): Stmt[] {
  const parsed = parseModule(path, source, errors);
  if (!parsed) return [];
  try {
    return lowerModule(parsed.tree, bodiesOnDemand(source));
  } catch (error) {
    errors.push({ path, message: describeFailure(error, 'cannot analyse') });
    return [];
  }
}

/** Function bodies of a module, parsed again and lowered together the first time one is asked for. */
function bodiesOnDemand(source: string): (functionStart: number) => Stmt[] {
  let bodies: Map<number, Stmt[]> | undefined;
  return (functionStart) => {
    if (!bodies) {
      bodies = new Map();
      collectBodies(lowerModule(parsePython(source).tree), bodies);
    }
    return bodies.get(functionStart) ?? [];
  };
}

function collectBodies(body: Stmt[], out: Map<number, Stmt[]>): void {
  for (const stmt of body) {
    if (stmt.t === 'def') {
      out.set(stmt.fn.s, stmt.fn.body);
      collectBodies(stmt.fn.body, out);
    } else if (stmt.t === 'class') {
      collectBodies(stmt.cls.body, out);
    } else {
      for (const child of childBodies(stmt)) collectBodies(child, out);
    }
  }
}

function describeFailure(error: unknown, what: string): string {
  return error instanceof RangeError ? 'nesting too deep to analyse' : `${what}: ${error instanceof Error ? error.message : String(error)}`;
}
