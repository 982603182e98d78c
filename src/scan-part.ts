// Scans one part of a project (semantic/partition.ts): reads its files again, lowers its Flask entry code, and the
// modules that code imports, ahead (from the cache or on the lowering threads), any other module when the analysis
// first reads it, and analyses the part. The same on the main thread and on an analysis thread.
import { getHeapStatistics } from 'node:v8';
import { analyze, type Analysis } from './analysis/analyze.js';
import { digest, type ScanCache } from './cache/cache.js';
import { toolStamp } from './cache/stamp.js';
import { moduleNameOf, readSource } from './files.js';
import { entryCodeTest } from './frameworks/flask/request.js';
import { CHANGED, NOT_ANALYSED, type ScanFile } from './scan-file.js';
import type { ModuleIR, Stmt } from './python/ir.js';
import { lineStartsOf } from './python/positions.js';
import type { ScanError } from './result.js';
import { isConnexionApp } from './semantic/partition.js';
import { childBodies } from './semantic/project.js';
import { ModuleResolver } from './semantic/resolve.js';
import { lowerFile, withDeferredBodies, type LoweredFile } from './workers/lower-file.js';
import { LoweringPool } from './workers/pool.js';
import type { ScanOptions } from './scan.js';

interface SourceFile extends ScanFile {
  source: string;
}

/** What one part's scan found, and the problems it met: plain data, so it crosses threads and goes in the cache. */
export interface PartResult extends Analysis {
  errors: ScanError[];
}

/** The part's settings: plain data (no callbacks), the same on every thread. */
export type PartOptions = Omit<ScanOptions, 'onProgress' | 'onAnalysisProgress' | 'cache' | 'workers'>;

/**
 * Entry code is lowered now; any other module only when the analysis first resolves a name into it, so a file
 * no entry code reaches through imports is read but never parsed. With more than one lowering worker, the
 * modules entry code imports (and so on) are lowered ahead on the threads too, since the analysis is about to
 * ask for them.
 */
export async function scanPart(root: string, part: ScanFile[], options: PartOptions & Pick<ScanOptions, 'onAnalysisProgress'>, cache: ScanCache | undefined, workers: number): Promise<PartResult> {
  const errors: ScanError[] = [];
  const files = readPart(root, part, options, errors);
  const entries = files.filter((f) => f.entry);
  const lowered = await lowerAhead(entries, workers > 1 ? files : [], cache, workers);

  const modules: ModuleIR[] = [];
  const isEntry = new Set(entries);
  for (const file of files) {
    const now = lowered.get(file);
    if (!isEntry.has(file)) {
      modules.push(lowerLater(file, errors, cache, now));
      continue;
    }
    for (const message of now!.problems) errors.push({ path: file.path, message });
    if (now!.body) modules.push({ path: file.path, ...moduleNameOf(file.path), source: file.source, lineStarts: lineStartsOf(file.source), body: liveBody(file, now!.body, errors), entry: true });
  }
  return { ...analyze(modules, options, errors), errors };
}

/** The part's files with their text, as read now. */
function readPart(root: string, part: ScanFile[], options: PartOptions, errors: ScanError[]): SourceFile[] {
  const stamp = toolStamp();
  const isEntryCode = entryCodeTest(options.extraSources ?? []);
  const out: SourceFile[] = [];
  for (const file of part) {
    const source = readSource(root, file.path, errors);
    if (source === undefined) continue;
    const key = digest(stamp, source);
    if (key === file.key) {
      out.push({ ...file, source });
      continue;
    }
    errors.push({ path: file.path, message: `${CHANGED}: analysed as read the second time` });
    out.push({ ...file, source, key, entry: isEntryCode(source), connexion: isConnexionApp(source), size: source.length });
  }
  return out;
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

/**
 * The project modules the import statements of a body name (anywhere in it but the bodies left for later), and the
 * submodules they import.
 */
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

/** A lowered body whose deferred function bodies parse when read, listing their problems with the file's. */
function liveBody(file: SourceFile, body: Stmt[], errors: ScanError[]): Stmt[] {
  return withDeferredBodies(body, file.source, (message) => errors.push({ path: file.path, message }));
}

/**
 * A module read once the heap holds this share of what the old generation may grow to is skipped and listed, so a
 * project too big for the memory degrades (fewer modules followed) instead of crashing with no report.
 */
const CEILING_SHARE = 0.6;
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
    return liveBody(file, lowered.body ?? [], errors);
  };
  Object.defineProperties(module, {
    body: { enumerable: true, get: () => (body ??= lower()) },
    lineStarts: { enumerable: true, get: () => (lineStarts ??= lineStartsOf(file.source)) },
  });
  return module;
}
