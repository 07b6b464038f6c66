/**
 * The OTLP spool when there is no local file (`file.enabled: false`): encoded lines wait in memory, bounded by
 * characters; when full, new records are dropped and counted.
 * @internal
 */
import type { PerflogStats } from '../interfaces.js';
import type { RecordForwarder } from '../logger-writer.js';
import { CHUNK_BYTES } from './file-tailer.js';

/** Characters of encoded lines the queue holds at most (16 MiB of ASCII, about 80,000 typical records). */
export const MAX_QUEUE_CHARS = 16 * 1024 * 1024;

/** Lines taken from the queue, to ship and then commit. */
export interface QueueBatch {
  readonly lines: string[];
  readonly chars: number;
}

/**
 * A first-in first-out queue of lines: the writer's forwarder on one side, the shipper on the other. A batch stays
 * in the queue until committed, so a failed send is retried with the same records.
 */
export class MemoryQueue implements RecordForwarder {
  #lines: string[] = [];
  #head = 0;
  #chars = 0;
  readonly #stats: PerflogStats;
  readonly #onDrop: () => void;

  /** `onDrop` is called (by the caller's rate limit) after each dropped record, once it is counted. */
  constructor(stats: PerflogStats, onDrop: () => void) {
    this.#stats = stats;
    this.#onDrop = onDrop;
  }

  /** Queues one line, or drops it (counted in `recordsDropped`) when the queue is full. */
  forward(line: string): void {
    if (this.#chars + line.length > MAX_QUEUE_CHARS) {
      this.#stats.recordsDropped++;
      this.#onDrop();
      return;
    }
    this.#lines.push(line);
    this.#chars += line.length;
  }

  /** The oldest lines (about one chunk's worth), or `undefined` when the queue is empty. */
  next(): QueueBatch | undefined {
    if (this.#head === this.#lines.length) return undefined;
    let chars = 0;
    let end = this.#head;
    while (end < this.#lines.length && chars < CHUNK_BYTES) chars += this.#lines[end++]!.length;
    return { lines: this.#lines.slice(this.#head, end), chars };
  }

  /** Removes a batch returned by `next()` (delivered, or refused for good). */
  commit(batch: QueueBatch): void {
    this.#head += batch.lines.length;
    this.#chars -= batch.chars;
    if (this.#head === this.#lines.length) {
      this.#lines = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }
}
