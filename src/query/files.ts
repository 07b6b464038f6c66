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
    let carry: Buffer | undefined;
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) {
        if (carry !== undefined && carry.length > 0) yield carry;
        return;
      }
      position += bytesRead;
      let view: Buffer;
      if (carry === undefined || carry.length === 0) {
        view = current.subarray(HEAD_BYTES, HEAD_BYTES + bytesRead);
      } else if (carry.length <= HEAD_BYTES) {
        carry.copy(current, HEAD_BYTES - carry.length);
        view = current.subarray(HEAD_BYTES - carry.length, HEAD_BYTES + bytesRead);
      } else {
        view = Buffer.concat([carry, current.subarray(HEAD_BYTES, HEAD_BYTES + bytesRead)]);
      }
      // The carry is out of `spare` now: it can take the next block.
      pending = read(spare, position);
      const last = view.lastIndexOf(10);
      if (last < 0) {
        carry = view.buffer === current.buffer ? Buffer.from(view) : view;
      } else {
        yield view.subarray(0, last + 1);
        carry = view.subarray(last + 1);
      }
      [current, spare] = [spare, current];
    }
  } finally {
    await handle.close();
  }
}

async function* gzipChunks(path: string): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES }).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    const last = buf.lastIndexOf(10);
    if (last < 0) { carry = buf; continue; }
    yield buf.subarray(0, last + 1);
    carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : undefined;
  }
  if (carry !== undefined) yield carry;
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
