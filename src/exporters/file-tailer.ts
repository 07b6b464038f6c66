/**
 * Reads the module files of one log directory from a persisted position, for the OTLP shipper: the files are the
 * spool, so nothing waits in memory while a collector is away.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';

/** Name of the offsets file inside the log directory. */
export const OFFSETS_FILE = '.perflog-otlp-offsets.json';
/** Bytes read (and sent, as one request) at most at a time. */
export const CHUNK_BYTES = 512 * 1024;
/**
 * A rotated file is finished once it has not changed for this long: another process may still append to it
 * for a moment after the rename (it has the old file open).
 */
export const ROTATED_GRACE_MILLIS = 2000;

/** Where shipping stands in one stream (one active file name and its rotated predecessors). */
interface StreamState {
  /** Inode (decimal) of the file being shipped. */
  ino: string;
  /** Bytes of that file already delivered (or refused for good). */
  offset: number;
  /** The name it had when last seen. */
  name: string;
  /** Its modification time when last seen (to find its successor if it vanishes). */
  mtimeMs: number;
}

/** Lines read from one file, to ship and then commit. */
export interface FileBatch {
  readonly lines: string[];
  readonly stream: string;
  readonly ino: string;
  readonly name: string;
  readonly mtimeMs: number;
  /** Offset just after the last line. */
  readonly end: number;
}

type Entry = { name: string; stats: BigIntStats };
const NAME_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * Tracks each stream by inode and byte offset. When the active file's inode changes (rotation renamed it to
 * `<active>.<suffix>`), the old inode is finished under its rotated name, then the next rotated file in name order
 * (suffixes sort by time), then the active one. Positions are persisted in `<logDir>/.perflog-otlp-offsets.json`
 * (written atomically) only on `commit()`, i.e. after the collector accepted the batch.
 */
export class FileTailer {
  readonly #dir: string;
  readonly #statePath: string;
  readonly #active: RegExp;
  readonly #snapshot = new Map<string, StreamState>();
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #streams: Record<string, StreamState> = {};
  #next = 0;

