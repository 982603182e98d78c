// scan(options): find the Python files, lower each (cached, on worker threads), analyse the project, and
// build the ScanResult.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { analyze } from './analysis/analyze.js';
import { ScanCache, digest } from './cache/cache.js';
import { toolStamp } from './cache/stamp.js';
import { CANNOT_READ, findPythonFiles, moduleNameOf } from './files.js';
import type { ModuleIR, Stmt } from './python/ir.js';
import { entryPattern } from './frameworks/flask/request.js';
import { lineStartsOf } from './python/positions.js';
import type { ScanError, ScanResult } from './result.js';
import { lowerFile, type LoweredFile } from './workers/lower-file.js';
import { defaultWorkers, LoweringPool } from './workers/pool.js';
import { childBodies } from './semantic/project.js';
import { ModuleResolver } from './semantic/resolve.js';
import type { Settings } from './config/options.js';

/** What a scan reads: the settings declared in config/options.ts (less the report filters applied after it), and how to run. */
export interface ScanOptions extends Omit<Settings, 'severity' | 'minConfidence' | 'select' | 'ignore' | 'failOn'> {
  /** Folder or single file to scan. */
  path: string;
  /** Read and write `.massassign_cache/` in the scan root (the CLI's default; off unless asked for here). */
  cache?: boolean;
  /** Threads that parse and lower entry code (default: one per core; 1 keeps it all on this thread). */
  workers?: number;
  /** Called as files are read, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Called as functions are analysed, after reading, for a progress bar. */
  onAnalysisProgress?: (done: number, total: number) => void;
}

/** The options that do not change what a scan finds: everything else is part of the result cache's key. */
const NOT_RESULT_SETTINGS = new Set(['path', 'cache', 'workers', 'onProgress', 'onAnalysisProgress']);

export class ScanPathError extends Error {}

/** A file or folder the scan could not read: its code went unseen, so the run is not clean (exit 1). */
export function isUnreadable(error: ScanError): boolean {
  return error.message.startsWith(CANNOT_READ);
}

interface SourceFile {
  path: string;
  source: string;
  /** Content hash under the tool's code stamp: the key of the file's lowered IR in the cache. */
  key: string;
}

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
  const walked = isFile ? { files: [basename(target)], problems: [] } : findPythonFiles(root, options);
  const files = walked.files;
  const errors: ScanError[] = [...walked.problems];
  if (files.length === 0) errors.push({ path: '.', message: 'no Python files found' });
  const cache = options.cache ? new ScanCache(root) : undefined;
  const stamp = toolStamp();
  const sources: SourceFile[] = [];
  let bytes = 0;
  files.forEach((path, index) => {
    const source = readSource(root, path, errors);
    if (source !== undefined) {
      bytes += source.length;
      sources.push({ path, source, key: digest(stamp, source) });
    }
    options.onProgress?.(index + 1, files.length);
  });
  const stats = () => ({ files: files.length, bytes, seconds: Math.round(performance.now() - started) / 1000 });

  // Nothing changed since a scan with the same settings: its result stands.
  const resultKey = cache && digest(stamp, resultSettings(options), JSON.stringify(errors), ...sources.flatMap((s) => [s.path, s.key]));
  const stored = resultKey ? cache!.get<ScanResult>('result', resultKey) : undefined;
  if (stored) return { ...stored, stats: stats() };

  // Like Semgrep's prefilter: Flask entry code (it reads the request, declares routes) is lowered now; any other
  // module only when the analysis first resolves a name into it, so a file no entry code reaches through imports
  // is read but never parsed. With more than one worker, the modules entry code imports (and so on) are lowered
  // ahead on the threads too, since the analysis is about to ask for them.
  const entry = entryPattern(options.extraSources ?? []);
  const entries = sources.filter((s) => entry.test(withoutBlankLines(s.source)));
  const workers = options.workers ?? defaultWorkers();
  const lowered = await lowerAhead(entries, workers > 1 ? sources : [], cache, workers);

  const modules: ModuleIR[] = [];
  const isEntry = new Set(entries);
  for (const file of sources) {
    const now = lowered.get(file);
    if (!isEntry.has(file)) {
      modules.push(lowerLater(file, errors, cache, now));
      continue;
    }
    for (const message of now!.problems) errors.push({ path: file.path, message });
    if (now!.body) modules.push({ path: file.path, ...moduleNameOf(file.path), source: file.source, lineStarts: lineStartsOf(file.source), body: now!.body, entry: true });
  }
  const analysis = analyze(modules, options, errors);
  const result: ScanResult = {
    version: 1,
    root,
    findings: analysis.findings,
    errors: errors.sort((x, y) => x.path.localeCompare(y.path)),
    stats: stats(),
    routes: analysis.routes,
    models: analysis.models,
    files,
  };
  // a result cut short by the memory ceiling is not the answer a roomier run would give: not stored
  if (resultKey && !errors.some((e) => e.message.startsWith(NOT_ANALYSED))) cache!.set('result', resultKey, result);
  return result;
}

/**
 * Lowers the entry files, and when `all` is given, the files they import, wave after wave, each from the cache or
 * on the pool's threads.
 */
