// Parses and lowers many files on worker threads (one per core by default), handing back compact IR in input
// order; with one worker it all happens on this thread. The same answers either way.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lowerFile, type LoweredFile } from './lower-file.js';

/** Below this much source, starting threads costs more than it saves. */
const PARALLEL_FROM_BYTES = 256 * 1024;
const BATCH_BYTES = 256 * 1024;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function lowerAll(sources: string[], workers: number): Promise<LoweredFile[]> {
  const total = sources.reduce((sum, s) => sum + s.length, 0);
  if (workers <= 1 || total < PARALLEL_FROM_BYTES) return sources.map(lowerFile);
  try {
    return await lowerOnThreads(sources, workers);
  } catch {
    return sources.map(lowerFile); // a thread that could not start or died: do it here
  }
}

async function lowerOnThreads(sources: string[], workers: number): Promise<LoweredFile[]> {
  const batches = batchesOf(sources);
  const out: LoweredFile[] = new Array(sources.length);
  // The worker runs TypeScript under tsx in development and JavaScript once built.
  const typescript = import.meta.url.endsWith('.ts');
  const url = new URL(`./lower-worker${typescript ? '.ts' : '.js'}`, import.meta.url);
  const start = () => typescript
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, resourceLimits: { stackSizeMb: 1 } })
    : new Worker(url, { resourceLimits: { stackSizeMb: 1 } });
  const threads = Array.from({ length: Math.min(workers, batches.length) }, start);
  let next = 0;
  try {
    await Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= batches.length) return resolve();
        const id = next++;
        thread.postMessage({ id, sources: batches[id]!.map((i) => sources[i]!) });
      };
      thread.on('message', (reply: { id: number; lowered: LoweredFile[] }) => {
        batches[reply.id]!.forEach((index, k) => { out[index] = reply.lowered[k]!; });
        give();
      });
      thread.on('error', reject);
      give();
    })));
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  return out;
}

/** Indexes of the sources, in runs of about BATCH_BYTES each. */
function batchesOf(sources: string[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let size = 0;
  sources.forEach((source, index) => {
    current.push(index);
    size += source.length;
    if (size >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
