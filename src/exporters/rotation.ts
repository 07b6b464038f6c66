/**
 * Rotation of an active log file: UTC periods, time-sortable suffixes, and a rename that can neither lose nor
 * overwrite a file, even when two writers rotate at once.
 */
import { existsSync, linkSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { isAlive } from './file-lock.js';

/** When the active file is rotated by time (UTC boundaries, so a DST change never rotates twice or skips). */
export type RotateInterval = 'none' | 'hourly' | 'daily';

const HOUR_MILLIS = 3_600_000;
const DAY_MILLIS = 86_400_000;
/** Digits of the counter in a rotated file's suffix: `.001` sorts before `.010` and `.100`. */
export const COUNTER_DIGITS = 3;

/** Length of one period in milliseconds; 0 for `none`. */
export function periodMillis(interval: RotateInterval): number {
  return interval === 'hourly' ? HOUR_MILLIS : interval === 'daily' ? DAY_MILLIS : 0;
}

/**
 * The date part of a rotated file's suffix: the UTC day (`2026-11-25`) or hour (`2026-11-25T13`) of `timeMs`.
 * With `none`, size rotations are labelled with the UTC day they happen on.
 */
export function periodLabel(interval: RotateInterval, timeMs: number): string {
  const iso = new Date(timeMs).toISOString();
  return interval === 'hourly' ? iso.slice(0, 13) : iso.slice(0, 10);
}

/** The hidden lock file of an active file (hidden, so the cleaner's and the reader's `*` patterns never match it). */
export function lockPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.lock`);
}

let staged = 0;

/**
 * Moves the active file at `path` to `<path>.<label>.<counter>`, the counter one above the highest already used
 * on `label`'s UTC day, whatever the interval (`2026-11-25T02.001`, then `2026-11-25.002` after a switch to daily):
 * the date and then the counter order rotated files as they were written (`rotatedOrder`), even when the
 * `rotateInterval` changed. Three steps, none of which can lose or overwrite a file: `rename` to a staging name unique to this
 * call (atomic: writers holding the file open keep appending to it), `link` to the final name (fails with `EEXIST`
 * instead of replacing, so a taken counter is skipped), `unlink` of the staging name. Staging files left by a writer
 * that died between the steps are published first. Throws the first error that is not a taken counter.
 * @returns the rotated file's path.
 */
export function rotateFile(path: string, label: string): string {
  const dir = dirname(path);
  const base = basename(path);
  const stagingPrefix = `.${base}.rotating-`;
  const mine = `${stagingPrefix}${process.pid}-${threadId}-`;
  const staging = `${mine}${++staged}`;
  renameSync(path, join(dir, staging));
  const names = readdirSync(dir);
  let counter = highestCounter(names, `${base}.${label.slice(0, DATE_CHARS)}`) + 1;
  for (const name of names) {
    if (!name.startsWith(stagingPrefix) || name === staging) continue;
    // An earlier attempt of this thread that failed midway, or one by a writer that died midway.
    const pid = Number(name.slice(stagingPrefix.length).split('-')[0]);
    if (name.startsWith(mine) || !isAlive(pid)) counter = publish(dir, name, `${base}.${label}.`, counter) + 1;
  }
  const target = publish(dir, staging, `${base}.${label}.`, counter);
  return join(dir, `${base}.${label}.${pad(target)}`);
}

/** Gives the staging file `name` the first free name `<prefix><counter>` from `counter` on; returns that counter. */
function publish(dir: string, name: string, prefix: string, counter: number): number {
  const from = join(dir, name);
  for (; ; counter++) {
    const to = join(dir, `${prefix}${pad(counter)}`);
    try {
      linkSync(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (!LINKS_UNSUPPORTED.has(code ?? '')) throw error;
      // A file system without hard links: rename, which is safe while the lock keeps rotations apart.
      if (existsSync(to)) continue;
      renameSync(from, to);
      return counter;
    }
    unlinkSync(from);
    return counter;
  }
}

const LINKS_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Characters of the UTC date (`2026-11-25`) that starts every label. */
const DATE_CHARS = 10;
/** A rotated suffix: the date, an optional hour, then the counter (`2026-11-25T02.001`, `2026-11-25.002.gz`). */
const SUFFIX = /^(\d{4}-\d{2}-\d{2})(?:T\d{2})?\.(\d+)(?:\.|$)/;

/**
 * The highest counter among `names` that start with `prefix` (`app_metrics.log.2026-11-25`) followed by an optional
 * hour and a counter (`.001`, `T02.003`, compressed or not); 0 when none.
 */
export function highestCounter(names: readonly string[], prefix: string): number {
  let highest = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const digits = /^(?:T\d{2})?\.(\d+)/.exec(name.slice(prefix.length));
    if (digits !== null) highest = Math.max(highest, Number(digits[1]));
  }
  return highest;
}

const NAME_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * Compares two rotated suffixes (what follows `<active>.`) in the order the files were written: by UTC date, then by
 * the counter (shared by every label of a day, so an hourly and a daily file of one day cannot disagree), then by
 * name in numeric order (suffixes perflog did not make, such as `2026-01-01.2` before `2026-01-01.10`).
 */
export function rotatedOrder(a: string, b: string): number {
  const left = SUFFIX.exec(a);
  const right = SUFFIX.exec(b);
  const dateA = left?.[1] ?? a.slice(0, DATE_CHARS);
  const dateB = right?.[1] ?? b.slice(0, DATE_CHARS);
  if (dateA !== dateB) return NAME_ORDER.compare(dateA, dateB);
  const counterA = left === null ? 0 : Number(left[2]);
  const counterB = right === null ? 0 : Number(right[2]);
  return counterA !== counterB ? counterA - counterB : NAME_ORDER.compare(a, b);
}

function pad(counter: number): string {
  return String(counter).padStart(COUNTER_DIGITS, '0');
}
