// A worker thread of the lowering pool: receives batches of sources, answers with their lowered IR.
import { parentPort } from 'node:worker_threads';
import { lowerFile } from './lower-file.js';

parentPort!.on('message', (batch: { id: number; sources: string[] }) => {
  parentPort!.postMessage({ id: batch.id, lowered: batch.sources.map(lowerFile) });
});
