// The on-disk cache, like Ruff's: `.massassign_cache/` in the scan root holds each file's lowered IR by content
// hash, each part's result (semantic/partition.ts) by the hash of its files and every setting that changes
// results, and each whole scan's result likewise, all under the tool version. Writes go to a temporary name and are renamed into place, so two scans can run at once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { VERSION } from '../version.js';

export const CACHE_FOLDER = '.massassign_cache';

const KINDS = ['ir', 'part', 'result'] as const;
type CacheKind = (typeof KINDS)[number];

export class ScanCache {
  private readonly folder: string;
  private ready = false;

  constructor(readonly root: string) {
    this.folder = join(root, CACHE_FOLDER, VERSION);
  }

  /** A stored value, or undefined when absent or unreadable (a damaged entry is a miss, never an error). */
  get<T>(kind: CacheKind, key: string): T | undefined {
    try {
      return deserialize(readFileSync(join(this.folder, kind, key))) as T;
    } catch {
      return undefined;
    }
  }

  /** Whether an earlier scan stored whole results here, so that a rescan may be answered from them. */
  hasResults(): boolean {
    return existsSync(join(this.folder, 'result'));
  }

  /** Stores a value; a cache that cannot be written (read-only checkout) is silently not used. */
  set(kind: CacheKind, key: string, value: unknown): void {
    try {
      this.prepare();
      const file = join(this.folder, kind, key);
      const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        writeFileSync(temporary, serialize(value));
        renameSync(temporary, file);
      } catch {
        rmSync(temporary, { force: true });
      }
    } catch {
      // no cache folder: nothing stored
    }
  }

  private prepare(): void {
    if (this.ready) return;
    const top = join(this.folder, '..');
    for (const kind of KINDS) mkdirSync(join(this.folder, kind), { recursive: true });
    writeFileSync(join(top, '.gitignore'), '# Automatically created by massassign.\n*\n');
    writeFileSync(join(top, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# massassign cache\n');
    this.ready = true;
  }
}

/** A short hex digest of the given parts, in order. */
export function digest(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}
