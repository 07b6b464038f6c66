/**
 * The iterator behind `readMetrics`. Each `next()` parses lines of the current chunk with `JSON.parse` until one is a
 * record that passes the filters, and hands it out at once: no batch of records is kept (records die young, in the
 * GC's cheapest generation), and only the end of a chunk awaits the next read. `JSON.parse` decodes every field
 * faster than a tokenizer written in JavaScript can build the same objects (`bench/read`); the tokenizer pays
 * off in `queryMetrics`, which decodes a few fields and builds no object.
 */
import { isAscii } from 'node:buffer';
import type { ResolvedReadOptions } from './options.js';
import { TIMESTAMP_RANGE } from './parser.js';
import { isCorrupt, isEndOfFileError, isGzip, lineChunks } from './files.js';
import { listFiles } from './list-files.js';
import type { MetricRecord, ReadStats } from './reader.js';

/** Node's decoders without `toString`'s argument checks (the bounds are checked here). */
interface Slicing { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string }

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const EMPTY = Buffer.alloc(0);

/**
 * @internal Whether a parsed line is a record: an object with a `timestamp` in `TIMESTAMP_RANGE`, string `module`
 * and `operation`.
 */
export function isRecord(line: unknown): line is MetricRecord {
  if (typeof line !== 'object' || line === null) return false;
  const timestamp = (line as Record<string, unknown>)['timestamp'];
  return typeof timestamp === 'number' && timestamp >= TIMESTAMP_RANGE.min && timestamp <= TIMESTAMP_RANGE.max
    && typeof (line as Record<string, unknown>)['module'] === 'string' && typeof (line as Record<string, unknown>)['operation'] === 'string';
}

/** @internal Whether a record passes the time window and equality filters. */
export function matches(record: MetricRecord, options: ResolvedReadOptions): boolean {
  if (record.timestamp < options.since || record.timestamp >= options.until) return false;
  for (const [key, value] of options.where) {
    if (!Object.hasOwn(record, key) || record[key] !== value) return false;
  }
  return true;
}

/** The record on one line (`JSON.parse`), or `undefined` when the line is not one. */
function parseRecord(text: string): MetricRecord | undefined {
  let line: unknown;
  try { line = JSON.parse(text); } catch { return undefined; }
  return isRecord(line) ? line : undefined;
}

/** @internal One pass over the files of a `readMetrics` call. */
export class RecordIterator implements AsyncIterator<MetricRecord, undefined> {
  readonly #options: ResolvedReadOptions;
  readonly #stats: ReadStats;
  #files: { path: string }[] | undefined;
  #fileIndex = 0;
  /** Chunks of whole lines of the file being read (`undefined` between files). */
  #chunks: AsyncGenerator<Buffer> | undefined;
  /** The chunk being handed out; valid until the next one is asked for. */
  #chunk: Buffer = EMPTY;
  #position = 0;
  /** Whether the chunk is all ASCII: then it decodes as Latin-1, the cheapest decoder, to the same string. */
  #ascii = false;
  #done = false;
  /** The read in progress: a `next()` called before it settles waits for it (calls settle in order). */
  #reading: Promise<IteratorResult<MetricRecord, undefined>> | undefined;

  constructor(options: ResolvedReadOptions, stats: ReadStats) {
    this.#options = options;
    this.#stats = stats;
  }

  next(): Promise<IteratorResult<MetricRecord, undefined>> {
    if (this.#reading !== undefined) return this.#reading.then(() => this.next(), () => this.next());
    const record = this.#take();
    if (record !== undefined) return Promise.resolve({ value: record, done: false });
    const reading = this.#read().finally(() => { this.#reading = undefined; });
    this.#reading = reading;
    return reading;
  }

  /** Ends the pass early (`break` out of `for await`): the open file is closed. */
  async return(): Promise<IteratorResult<MetricRecord, undefined>> {
    this.#done = true;
    this.#chunk = EMPTY;
    const chunks = this.#chunks;
    this.#chunks = undefined;
    await chunks?.return(undefined);
    return DONE;
  }

  /** The next record of the current chunk that passes the filters, counting lines; `undefined` at its end. */
  #take(): MetricRecord | undefined {
    const chunk = this.#chunk;
    const slicing = chunk as Buffer & Slicing;
    const ascii = this.#ascii;
    const length = chunk.length;
    const stats = this.#stats;
    while (this.#position < length) {
      const start = this.#position;
      let end = chunk.indexOf(10, start);
      if (end < 0) end = length;
      this.#position = end + 1;
      stats.linesRead++;
      const record = parseRecord(ascii ? slicing.latin1Slice(start, end) : slicing.utf8Slice(start, end));
      if (record === undefined) stats.badLines++;
      else if (matches(record, this.#options)) return record;
    }
    return undefined;
  }

  /** Reads chunks (and files) until one holds a record to hand out, or the files end. */
  async #read(): Promise<IteratorResult<MetricRecord, undefined>> {
    for (;;) {
      if (this.#done) return DONE;
      if (this.#chunks === undefined) {
        this.#files ??= await listFiles(this.#options.patterns, this.#options.baseDir);
        const file = this.#files[this.#fileIndex++];
        if (file === undefined) { this.#done = true; return DONE; }
        this.#stats.files++;
        this.#chunks = lineChunks({ path: file.path, start: 0, end: Infinity, gzip: isGzip(file.path) });
      }
      let next: IteratorResult<Buffer>;
      try {
        next = await this.#chunks.next();
      } catch (error) {
        this.#chunks = undefined;
        // A vanished file or a corrupt gzip stream ends that file (a corrupt one is one bad line); anything else ends the pass.
        if (!isEndOfFileError(error)) { this.#done = true; throw error; }
        if (isCorrupt(error)) { this.#stats.linesRead++; this.#stats.badLines++; }
        continue;
      }
      if (next.done === true) { this.#chunks = undefined; continue; }
      this.#chunk = next.value;
      this.#position = 0;
      this.#ascii = isAscii(next.value);
      const record = this.#take();
      if (record !== undefined) return { value: record, done: false };
    }
  }
}
