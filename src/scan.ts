// scan(options): find the Python files, plan the scan (read them and split them into parts no analysis crosses; on a
// thread when there are many), scan each part (cached, on worker threads when there are several) and build the
// ScanResult.
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScanCache, digest } from './cache/cache.js';
import { toolStamp } from './cache/stamp.js';
import { CANNOT_READ, findPythonFiles } from './files.js';
import { byFindingPlace, byRoutePlace, type ScanError, type ScanResult } from './result.js';
import { CHANGED, NOT_ANALYSED, needsAnalysis, type ScanFile } from './scan-file.js';
import type { PartOptions, PartResult } from './scan-part.js';
import { partsOf, readFiles, type ReadFiles, type ScanPlan } from './scan-plan.js';
import { ScanThreads } from './workers/part-pool.js';
import { defaultWorkers } from './workers/thread.js';
import type { Settings } from './config/options.js';

/** What a scan reads: the settings declared in config/options.ts (less the report filters applied after it), and how to run. */
export interface ScanOptions extends Omit<Settings, 'severity' | 'minConfidence' | 'select' | 'ignore' | 'failOn'> {
  /** Folder or single file to scan. */
  path: string;
  /** Read and write `.massassign_cache/` in the scan root (the CLI's default; off unless asked for here). */
  cache?: boolean;
  /** Threads that scan the parts, when there are several (default: one per core; 1 keeps it all on this thread). */
  workers?: number;
  /** Called as files are read, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Called as functions are analysed, after reading, for a progress bar (as parts are, when there are several). */
  onAnalysisProgress?: (done: number, total: number) => void;
}

/**
 * Below this much source in the parts to analyse, starting threads (each loads the analyser and warms it up)
 * costs more than it saves.
 */
const PARALLEL_PARTS_FROM_BYTES = 512 * 1024;
/**
 * From this many files a scan is planned on a thread of its own (part-pool.ts), which ends with the plan and frees
 * what reading took: no thread holds that while the parts are analysed. Below it, starting the thread costs more.
 */
const PLAN_ON_A_THREAD_FROM_FILES = 512;

/** The options that do not change what a scan finds: everything else is part of the result cache's key. */
const NOT_RESULT_SETTINGS = new Set(['path', 'cache', 'workers', 'onProgress', 'onAnalysisProgress']);

export class ScanPathError extends Error {}

/** A file or folder the scan could not read: its code went unseen, so the run is not clean (exit 1). */
export function isUnreadable(error: ScanError): boolean {
  return error.message.startsWith(CANNOT_READ);
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
  const workers = options.workers ?? defaultWorkers();
  const cache = options.cache ? new ScanCache(root) : undefined;
  let threads: ScanThreads | undefined;
  try {
    const walked = isFile ? { files: [basename(target)], problems: [] } : findPythonFiles(root, options);
    const files = walked.files;
    const errors: ScanError[] = [...walked.problems];
    if (files.length === 0) errors.push({ path: '.', message: 'no Python files found' });
    // a large scan is planned on a thread of its own; not when an earlier scan's results may answer this one: this
    // thread reads as fast, and no analysis may follow
    if (workers > 1 && files.length >= PLAN_ON_A_THREAD_FROM_FILES && !cache?.hasResults()) {
      threads = new ScanThreads(workers, true);
      // meanwhile this thread loads the analyser: a plan with one part to analyse (one app) is analysed here; a
      // failure to load shows where the analyser is awaited
      void import('./scan-part.js').catch(() => undefined);
    }
    const stamp = toolStamp();
    const planOptions = { extraSources: options.extraSources };
    // planned on a thread, or read here and cut into parts only if the cache has no answer
    const read: ScanPlan | ReadFiles = (await threads?.plan(root, files, planOptions, stamp, options.onProgress)) ?? readFiles(root, files, planOptions, stamp, options.onProgress);
    errors.push(...read.errors);
    const stats = () => ({ files: files.length, bytes: read.bytes, seconds: Math.round(performance.now() - started) / 1000 });

    // Nothing changed since a scan with the same settings: its result stands.
    const settings = resultSettings(options);
    const resultKey = cache && digest(stamp, settings, JSON.stringify(errors), ...read.keys);
    const stored = resultKey ? cache!.get<ScanResult>('result', resultKey) : undefined;
    if (stored) return { ...stored, stats: stats() };

    const parts = 'parts' in read ? read.parts : partsOf(read.files);
    const found = await scanParts(root, parts, options, cache, [stamp, settings], threads);
    for (const part of found) errors.push(...part.errors);
    const result: ScanResult = {
      version: 1,
      root,
      findings: found.flatMap((p) => p.findings).sort(byFindingPlace),
      errors: errors.sort((x, y) => x.path.localeCompare(y.path) || x.message.localeCompare(y.message)),
      stats: stats(),
      routes: found.flatMap((p) => p.routes).sort(byRoutePlace),
      models: found.flatMap((p) => p.models),
      files,
    };
    if (resultKey && found.every(complete)) cache!.set('result', resultKey, result);
    return result;
  } finally {
    await threads?.close();
  }
}

