// Parses and lowers files on worker threads (one per core by default), handing back compact IR in input order;
// with one worker, or little to do, it all happens on this thread. The same answers either way.
import type { Worker } from 'node:worker_threads';
import { lowerFile, type LoweredFile } from './lower-file.js';
import { startThread } from './thread.js';

/** Below this much source in one call, handing it to threads costs more than it saves. */
const PARALLEL_FROM_BYTES = 256 * 1024;
const BATCH_BYTES = 128 * 1024;

export class LoweringPool {
  private threads: Worker[] | undefined;
  private broken = false;

  constructor(private readonly workers: number) {}

  async lower(sources: string[]): Promise<LoweredFile[]> {
    const total = sources.reduce((sum, s) => sum + s.length, 0);
    if (this.workers <= 1 || this.broken || total < PARALLEL_FROM_BYTES) return sources.map(lowerFile);
    try {
      return await this.onThreads(sources);
    } catch {
      this.broken = true; // a thread that could not start or died: the rest is done here
      await this.close();
      return sources.map(lowerFile);
    }
  }

  async close(): Promise<void> {
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private async onThreads(sources: string[]): Promise<LoweredFile[]> {
    this.threads ??= Array.from({ length: this.workers }, () => startThread('lower-worker'));
    const batches = batchesOf(sources);
    const out: LoweredFile[] = new Array(sources.length);
    let next = 0;
    await Promise.all(this.threads.map((thread) => new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= batches.length) {
          thread.off('message', receive).off('error', reject);
          resolve();
          return;
        }
        const id = next++;
        thread.postMessage({ id, sources: batches[id]!.map((i) => sources[i]!) });
      };
      const receive = (reply: { id: number; lowered: LoweredFile[] }) => {
        batches[reply.id]!.forEach((index, k) => { out[index] = reply.lowered[k]!; });
        give();
      };
      thread.on('message', receive).on('error', reject);
      give();
    })));
    return out;
  }
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