async function lowerAhead(entries: SourceFile[], all: SourceFile[], cache: ScanCache | undefined, workers: number): Promise<Map<SourceFile, LoweredFile>> {
  const named = all.map((file) => ({ ...moduleNameOf(file.path), file }));
  const resolver = new ModuleResolver(named);
  const nameOf = new Map(named.map((n) => [n.file, n]));
  const pool = new LoweringPool(workers);
  const done = new Map<SourceFile, LoweredFile>();
  const queued = new Set(entries);
  let wave = entries;
  try {
    while (wave.length > 0) {
      const stored = wave.map((f) => cache?.get<LoweredFile>('ir', f.key));
      const missing = wave.filter((_, i) => !stored[i]);
      const fresh = await pool.lower(missing.map((f) => f.source));
      missing.forEach((f, i) => cache?.set('ir', f.key, fresh[i]));
      const next: SourceFile[] = [];
      let k = 0;
      wave.forEach((file, i) => {
        const lowered = stored[i] ?? fresh[k++]!;
        done.set(file, lowered);
        const from = nameOf.get(file);
        if (!from) return;
        for (const imported of importedModules(lowered.body ?? [], (name) => resolver.resolve(from, name), (name) => resolver.get(name))) {
          if (!queued.has(imported.file)) {
            queued.add(imported.file);
            next.push(imported.file);
          }
        }
      });
      wave = next;
    }
  } finally {
    await pool.close();
  }
  return done;
}

/** The project modules the import statements of a body name (anywhere in it), and the submodules they import. */
function importedModules<T extends { name: string }>(body: Stmt[], resolve: (name: string) => T | undefined, exact: (name: string) => T | undefined): T[] {
  const out: T[] = [];
  const visit = (stmts: Stmt[]) => {
    for (const stmt of stmts) {
      if (stmt.t === 'import') {
        for (const binding of stmt.bindings) {
          const target = resolve(binding.module);
          if (!target) continue;
          out.push(target);
          const sub = binding.member && binding.member !== '*' ? exact(`${target.name}.${binding.member}`) : undefined;
          if (sub) out.push(sub);
        }
      } else if (stmt.t === 'def') {
        visit(stmt.fn.body);
      } else if (stmt.t === 'class') {
        visit(stmt.cls.body);
      } else {
        for (const child of childBodies(stmt)) visit(child);
      }
    }
  };
  visit(body);
  return out;
}

function resultSettings(options: ScanOptions): string {
  return JSON.stringify(Object.entries(options).filter(([name]) => !NOT_RESULT_SETTINGS.has(name)).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The source with its whitespace-only lines removed, for the entry-code test alone: the test's patterns
 * anchored at a line start (`^\s*@app.route(`) would otherwise rescan every run of blank lines from each of its
 * lines (a 400 KB file of newlines took 105 s). No match is lost: a removed line can hold nothing to match.
 */
function withoutBlankLines(source: string): string {
  return source.replace(/\n[^\S\n]*(?=\n)/g, '');
}

function readSource(root: string, path: string, errors: ScanError[]): string | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(join(root, path));
  } catch (error) {
    errors.push({ path, message: `${CANNOT_READ} file: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    return undefined;
  }
  if (buffer.includes(0)) {
    errors.push({ path, message: 'binary file, not Python source' });
    return undefined;
  }
  return buffer.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * A module read once the heap holds this share of what the old generation may grow to is skipped and listed, so a
 * project too big for the memory degrades (fewer modules followed) instead of crashing with no report.
 */
const CEILING_SHARE = 0.6;
const NOT_ANALYSED = 'not analysed';
/** What `heap_size_limit` counts beyond the old generation (V8 reserves the young generation in it). */
const YOUNG_GENERATION_MB = 48;

function ceilingMb(): number {
  return Math.round((getHeapStatistics().heap_size_limit / 2 ** 20 - YOUNG_GENERATION_MB) * CEILING_SHARE);
}

function overMemoryCeiling(): boolean {
  return getHeapStatistics().used_heap_size / 2 ** 20 > ceilingMb();
}

/**
 * Any other module: parsed and lowered (or read from the cache) on this thread when its body is first read,
 * unless lowered ahead; its problems are reported only once the analysis reads it.
 */
function lowerLater(file: SourceFile, errors: ScanError[], cache: ScanCache | undefined, ahead: LoweredFile | undefined): ModuleIR {
  let body: Stmt[] | undefined;
  let lineStarts: number[] | undefined;
  const module = { path: file.path, ...moduleNameOf(file.path), source: file.source, entry: false } as ModuleIR;
  const lower = (): Stmt[] => {
    if (overMemoryCeiling()) {
      errors.push({ path: file.path, message: `${NOT_ANALYSED}: the memory ceiling (${ceilingMb()} MB of heap) was reached` });
      return [];
    }
    let lowered = ahead ?? cache?.get<LoweredFile>('ir', file.key);
    if (!lowered) {
      lowered = lowerFile(file.source);
      cache?.set('ir', file.key, lowered);
    }
    for (const message of lowered.problems) errors.push({ path: file.path, message });
    return lowered.body ?? [];
  };
  Object.defineProperties(module, {
    body: { enumerable: true, get: () => (body ??= lower()) },
    lineStarts: { enumerable: true, get: () => (lineStarts ??= lineStartsOf(file.source)) },
  });
  return module;
}
