// A scan's plan: every file read once, with its content key and what partitioning needs, and the project cut into
// parts no analysis crosses. Plain data in and out, so a large project is planned on a thread of its own and no
// thread that analyses holds what reading took; loads nothing of the analyser.
import { digest } from './cache/cache.js';
import { moduleNameOf, readSource } from './files.js';
import type { ScanError } from './result.js';
import { entryCodeTest } from './frameworks/flask/request.js';
import type { ScanFile } from './scan-file.js';
import { partition, partitionFacts, type PartitionFile } from './semantic/partition.js';
import type { Settings } from './config/options.js';

/** What reading gave, and what the whole result's cache key is made of. */
export interface ReadFiles {
  files: (ScanFile & PartitionFile)[];
  /** Path and content key of each file read, in the order asked. */
  keys: string[];
  /** Characters read. */
  bytes: number;
  /** Files that could not be read, in the order asked. */
  errors: ScanError[];
}

/** The plan: what reading gave, the files cut into parts (semantic/partition.ts). */
export interface ScanPlan extends Omit<ReadFiles, 'files'> {
  parts: ScanFile[][];
}

/** What planning reads of the settings: plain data, so it crosses to a thread. */
export type PlanOptions = Pick<Settings, 'extraSources'>;

/** Reads `paths` under `root`, content keys taken under the tool's code stamp `stamp`. */
export function readFiles(root: string, paths: string[], options: PlanOptions, stamp: string, onProgress?: (done: number, total: number) => void): ReadFiles {
  const isEntryCode = entryCodeTest(options.extraSources ?? []);
  const files: ReadFiles['files'] = [];
  const keys: string[] = [];
  const errors: ScanError[] = [];
  let bytes = 0;
  for (const [index, path] of paths.entries()) {
    const source = readSource(root, path, errors);
    if (source !== undefined) {
      const key = digest(stamp, source);
      bytes += source.length;
      keys.push(path, key);
      files.push({ path, key, entry: isEntryCode(source), size: source.length, ...partitionFacts(source), ...moduleNameOf(path) });
    }
    onProgress?.(index + 1, paths.length);
  }
  return { files, keys, bytes, errors };
}

/** The parts, each in path order, the parts in the order of their first path; what partitioning read is left behind. */
export function partsOf(files: ReadFiles['files']): ScanFile[][] {
  return partition(files).map((part) => part.map(({ path, key, entry, connexion, size }): ScanFile => ({ path, key, entry, connexion, size })));
}

export function planScan(root: string, paths: string[], options: PlanOptions, stamp: string, onProgress?: (done: number, total: number) => void): ScanPlan {
  const { files, ...read } = readFiles(root, paths, options, stamp, onProgress);
  return { ...read, parts: partsOf(files) };
}
