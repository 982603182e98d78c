// The scan's threads. One plans a large scan (reads every file, cuts the project into parts) and ends, freeing the
// memory reading took; the others start when there are parts to scan, scan them, the largest first, and hand back
// results in input order. Work no thread could do (a thread failed to start, died, or threw) is done
// on the main thread: the answers never depend on threads.
import type { Worker } from 'node:worker_threads';
import { ScanCache } from '../cache/cache.js';
import type { ScanFile } from '../scan-file.js';
import type { PartOptions, PartResult } from '../scan-part.js';
import type { PlanOptions, ScanPlan } from '../scan-plan.js';
import type { ThreadJob, ThreadReply } from './part-worker.js';
import { startThread } from './thread.js';

/** One thread and the one request it is answering. */
class Lane {
  private waiting: { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void; onProgress?: (done: number, total: number) => void } | undefined;
  private dead = false;

  constructor(private readonly thread: Worker) {
    thread.on('message', (reply: ThreadReply) => {
      if ('progress' in reply) this.waiting?.onProgress?.(...reply.progress);
      else this.settle()?.resolve(reply);
    });
    thread.on('error', (error: Error) => this.fail(error));
    thread.on('exit', () => this.fail(new Error('the thread exited')));
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Sends a job and waits for its answer (progress reports on the way go to `onProgress`). */
  request(job: ThreadJob, onProgress?: (done: number, total: number) => void): Promise<ThreadReply> {
    if (this.dead) return Promise.reject(new Error('the thread is gone'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, onProgress };
      this.thread.postMessage(job);
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.thread.terminate();
  }

  private settle() {
    const waiting = this.waiting;
    this.waiting = undefined;
    return waiting;
  }

  private fail(error: Error): void {
    this.dead = true;
    this.settle()?.reject(error);
  }
}

export class ScanThreads {
  private lanes: Lane[] = [];
  private planner: Lane | undefined;
  private closed = false;

  /**
   * Up to `count` threads to analyse; when `planning`, a thread that plans starts now and those only when parts are
   * sent, no more than there are parts: most plans of one app have one part to analyse, which the caller analyses
   * on its own thread, and threads that loaded the analyser meanwhile only took the cores from the planning (one
   * app 4-9% slower, 6-13% more CPU).
   */
  constructor(private readonly count: number, planning: boolean) {
    if (planning) this.planner = new Lane(startThread('part-worker'));
    else this.startLanes(count);
  }

  /**
   * The plan, made on a thread of its own; undefined if it failed. The planning thread ends with it, and the memory
   * its reading took with it.
   */
  async plan(root: string, paths: string[], options: PlanOptions, stamp: string, onProgress?: (done: number, total: number) => void): Promise<ScanPlan | undefined> {
    const planner = this.planner!;
    const planned = planner.request({ kind: 'plan', root, paths, options, stamp }, onProgress);
    try {
      const reply = await planned;
      return 'plan' in reply ? reply.plan : undefined;
    } catch {
      return undefined;
    } finally {
      this.planner = undefined;
      await planner.close();
    }
  }

  /** Scans the parts on the threads, the largest first; a part no thread answered is scanned here. */
  async scanParts(root: string, parts: ScanFile[][], options: PartOptions, cacheRoot: string | undefined, onDone: () => void): Promise<PartResult[]> {
    const out: (PartResult | undefined)[] = new Array(parts.length);
    const size = (part: ScanFile[]) => part.reduce((sum, f) => sum + f.size, 0);
    const queue = parts.map((_, i) => i).sort((a, b) => size(parts[b]!) - size(parts[a]!) || a - b);
    this.startLanes(parts.length);
    await Promise.all(this.lanes.map(async (lane) => {
      while (lane.alive && queue.length > 0) {
        const id = queue.shift()!;
        let reply: ThreadReply;
        try {
          reply = await lane.request({ kind: 'part', id, root, files: parts[id]!, options, cacheRoot });
        } catch {
          return; // the thread died: its part (and what is left) is done below
        }
        if ('result' in reply) {
          out[id] = reply.result;
          onDone();
        }
      }
    }));
    if (out.some((result) => !result)) {
      const { scanPart } = await import('../scan-part.js');
      const cache = cacheRoot ? new ScanCache(cacheRoot) : undefined;
      for (const [i, part] of parts.entries()) {
        if (out[i]) continue;
        out[i] = scanPart(root, part, options, cache);
        onDone();
      }
    }
    return out as PartResult[];
  }

  /** Starts analysis threads until there are `wanted` of them (at most `count`). */
  private startLanes(wanted: number): void {
    if (this.closed) return;
    const missing = Math.min(wanted, this.count) - this.lanes.length;
    for (let i = 0; i < missing; i++) this.lanes.push(new Lane(startThread('part-worker')));
  }

  async close(): Promise<void> {
    this.closed = true;
    const lanes = [...this.lanes, ...(this.planner ? [this.planner] : [])];
    this.lanes = [];
    this.planner = undefined;
    await Promise.all(lanes.map((lane) => lane.close()));
  }
}