/**
 * A part cut short by the memory ceiling is not the answer a roomier run would give, nor one with a file changed
 * under the scan the answer for the text its key says: neither is stored.
 */
const complete = (part: PartResult) => !part.errors.some((e) => e.message.startsWith(NOT_ANALYSED) || e.message.startsWith(CHANGED));

/**
 * Parts no analysis crosses (several projects side by side) are scanned apart: on the threads when there are
 * several (those `started` while the scan was planned, if any), each cached on its own (`keyParts`: the tool stamp
 * and the settings), so a changed file re-analyses only its own part.
 */
async function scanParts(root: string, parts: ScanFile[][], options: ScanOptions, cache: ScanCache | undefined, keyParts: string[], started: ScanThreads | undefined): Promise<PartResult[]> {
  const workers = options.workers ?? defaultWorkers();
  const partKeys = parts.map((part) => cache && digest(...keyParts, ...part.flatMap((s) => [s.path, s.key])));
  const nothing: PartResult = { findings: [], routes: [], models: [], errors: [] };
  const results = parts.map((part, i) => (!needsAnalysis(part) ? nothing : partKeys[i] ? cache!.get<PartResult>('part', partKeys[i]) : undefined));
  const missing = parts.flatMap((_, i) => (results[i] ? [] : [i]));
  const missingBytes = missing.reduce((sum, i) => sum + parts[i]!.reduce((n, f) => n + f.size, 0), 0);
  const partOptions = plainOptions(options);
  let done = 0;
  const partDone = () => options.onAnalysisProgress?.(++done, missing.length);
  if (workers > 1 && missing.length > 1 && missingBytes >= PARALLEL_PARTS_FROM_BYTES) {
    const threads = started ?? new ScanThreads(Math.min(workers, missing.length), false);
    try {
      const fresh = await threads.scanParts(root, missing.map((i) => parts[i]!), partOptions, cache?.root, partDone);
      missing.forEach((i, k) => { results[i] = fresh[k]; });
    } finally {
      if (!started) await threads.close();
    }
  } else if (missing.length > 0) {
    // analysed here, with the analyser loaded while a thread planned or only now (a scan answered from the cache
    // never loads it)
    await started?.close();
    const { scanPart } = await import('./scan-part.js');
    for (const i of missing) {
      const progress = missing.length === 1 ? options.onAnalysisProgress : undefined;
      results[i] = scanPart(root, parts[i]!, { ...partOptions, onAnalysisProgress: progress }, cache);
      if (!progress) partDone();
    }
  }
  for (const i of missing) if (partKeys[i] && complete(results[i]!)) cache!.set('part', partKeys[i], results[i]);
  return results as PartResult[];
}

/** The options a part's scan reads, without the callbacks (which cannot cross to a thread). */
function plainOptions(options: ScanOptions): PartOptions {
  const { onProgress: _reading, onAnalysisProgress: _analysing, cache: _cache, workers: _workers, ...plain } = options;
  return plain;
}

function resultSettings(options: ScanOptions): string {
  return JSON.stringify(Object.entries(options).filter(([name]) => !NOT_RESULT_SETTINGS.has(name)).sort(([a], [b]) => a.localeCompare(b)));
}
