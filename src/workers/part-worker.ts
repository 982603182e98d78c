// A scan thread (part-pool.ts): plans a scan when asked (reading every file here, not on the main thread), and
// scans the parts it is sent (lowering them here), answering with plain data. The analyser is loaded at the first
// part: planning does not need it.
import { parentPort } from 'node:worker_threads';
import { ScanCache } from '../cache/cache.js';
import type { ScanFile } from '../scan-file.js';
import type { PartOptions, PartResult } from '../scan-part.js';
import { planScan, type PlanOptions, type ScanPlan } from '../scan-plan.js';

export type ThreadJob =
  | { kind: 'plan'; root: string; paths: string[]; options: PlanOptions; stamp: string }
  /** `root`: what the files' paths are relative to; `cacheRoot`: the scan root whose cache holds lowered files. */
  | { kind: 'part'; id: number; root: string; files: ScanFile[]; options: PartOptions; cacheRoot?: string };

export type ThreadReply = { progress: [number, number] } | { plan: ScanPlan } | { id: number; result: PartResult } | { id: number; error: string };

/** Reading progress is reported every this many files. */
const PROGRESS_EVERY = 256;

let analyser: Promise<typeof import('../scan-part.js')> | undefined;
const loadAnalyser = () => (analyser ??= import('../scan-part.js'));
const reply = (message: ThreadReply) => parentPort!.postMessage(message);

parentPort!.on('message', (job: ThreadJob) => {
  if (job.kind === 'plan') {
    const progress = (done: number, total: number) => { if (done % PROGRESS_EVERY === 0 || done === total) reply({ progress: [done, total] }); };
    reply({ plan: planScan(job.root, job.paths, job.options, job.stamp, progress) });
  } else {
    const cache = job.cacheRoot ? new ScanCache(job.cacheRoot) : undefined;
    loadAnalyser().then(({ scanPart }) => scanPart(job.root, job.files, job.options, cache)).then(
      (result) => reply({ id: job.id, result }),
      (error: unknown) => reply({ id: job.id, error: String(error) }),
    );
  }
});
