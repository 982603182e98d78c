// scan(options): find the Python files, summarise each, analyse the project, and build the ScanResult.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyze } from './analysis/analyze.js';
import { findPythonFiles, moduleNameOf } from './files.js';
import type { ModuleIR, Stmt } from './python/ir.js';
import { lowerModule } from './python/lower.js';
import { parsePython, type ParsedPython } from './python/parse.js';
import { FLASK_ENTRY_TEXT } from './frameworks/flask/request.js';
import { childBodies, resolveModuleName } from './semantic/project.js';
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
  const entry = entryText(options.extraSources ?? []);
  const sources = new Map<string, { path: string; source: string; isPackage: boolean; entry: boolean }>();
  let bytes = 0;
  files.forEach((path, index) => {
    const source = readSource(root, path, errors);
    if (source !== undefined) {
      bytes += source.length;
      const { name, isPackage } = moduleNameOf(path);
      sources.set(name, { path, source, isPackage, entry: entry.test(source) });
    }
    options.onProgress?.(index + 1, files.length);
  });
  const wanted = importClosure(sources);
  const modules: ModuleIR[] = [];
  for (const [name, file] of sources) {
    const parsed = parseModule(file.path, file.source, errors);
    const module = parsed && wanted.has(name) ? lower(file.path, name, file.isPackage, file.source, parsed, errors, file.entry) : undefined;
    if (module) modules.push(module);
  }
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

function entryText(extraSources: readonly string[]): RegExp {
  if (extraSources.length === 0) return FLASK_ENTRY_TEXT;
  const names = extraSources.map((q) => q.slice(q.lastIndexOf('.') + 1).replace(/[^\w]/g, ''));
  return new RegExp(`${FLASK_ENTRY_TEXT.source}|\\b(${names.join('|')})\\b`, 'm');
}

/**
 * The entry modules and every module they import (and its packages), transitively: code outside that
 * closure cannot be reached from a request by name resolution, so it is parsed (for errors) but not analysed.
 */
function importClosure(files: Map<string, { source: string; isPackage: boolean; entry: boolean }>): Set<string> {
  const names = new Map([...files.keys()].map((k) => [k, k]));
  const closure = new Set<string>();
  const queue = [...files].filter(([, f]) => f.entry).map(([name]) => name);
  for (const name of queue) closure.add(name);
  while (queue.length > 0) {
    const name = queue.pop()!;
    const from = { name, isPackage: files.get(name)!.isPackage };
    for (const imp of importsIn(files.get(name)!.source)) {
      for (const target of [imp.module, ...imp.names.map((n) => `${imp.module}${imp.module.endsWith('.') ? '' : '.'}${n}`)]) {
        const found = resolveModuleName(names, from, target);
        for (const module of found ? withPackages(found) : []) {
          if (files.has(module) && !closure.has(module)) {
            closure.add(module);
            queue.push(module);
          }
        }
      }
    }
  }
  return closure;
}

const IMPORT_LINE = /^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]+))/gm;

/** The imports a module's text names, read with a pattern rather than the parser (over-approximating is fine). */
function importsIn(source: string): { module: string; names: string[] }[] {
  const out: { module: string; names: string[] }[] = [];
  for (const m of source.matchAll(IMPORT_LINE)) {
    if (m[1] !== undefined) out.push({ module: m[1], names: m[2]!.replace(/[()\\]/g, ' ').split(',').map((n) => n.trim().split(/\s+/)[0]!).filter(Boolean) });
    else for (const part of m[3]!.split(',')) out.push({ module: part.trim().split(/\s+/)[0]!, names: [] });
  }
  return out;
}

/** `a.b.c` and the packages whose `__init__` importing it runs: `a`, `a.b`. */
function withPackages(name: string): string[] {
  const parts = name.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
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

/** Lowers a module: entry modules whole, the modules they import with function bodies read on first use. */
function lower(path: string, name: string, isPackage: boolean, source: string, parsed: ParsedPython, errors: ScanError[], entry: boolean): ModuleIR | undefined {
  try {
    const body = entry ? lowerModule(parsed.tree) : lowerModule(parsed.tree, bodiesOnDemand(source));
    return { path, name, isPackage, source, lineStarts: lineStartsOf(source), body, entry };
  } catch (error) {
    errors.push({ path, message: describeFailure(error, 'cannot analyse') });
    return undefined;
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
