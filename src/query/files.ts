/**
 * Streaming the lines of metric files: big Buffer chunks split on `\n` with `indexOf` (no readline, no
 * string per line), gzip (`.gz`) decompressed on the fly, byte ranges for parallel readers. (Finding the files is
 * `list-files.ts`: workers read, they never glob.)
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** One file to read, or the byte range `[start, end)` of one (ranges start and end on line boundaries). */
export interface FileTask {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly gzip: boolean;
}

/** Called for every line, `buf[start, end)` without its `\n`; valid only during the call. */
export type LineHandler = (buf: Buffer, start: number, end: number) => void;

const CHUNK_BYTES = 1 << 20;

/**
 * Longest line read (1 MiB, the read block): a longer line is skipped to its end without being kept, and counted as one
 * bad line (it reaches the line handler as an empty line). Reading stays linear however long a line is.
 */
export const MAX_LINE_BYTES = CHUNK_BYTES;
/** What an overlong line becomes: an empty line, which every reader counts as bad. */
const OVERLONG_LINE = Buffer.from('\n');

/**
 * The unfinished line between blocks. `resume(block)` returns where in `block` whole lines start again after an
 * overlong line (0 when none is pending, -1 when the whole block still belongs to it, and `overlong` is set when one
 * just ended): a line over `MAX_LINE_BYTES` is never copied, only skipped.
 */
class LineCarry {
  carry: Buffer | undefined;
  #skipping = false;
  overlong = false;

  resume(block: Buffer): number {
    this.overlong = false;
    const carried = this.carry?.length ?? 0;
    if (!this.#skipping && carried === 0) return 0;
    const nl = block.indexOf(10);
    const end = nl < 0 ? block.length : nl;
    if (!this.#skipping && carried + end <= MAX_LINE_BYTES) return 0;
    this.carry = undefined;
    this.#skipping = nl < 0;
    this.overlong = nl >= 0;
    return nl < 0 ? -1 : nl + 1;
  }

  /** Keeps `rest`, the start of the next line, unless it is already too long. */
  keep(rest: Buffer, copy: boolean): void {
    if (rest.length > MAX_LINE_BYTES) { this.carry = undefined; this.#skipping = true; return; }
    this.carry = rest.length === 0 ? undefined : copy ? Buffer.from(rest) : rest;
  }

  /** What is left at the end of the file: the last line without `\n`, or an overlong one. */
  end(): Buffer | undefined {
    return this.#skipping ? OVERLONG_LINE : this.carry;
  }
}

/** Calls `onLine` for every line of `chunk`; the last line may lack its `\n` (end of a file). */
export function splitLines(chunk: Buffer, onLine: LineHandler): void {
  let start = 0;
  for (;;) {
    const nl = chunk.indexOf(10, start);
    if (nl < 0) break;
    onLine(chunk, start, nl);
    start = nl + 1;
  }
  if (start < chunk.length) onLine(chunk, start, chunk.length);
}

/** Whether an error means the file is gone or its gzip stream corrupt: the file ends there, the read goes on. */
export function isEndOfFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_ZLIB_ERROR';
}

/** Whether an end-of-file error was a corrupt gzip stream (counted as one bad line) rather than a vanished file. */
export function isCorrupt(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
}

/**
 * Yields `task`'s content as chunks of whole lines (only the last chunk of a file may end without `\n`). A chunk is
 * valid until the next one is asked for: the buffer is reused.
 */
export async function* lineChunks(task: FileTask): AsyncGenerator<Buffer> {
  if (task.gzip) yield* gzipChunks(task.path);
  else yield* plainChunks(task);
}

/**
 * Calls `onChunk` for every chunk of whole lines of `task`, in order (see `lineChunks`). A file that vanished ends
 * quietly; resolves to `true` when its gzip stream turned out corrupt (the lines before that were read).
 */
export async function readChunks(task: FileTask, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  try {
    for await (const chunk of lineChunks(task)) onChunk(chunk);
    return false;
  } catch (error) {
    if (isEndOfFileError(error)) return isCorrupt(error);
    throw error;
  }
}

// Room before each block for the unfinished line of the block before it.
const HEAD_BYTES = 64 * 1024;

async function* plainChunks(task: FileTask): AsyncGenerator<Buffer> {
  const handle = await open(task.path, 'r');
  // Two buffers: the next block is read (in the thread pool) while the lines of this one are handled.
  let current = Buffer.allocUnsafe(HEAD_BYTES + CHUNK_BYTES);
  let spare = Buffer.allocUnsafe(HEAD_BYTES + CHUNK_BYTES);
  const read = async (buf: Buffer, position: number): Promise<number> => {
    const want = Math.min(CHUNK_BYTES, task.end - position);
    return want > 0 ? (await handle.read(buf, HEAD_BYTES, want, position)).bytesRead : 0;
  };
  try {
    let position = task.start;
    let pending = read(current, position);
    const line = new LineCarry();
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) {
        const rest = line.end();
        if (rest !== undefined && rest.length > 0) yield rest;
        return;
      }
      position += bytesRead;
      let block = current.subarray(HEAD_BYTES, HEAD_BYTES + bytesRead);
      const from = line.resume(block);
      if (line.overlong) yield OVERLONG_LINE;
      if (from < 0) { pending = read(current, position); continue; }
      block = block.subarray(from);
      const carry = line.carry;
      let view: Buffer;
      if (carry === undefined || carry.length === 0) {
        view = block;
      } else if (carry.length <= HEAD_BYTES && block.byteOffset - current.byteOffset === HEAD_BYTES) {
        carry.copy(current, HEAD_BYTES - carry.length);
        view = current.subarray(HEAD_BYTES - carry.length, HEAD_BYTES + bytesRead);
      } else {
        view = Buffer.concat([carry, block]);
      }
      // The carry is out of `spare` now: it can take the next block.
      pending = read(spare, position);
      const last = view.lastIndexOf(10);
      if (last < 0) {
        line.keep(view, view.buffer === current.buffer);
      } else {
        yield view.subarray(0, last + 1);
        line.keep(view.subarray(last + 1), false);
      }
      [current, spare] = [spare, current];
    }
  } finally {
    await handle.close();
  }
}

