// Scans the parts of a project on worker threads, the largest first, and hands back their results in input
// order. A part whose thread fails or dies is scanned again on this thread: the answers never depend on threads.
import { ScanCache } from '../cache/cache.js';
import type { ScanFile } from '../scan-file.js';
import type { PartOptions, PartResult } from '../scan-part.js';
import type { PartJob } from './part-worker.js';
import { startThread } from './thread.js';

export async function scanPartsOnThreads(root: string, parts: ScanFile[][], options: PartOptions, cacheRoot: string | undefined, threads: number, onDone: () => void): Promise<PartResult[]> {
  const out: (PartResult | undefined)[] = new Array(parts.length);
  const size = (part: ScanFile[]) => part.reduce((sum, f) => sum + f.size, 0);
  const queue = parts.map((_, i) => i).sort((a, b) => size(parts[b]!) - size(parts[a]!) || a - b);
  await Promise.all(Array.from({ length: Math.min(threads, parts.length) }, () => new Promise<void>((resolve) => {
    const thread = startThread('part-worker');
    let current: number | undefined;
    const give = () => {
      current = queue.shift();
      if (current === undefined) {
        void thread.terminate().then(() => resolve());
        return;
      }
      thread.postMessage({ id: current, root, files: parts[current]!, options, cacheRoot } satisfies PartJob);
    };
    thread.on('message', (reply: { id: number; result?: PartResult }) => {
      if (reply.result) {
        out[reply.id] = reply.result;
        onDone();
      }
      give();
    });
    // a thread that could not start or died: its part (and what is left) is done on the main thread below
    thread.on('error', () => resolve());
    give();
  })));
  if (out.some((result) => !result)) {
    const { scanPart } = await import('../scan-part.js');
    const cache = cacheRoot ? new ScanCache(cacheRoot) : undefined;
    for (const [i, part] of parts.entries()) {
      if (out[i]) continue;
      out[i] = await scanPart(root, part, options, cache, 1);
      onDone();
    }
  }
  return out as PartResult[];
}
