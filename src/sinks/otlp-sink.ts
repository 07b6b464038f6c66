/**
 * The sink of perflog's own OTLP shipper. With files on, the shipper tails the module files in the background and
 * `write` has nothing to do; with files off, lines wait in a bounded memory queue the shipper drains.
 */
import type { FileIdentity } from '../exporters/file-tailer.js';
import type { MemoryQueue } from '../exporters/memory-queue.js';
import type { OtlpShipper } from '../exporters/otlp-shipper.js';
import type { RecordSink } from './record-sink.js';

/** Ships records to a collector through an `OtlpShipper`; `queue` is its spool when there are no files. */
export class OtlpSink implements RecordSink {
  readonly #shipper: OtlpShipper;
  readonly #queue: MemoryQueue | undefined;

  constructor(shipper: OtlpShipper, queue: MemoryQueue | undefined) {
    this.#shipper = shipper;
    this.#queue = queue;
  }

  /** Queues the line when there are no files (the files are the spool otherwise). */
  write(line: string): void {
    this.#queue?.forward(line);
  }

  /** Whether the shipper still needs the file at `path` (it holds records not shipped yet), for the cleaner. */
  isUnshipped(path: string, file: FileIdentity): Promise<boolean> {
    return this.#shipper.isUnshipped(path, file);
  }

  /** Ships what is pending; resolves within `otlp.timeoutMillis` plus a margin. */
  flush(): Promise<void> {
    return this.#shipper.flush();
  }

  /** Ships what is pending, then stops; resolves within `otlp.timeoutMillis` plus a margin. */
  shutdown(): Promise<void> {
    return this.#shipper.shutdown();
  }
}
