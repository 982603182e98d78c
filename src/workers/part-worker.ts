// A thread of the analysis pool: scans the parts it is sent (lowering them here) and answers with their results.
import { parentPort } from 'node:worker_threads';
import { ScanCache } from '../cache/cache.js';
import type { ScanFile } from '../scan-file.js';
import { scanPart, type PartOptions } from '../scan-part.js';

export interface PartJob {
  id: number;
  /** The scan root, that the files' paths are relative to. */
  root: string;
  files: ScanFile[];
  options: PartOptions;
  /** The scan root whose cache holds lowered files, when the cache is on. */
  cacheRoot?: string;
}

parentPort!.on('message', (job: PartJob) => {
  const cache = job.cacheRoot ? new ScanCache(job.cacheRoot) : undefined;
  scanPart(job.root, job.files, job.options, cache, 1).then(
    (result) => parentPort!.postMessage({ id: job.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: String(error) }),
  );
});
