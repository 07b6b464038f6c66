/**
 * Small file-system helpers of the file exporter: creating a log directory safely, counting whole lines.
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
