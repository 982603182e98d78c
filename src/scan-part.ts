// Scans one part of a project (semantic/partition.ts): reads its files again, lowers its Flask entry code (or reads
// it from the cache), any other module when the analysis first reads it, and analyses the part. The same on the
// main thread and on an analysis thread.
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
import { lowerFile, withDeferredBodies, type LoweredFile } from './workers/lower-file.js';
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
 * no entry code reaches through imports is read but never parsed.
 */
export function scanPart(root: string, part: ScanFile[], options: PartOptions & Pick<ScanOptions, 'onAnalysisProgress'>, cache: ScanCache | undefined): PartResult {
  const errors: ScanError[] = [];
  const modules: ModuleIR[] = [];
  for (const file of readPart(root, part, options, errors)) {
    if (!file.entry) {
      modules.push(lowerLater(file, errors, cache));
      continue;
    }
    const lowered = lowerCached(file, cache);
    for (const message of lowered.problems) errors.push({ path: file.path, message });
    if (lowered.body) modules.push({ path: file.path, ...moduleNameOf(file.path), source: file.source, lineStarts: lineStartsOf(file.source), body: liveBody(file, lowered.body, errors), entry: true });
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

/** A file's lowered IR, from the cache when it holds it (and put there when it did not). */
function lowerCached(file: SourceFile, cache: ScanCache | undefined): LoweredFile {
  let lowered = cache?.get<LoweredFile>('ir', file.key);
  if (!lowered) {
    lowered = lowerFile(file.source);
    cache?.set('ir', file.key, lowered);
  }
  return lowered;
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
 * Any other module: parsed and lowered (or read from the cache) when its body is first read; its problems are
 * reported only once the analysis reads it.
 */
function lowerLater(file: SourceFile, errors: ScanError[], cache: ScanCache | undefined): ModuleIR {
  let body: Stmt[] | undefined;
  let lineStarts: number[] | undefined;
  const module = { path: file.path, ...moduleNameOf(file.path), source: file.source, entry: false } as ModuleIR;
  const lower = (): Stmt[] => {
    if (overMemoryCeiling()) {
      errors.push({ path: file.path, message: `${NOT_ANALYSED}: the memory ceiling (${ceilingMb()} MB of heap) was reached` });
      return [];
    }
    const lowered = lowerCached(file, cache);
    for (const message of lowered.problems) errors.push({ path: file.path, message });
    return liveBody(file, lowered.body ?? [], errors);
  };
  Object.defineProperties(module, {
    body: { enumerable: true, get: () => (body ??= lower()) },
    lineStarts: { enumerable: true, get: () => (lineStarts ??= lineStartsOf(file.source)) },
  });
  return module;
}
