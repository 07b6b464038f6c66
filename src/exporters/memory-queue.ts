/**
 * The OTLP spool when there is no local file (`file.enabled: false`): encoded lines wait in memory, packed into
 * byte chunks, bounded by bytes; when full, new records are dropped and counted.
 */
import type { PerflogStats } from '../interfaces.js';
import { CHUNK_BYTES } from './file-tailer.js';

/** Bytes of encoded lines the queue holds at most (about 100,000 typical records). */
export const MAX_QUEUE_BYTES = 16 * 1024 * 1024;
/** Lines are gathered in a string and packed into one buffer of about this many characters. */
const PACK_CHARS = 64 * 1024;

/** Chunks taken from the queue, to ship and then commit. */
export interface QueueBatch {
  readonly lines: string[];
  readonly chunks: number;
  readonly bytes: number;
}

/**
 * A first-in first-out queue of lines: the OTLP sink on one side, the shipper on the other. Lines are packed
 * into buffers (no per-record object survives), and a batch stays queued until committed, so a failed send is
 * retried with the same records.
 */
export class MemoryQueue {
  #chunks: Buffer[] = [];
  #head = 0;
  #tail = '';
  #bytes = 0;
  readonly #stats: PerflogStats;
  readonly #onDrop: () => void;

  /** `onDrop` is called after each dropped record, once it is counted (the caller rate-limits its reports). */
  constructor(stats: PerflogStats, onDrop: () => void) {
    this.#stats = stats;
    this.#onDrop = onDrop;
  }

  /** Queues one line, or drops it (counted in `recordsDropped`) when the queue is full. */
  forward(line: string): void {
    if (this.#bytes + line.length > MAX_QUEUE_BYTES) {
      this.#stats.recordsDropped++;
      this.#onDrop();
      return;
    }
    this.#tail += line;
    this.#bytes += line.length;
    if (this.#tail.length >= PACK_CHARS) this.#pack();
  }

  /** The oldest lines (about one chunk's worth), or `undefined` when the queue is empty. */
  next(): QueueBatch | undefined {
    this.#pack();
    if (this.#head === this.#chunks.length) return undefined;
    let bytes = 0;
    let end = this.#head;
    while (end < this.#chunks.length && bytes < CHUNK_BYTES) bytes += this.#chunks[end++]!.length;
    const text = this.#chunks.slice(this.#head, end).map((chunk) => chunk.toString('utf8')).join('');
    return { lines: text.split('\n').filter((line) => line !== ''), chunks: end - this.#head, bytes };
  }

  /** Removes a batch returned by `next()` (delivered, or refused for good). */
  commit(batch: QueueBatch): void {
    this.#head += batch.chunks;
    this.#bytes -= batch.bytes;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  #pack(): void {
    if (this.#tail === '') return;
    const chunk = Buffer.from(this.#tail);
    this.#bytes += chunk.length - this.#tail.length; // characters were counted; multi-byte ones take more
    this.#chunks.push(chunk);
    this.#tail = '';
  }
}
