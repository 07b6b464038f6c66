/**
 * A `queryMetrics` worker: asks for a task, reads it into its own aggregate, and at the end sends the aggregate
 * (sketches as bins) back to be merged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Aggregator } from './aggregate.js';
import type { FileTask } from './files.js';
import { readChunks } from './files.js';
import type { ResolvedReadOptions } from './options.js';

const { options, groupBy } = workerData as { options: ResolvedReadOptions; groupBy: string[] };
const aggregator = new Aggregator(options, groupBy);
const port = parentPort!;

port.on('message', (message: { type: 'task'; task: FileTask } | { type: 'done' }) => {
  if (message.type === 'done') {
    port.postMessage({ type: 'state', state: aggregator.toState() });
    return;
  }
  // A read error other than a vanished file or corrupt gzip rejects, which fails the worker and the query.
  void readChunks(message.task, aggregator.chunk).then((corrupt) => {
    if (corrupt) aggregator.corrupt();
    port.postMessage({ type: 'next' });
  });
});
port.postMessage({ type: 'next' });
