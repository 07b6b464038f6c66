/**
 * Small file-system helpers of the file exporter: creating a log directory safely, counting whole lines, encoding a flush.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The byte that ends every line. */
export const NEWLINE = 0x0a;

/**
 * Creates `dir` and its missing parents. Not `mkdirSync(dir, { recursive: true })`: on a path where `mkdir` answers
 * `ENOENT` for an existing parent (under `/proc`), Node's loops forever; this one climbs at most the path's depth.
 */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  makeDirectory(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another writer made it meanwhile
  }
}

/** Complete lines in `data` before `end`. */
export function countLines(data: Buffer, end: number): number {
  let lines = 0;
  for (let i = data.indexOf(NEWLINE); i !== -1 && i < end; i = data.indexOf(NEWLINE, i + 1)) lines++;
  return lines;
}

/** Bytes of the thread's reusable encoding buffer: a full 64 Ki-character buffer plus its last line, at 3 bytes each. */
const SCRATCH_BYTES = 256 * 1024;
let scratch: Buffer | undefined;
let scratchFree = true;

/**
 * `text` as UTF-8, encoded into the thread's one reusable buffer instead of a fresh one per flush. Until
 * `releaseLines` gives it back (a flush nested in a failure report, or a text too long for it) a fresh Buffer is used.
 */
export function encodeLines(text: string): Buffer {
  if (!scratchFree || text.length > SCRATCH_BYTES / 3) return Buffer.from(text);
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  scratchFree = false;
  return scratch.subarray(0, scratch.write(text));
}

/** Gives back the buffer `encodeLines` returned, once its bytes are written. */
export function releaseLines(data: Buffer): void {
  if (data.buffer === scratch?.buffer) scratchFree = true;
}