  /** Takes, synchronously, the position the shipper starts from if no offsets were ever saved: the files' ends. */
  constructor(dir: string, fileNameTemplate: string) {
    this.#dir = dir;
    this.#statePath = join(dir, OFFSETS_FILE);
    const escaped = fileNameTemplate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('\\{module\\}', '[^/]+');
    this.#active = new RegExp(`^${escaped}$`);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((name) => this.#active.test(name));
    } catch {
      // no directory yet: every file starts at 0
    }
    for (const name of names) {
      try {
        const stats = statSync(join(dir, name), { bigint: true });
        if (stats.isFile()) this.#snapshot.set(name, stateOf(name, stats, Number(stats.size)));
      } catch {
        // vanished meanwhile: it starts at 0 if it comes back
      }
    }
    this.#saveSnapshotOnce();
  }

  /**
   * Saves the start position at once unless positions were saved before (`wx`: never overwrites), so records of a
   * process that exits before its first shipping pass are shipped by the next one.
   */
  #saveSnapshotOnce(): void {
    try {
      mkdirSync(this.#dir, { recursive: true });
      writeFileSync(this.#statePath, JSON.stringify({ version: 1, streams: Object.fromEntries(this.#snapshot) }), { flag: 'wx' });
    } catch {
      // saved before (EEXIST), or not writable: load() decides
    }
  }

  /** The path the shipper's lock is taken on. */
  get statePath(): string {
    return this.#statePath;
  }

  /** (Re)loads the saved positions; the first time ever, saves the start snapshot. */
  async load(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.#statePath, 'utf8')) as { streams?: Record<string, StreamState> };
      this.#streams = saved.streams ?? {};
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') diag.warn(`perflog: unreadable ${this.#statePath}, starting from the files' ends`, error);
    }
    this.#streams = Object.fromEntries(this.#snapshot);
    await mkdir(this.#dir, { recursive: true });
    await this.#save();
  }

  /** The next complete lines to ship, from any stream (round robin), or `undefined` when all are shipped. */
  async next(): Promise<FileBatch | undefined> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return undefined;
    }
    const streams = [...new Set([...names.filter((name) => this.#active.test(name)), ...Object.keys(this.#streams)])].sort();
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[(this.#next + i) % streams.length]!;
      const batch = await this.#read(stream, names);
      if (batch !== undefined) {
        this.#next = (this.#next + i + 1) % streams.length;
        return batch;
      }
    }
    return undefined;
  }

  /** Records a batch as shipped (delivered, or refused for good) and saves the positions. */
  async commit(batch: FileBatch): Promise<void> {
    this.#streams[batch.stream] = { ino: batch.ino, offset: batch.end, name: batch.name, mtimeMs: batch.mtimeMs };
    await this.#save();
  }

  async #read(stream: string, listed: string[]): Promise<FileBatch | undefined> {
    let names = listed;
    let relisted = false;
    let active = await statFile(join(this.#dir, stream));
    const statCache = new Map<string, BigIntStats | undefined>();
    const statOf = async (name: string): Promise<BigIntStats | undefined> => {
      if (!statCache.has(name)) statCache.set(name, await statFile(join(this.#dir, name)));
      return statCache.get(name);
    };
    let state = this.#streams[stream];
    if (state === undefined) {
      if (active === undefined) return undefined;
      state = this.#streams[stream] = stateOf(stream, active, 0);
    }
    for (let hops = 0; hops < 10_000; hops++) {
      const rotated = names.filter((name) => name.startsWith(`${stream}.`) && !name.endsWith('.gz') && !this.#active.test(name))
        .sort(NAME_ORDER.compare);
      let found: Entry | undefined;
      if (active !== undefined && String(active.ino) === state.ino) found = { name: stream, stats: active };
      for (let i = 0; found === undefined && i < rotated.length; i++) {
        const stats = await statOf(rotated[i]!);
        if (stats !== undefined && String(stats.ino) === state.ino) found = { name: rotated[i]!, stats };
      }
      if (found === undefined && !relisted) {
        // the listing may predate a rotation we then saw in the active file's inode: list again before giving up
        relisted = true;
        names = await readdir(this.#dir).catch(() => names);
        statCache.clear();
        active = await statFile(join(this.#dir, stream));
        continue;
      }
      let next: Entry | undefined;
      if (found === undefined) {
        // deleted (retention, by hand) or compressed before it was shipped: what was left in it is lost to the collector
        diag.warn(`perflog: ${state.name} vanished before it was fully shipped over OTLP; continuing with the next file`);
        next = (await firstNewer(rotated, state.mtimeMs, statOf)) ?? (active && { name: stream, stats: active });
        if (next === undefined) {
          delete this.#streams[stream];
          return undefined;
        }
      } else {
        const size = Number(found.stats.size);
        const isActive = found.name === stream;
        if (state.offset > size) state.offset = 0; // truncated in place: start over
        if (state.offset < size) {
          const batch = await this.#chunk(stream, found, state.offset, size, isActive);
          if (batch !== 'done') return batch;
        }
        if (isActive || Date.now() - Number(found.stats.mtimeMs) < ROTATED_GRACE_MILLIS) return undefined;
        for (const name of rotated) {
          if (NAME_ORDER.compare(name, found.name) <= 0) continue;
          const stats = await statOf(name);
          if (stats !== undefined) {
            next = { name, stats };
            break;
          }
        }
        next ??= active && { name: stream, stats: active };
        if (next === undefined) return undefined;
      }
      state = this.#streams[stream] = stateOf(next.name, next.stats, 0);
    }
    return undefined;
  }

  /**
   * Reads complete lines from `offset`: a batch, `undefined` to wait (no complete line yet, or the file moved under
   * its name since it was looked up), or `done` when what is left of a finished file is a torn line (skipped).
   * A line longer than a chunk is skipped.
   */
  async #chunk(stream: string, file: Entry, offset: number, size: number, isActive: boolean): Promise<FileBatch | undefined | 'done'> {
    const handle = await open(join(this.#dir, file.name), 'r').catch(() => undefined);
    if (handle === undefined) return undefined;
    try {
      if ((await handle.stat({ bigint: true })).ino !== file.stats.ino) return undefined;
      const { bytesRead } = await handle.read(this.#buffer, 0, Math.min(CHUNK_BYTES, size - offset), offset);
      const last = bytesRead > 0 ? this.#buffer.lastIndexOf(10, bytesRead - 1) : -1;
      const base = { stream, ino: String(file.stats.ino), name: file.name, mtimeMs: Number(file.stats.mtimeMs) };
      if (last >= 0) return { ...base, lines: this.#buffer.toString('utf8', 0, last).split('\n'), end: offset + last + 1 };
      if (bytesRead === CHUNK_BYTES) {
        diag.warn(`perflog: skipping a line longer than ${CHUNK_BYTES} bytes in ${file.name} at byte ${offset}`);
        return { ...base, lines: [], end: offset + bytesRead };
      }
      if (isActive || bytesRead === 0 || Date.now() - base.mtimeMs < ROTATED_GRACE_MILLIS) return isActive ? undefined : 'done';
      diag.warn(`perflog: skipping an unterminated last line in ${file.name}`);
      return { ...base, lines: [], end: offset + bytesRead };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async #save(): Promise<void> {
    const temp = `${this.#statePath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, streams: this.#streams }));
    await rename(temp, this.#statePath);
  }
}

async function firstNewer(rotated: string[], mtimeMs: number, statOf: (name: string) => Promise<BigIntStats | undefined>): Promise<Entry | undefined> {
  for (const name of rotated) {
    const stats = await statOf(name);
    if (stats !== undefined && Number(stats.mtimeMs) > mtimeMs) return { name, stats };
  }
  return undefined;
}

function stateOf(name: string, stats: BigIntStats, offset: number): StreamState {
  return { ino: String(stats.ino), offset, name, mtimeMs: Number(stats.mtimeMs) };
}

async function statFile(path: string): Promise<BigIntStats | undefined> {
  try {
    const stats = await stat(path, { bigint: true });
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}
