// Starts a worker thread on one of this folder's modules (TypeScript under tsx in development, JavaScript once built),
// and says how many a scan starts by default.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The main thread's stack is about 1 MB: threads get the same, so nesting too deep fails alike everywhere. */
const STACK_MB = 1;

/** Threads a scan uses unless told otherwise: one per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function startThread(module: string): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const url = new URL(`./${module}${typescript ? '.ts' : '.js'}`, import.meta.url);
  // a thread's own output never reaches this process's standard output, which carries the report
  const limits = { resourceLimits: { stackSizeMb: STACK_MB }, stdout: true, stderr: true };
  return typescript
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, ...limits })
    : new Worker(url, limits);
}