async function* gzipChunks(path: string): AsyncGenerator<Buffer> {
  const line = new LineCarry();
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES }).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const from = line.resume(chunk);
    if (line.overlong) yield OVERLONG_LINE;
    if (from < 0) continue;
    const block = chunk.subarray(from);
    const carry = line.carry;
    const buf = carry === undefined ? block : Buffer.concat([carry, block]);
    const last = buf.lastIndexOf(10);
    if (last < 0) { line.keep(buf, false); continue; }
    yield buf.subarray(0, last + 1);
    line.keep(buf.subarray(last + 1), true);
  }
  const rest = line.end();
  if (rest !== undefined) yield rest;
}

/** Cuts a plain file into about `pieces` byte ranges that start and end on line boundaries. */
export async function splitFile(path: string, size: number, pieces: number): Promise<FileTask[]> {
  const tasks: FileTask[] = [];
  const handle = await open(path, 'r');
  try {
    const probe = Buffer.allocUnsafe(64 * 1024);
    let start = 0;
    for (let i = 1; i < pieces && start < size; i++) {
      let cut = Math.max(start, Math.floor((size * i) / pieces));
      // Move the cut just past the next newline.
      for (;;) {
        const { bytesRead } = await handle.read(probe, 0, probe.length, cut);
        if (bytesRead === 0) { cut = size; break; }
        const nl = probe.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) { cut += nl + 1; break; }
        cut += bytesRead;
      }
      if (cut > start && cut < size) {
        tasks.push({ path, start, end: cut, gzip: false });
        start = cut;
      }
    }
    // The last piece reads to the end, wherever it is by then (an active file grows).
    tasks.push({ path, start, end: Infinity, gzip: false });
  } finally {
    await handle.close();
  }
  return tasks;
}

/** Whether a file is gzip-compressed, by its name. */
export function isGzip(path: string): boolean {
  return path.endsWith('.gz');
}
