/**
 * Reads the module files of one log directory from a persisted position, for the OTLP shipper: the files are the
 * spool, so nothing waits in memory while a collector is away.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { MAX_RECORD_BYTES } from '../record-encoder.js';
import { OffsetsJournal } from './offsets-journal.js';
import type { SavedPositions, StreamState } from './offsets-journal.js';
import { rotatedOrder } from './rotation.js';

/** Name of the offsets file inside the log directory. */
export const OFFSETS_FILE = '.perflog-otlp-offsets.json';
/** Bytes read (and sent, as one request) at most at a time: the largest record perflog writes fits in one. */
export const CHUNK_BYTES = MAX_RECORD_BYTES;
/**
 * A rotated file is finished once it has not changed for this long: another process may still append to it
 * for a moment after the rename (it has the old file open).
 */
export const ROTATED_GRACE_MILLIS = 2000;
/**
 * How far a file's mtime may lag the moment it was written, as `Date.now()` sees it: file systems stamp times from
 * a coarse clock (on Linux up to a scheduler tick behind, measured here at 6.5 ms; whole seconds on some, two on FAT).
 * A file counts as written after shipping started if its mtime is at most this much before the start, so a burst
 * that rotates within milliseconds of the start is not skipped.
 */
export const FILE_CLOCK_SLACK_MILLIS = 2000;

/** One stream's share of a batch: where that stream stands once the batch is delivered. */
interface BatchPart {
  readonly stream: string;
  readonly state: StreamState;
  readonly bytes: number;
}

/** Lines read from one or more files, to ship (as one request) and then commit. */
export interface FileBatch {
  readonly lines: string[];
  readonly parts: readonly BatchPart[];
}

/** What the cleaner knows of a file it is about to delete. */
export interface FileIdentity {
  readonly ino: number | bigint;
  readonly size: number | bigint;
  readonly mtimeMs: number;
}

type Entry = { name: string; stats: BigIntStats };
const waiting = (mtimeMs: number): StreamState => ({ ino: '', offset: 0, name: '', mtimeMs });
/** Positions read for a process that does not ship are reused this long. */
const QUERY_CACHE_MILLIS = 1000;

/**
 * Tracks each stream by inode and byte offset. When the active file's inode changes (rotation renamed it to
 * `<active>.<suffix>`), the old inode is finished under its rotated name, then the next rotated file in write order
 * (`rotatedOrder`), then the active one. A stream the positions do not know yet starts at its first file modified
 * after shipping started in this folder, so files rotated before the first pass (or while the collector was away,
 * across restarts) are shipped too. Positions are saved only on `commit()`, i.e. after the collector accepted the batch.
 */
export class FileTailer {
  readonly #dir: string;
  readonly #journal: OffsetsJournal;
  readonly #active: RegExp;
  readonly #hiddenStreams: boolean;
  readonly #start: SavedPositions;
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #positions: SavedPositions;
  #rotated = new Map<string, string[]>();
  #streams: string[] = [];
  readonly #idle = new Set<string>();
  #next = 0;
  #query: { atMs: number; positions: SavedPositions | undefined } | undefined;

  /** Takes, synchronously, the position the shipper starts from if no offsets were ever saved: the files' ends. */
  constructor(dir: string, fileNameTemplate: string) {
    this.#dir = dir;
    this.#journal = new OffsetsJournal(join(dir, OFFSETS_FILE));
    const escaped = fileNameTemplate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('\\{module\\}', '[^/]+');
    this.#active = new RegExp(`^${escaped}$`);
    this.#hiddenStreams = fileNameTemplate.startsWith('.');
    const startedMs = Date.now();
    const streams = new Map<string, StreamState>();
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((name) => this.#active.test(name));
    } catch {
      // no directory yet: every file starts at 0
    }
    for (const name of names) {
      try {
        const stats = statSync(join(dir, name), { bigint: true });
        if (stats.isFile()) streams.set(name, stateOf({ name, stats }, Number(stats.size)));
      } catch {
        // vanished meanwhile: it starts at 0 if it comes back
      }
    }
    this.#start = { startedMs, streams };
    this.#positions = { startedMs, streams: new Map(streams) };
    try {
      mkdirSync(dir, { recursive: true });
      // saved at once, unless saved before: records of a process that exits before its first pass are shipped by the next
      this.#journal.createOnceSync(this.#start);
    } catch {
      // not writable: load() decides
    }
  }

  /** The path the shipper's lock is taken on. */
  get statePath(): string {
    return this.#journal.path;
  }

  /** (Re)loads the saved positions; the first time ever, saves the start snapshot. */
  async load(): Promise<void> {
    try {
      const saved = await this.#journal.load();
      if (saved !== undefined) {
        this.#positions = saved;
        return;
      }
    } catch (error) {
      diag.warn(`perflog: unreadable ${this.#journal.path}, starting from the files' ends`, error);
    }
    this.#positions = { startedMs: this.#start.startedMs, streams: new Map(this.#start.streams) };
    await mkdir(this.#dir, { recursive: true });
    await this.#journal.rewrite(this.#positions);
  }

  /** Lists the folder once for a shipping pass: every stream is looked at again. */
  async beginPass(): Promise<void> {
    this.#idle.clear();
    this.#list(await readdir(this.#dir).catch(() => []));
  }

  /**
   * The next complete lines to ship, from as many streams as fit in one chunk (round robin), or `undefined` when
   * all are shipped. A stream found with nothing new is not looked at again until the next `beginPass()`.
   */
  async next(): Promise<FileBatch | undefined> {
    const streams = this.#streams;
    const lines: string[] = [];
    const parts: BatchPart[] = [];
    let budget = CHUNK_BYTES;
    const start = this.#next;
    for (let i = 0; i < streams.length && budget > 0; i++) {
      const index = (start + i) % streams.length;
      const stream = streams[index]!;
      if (this.#idle.has(stream)) continue;
      const part = await this.#read(stream, budget, lines);
      if (part === 'full') break;
      if (part === undefined) {
        this.#idle.add(stream);
        continue;
      }
      parts.push(part);
      budget -= part.bytes;
      this.#next = (index + 1) % streams.length;
    }
    return parts.length === 0 ? undefined : { lines, parts };
  }

  /** Records a batch as shipped (delivered, or refused for good) and saves the positions of its streams. */
  async commit(batch: FileBatch): Promise<void> {
    for (const part of batch.parts) this.#positions.streams.set(part.stream, part.state);
    await this.#journal.save(this.#positions, batch.parts.map((part) => part.stream));
  }

  /**
   * Whether the file `name` of this folder still holds lines not shipped. `isShipping`: this process holds the
   * shipping lock (its positions are current); otherwise the saved ones are read.
   */
  async isUnshipped(name: string, file: FileIdentity, isShipping: boolean): Promise<boolean> {
    const stream = this.#streamOf(name);
    if (stream === undefined || name.endsWith('.gz')) return false;
    const positions = isShipping ? this.#positions : await this.#saved();
    const state = positions.streams.get(stream);
    if (state === undefined) return name === stream || file.mtimeMs > positions.startedMs - FILE_CLOCK_SLACK_MILLIS;
    if (state.ino === String(file.ino)) return state.offset < Number(file.size);
    if (state.ino === '') return file.mtimeMs > state.mtimeMs;
    if (name === stream) return true; // the active file is never older than the one being shipped
    if (state.name !== stream) return rotatedOrder(name.slice(stream.length + 1), state.name.slice(stream.length + 1)) > 0;
    return file.mtimeMs > state.mtimeMs;
  }

  async #saved(): Promise<SavedPositions> {
    const now = Date.now();
    if (this.#query === undefined || now - this.#query.atMs > QUERY_CACHE_MILLIS) {
      const positions = await new OffsetsJournal(this.#journal.path).load().catch(() => undefined);
      this.#query = { atMs: now, positions };
    }
    return this.#query.positions ?? this.#start;
  }

  #list(names: readonly string[]): void {
    const active = new Set<string>();
    const rotated = new Map<string, string[]>();
    for (const name of names) {
      if (name.startsWith('.') && !this.#hiddenStreams) continue; // locks, staging names, the offsets file
      if (this.#active.test(name)) {
        active.add(name);
        continue;
      }
      const stream = this.#streamOf(name);
      if (stream === undefined || name.endsWith('.gz')) continue;
      const list = rotated.get(stream);
      if (list === undefined) rotated.set(stream, [name]);
      else list.push(name);
    }
    for (const [stream, list] of rotated) {
      const at = stream.length + 1;
      list.sort((a, b) => rotatedOrder(a.slice(at), b.slice(at)));
    }
    this.#rotated = rotated;
    this.#streams = [...new Set([...active, ...rotated.keys(), ...this.#positions.streams.keys()])].sort();
  }

  /** The stream (active file name) `name` belongs to: itself, or the shortest active name it extends with `.`. */
  #streamOf(name: string): string | undefined {
    if (this.#active.test(name)) return name;
    for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
      if (this.#active.test(name.slice(0, dot))) return name.slice(0, dot);
    }
    return undefined;
  }

  /** One chunk of `stream` (at most `budget` bytes) appended to `lines`; `full` when its next line does not fit. */
  async #read(stream: string, budget: number, lines: string[]): Promise<BatchPart | undefined | 'full'> {
    const streams = this.#positions.streams;
    let state = streams.get(stream) ?? waiting(this.#positions.startedMs - FILE_CLOCK_SLACK_MILLIS);
    let relisted = false;
    for (let hops = 0; hops < 10_000; hops++) {
      const rotated = this.#rotated.get(stream) ?? [];
      const active = await statFile(join(this.#dir, stream));
      let found: Entry | undefined;
      if (state.ino === '') {
        found = await this.#firstAfter(rotated, state.mtimeMs, active && { name: stream, stats: active });
        if (found === undefined) return undefined;
        state = stateOf(found, 0);
        streams.set(stream, state);
      } else {
        found = await this.#locate(stream, state, rotated, active);
      }
      if (found === undefined) {
        if (!relisted) {
          // the listing may predate a rotation we then saw in the active file's inode: list again before giving up
          relisted = true;
          this.#list(await readdir(this.#dir).catch(() => []));
          continue;
        }
        // deleted (by hand, or past retentionDays + 7) or compressed before it was shipped: the rest of it is lost
        diag.warn(`perflog: ${state.name} vanished before it was fully shipped over OTLP; continuing with the next file`);
        const next = state.name !== stream && state.name !== '' ? await this.#after(state.name, stream, rotated, active) : undefined;
        state = next === undefined ? waiting(state.mtimeMs) : stateOf(next, 0);
        streams.set(stream, state);
        continue;
      }
      const size = Number(found.stats.size);
      const isActive = found.name === stream;
      const offset = state.offset > size ? 0 : state.offset; // truncated in place: start over
      if (offset < size) {
        const part = await this.#chunk(stream, found, offset, size, isActive, budget, lines);
        if (part !== 'done') return part;
      }
      if (isActive || Date.now() - Number(found.stats.mtimeMs) < ROTATED_GRACE_MILLIS) return undefined;
      const next = await this.#after(found.name, stream, rotated, active);
      if (next === undefined) return undefined;
      state = stateOf(next, 0);
      streams.set(stream, state);
    }
    return undefined;
  }

  /** The file `state` is on: by inode, under the active name, its last known name, or any rotated name. */
  async #locate(stream: string, state: StreamState, rotated: readonly string[], active: BigIntStats | undefined): Promise<Entry | undefined> {
    if (active !== undefined && String(active.ino) === state.ino) return { name: stream, stats: active };
    const candidates = state.name !== stream && state.name !== '' ? [state.name, ...rotated] : rotated;
    for (const name of candidates) {
      const stats = await statFile(join(this.#dir, name));
      if (stats !== undefined && String(stats.ino) === state.ino) return { name, stats };
    }
    return undefined;
  }

  /** The first file in write order modified after `mtimeMs` (scanning back from the newest), else the active one. */
  async #firstAfter(rotated: readonly string[], mtimeMs: number, active: Entry | undefined): Promise<Entry | undefined> {
    let first: Entry | undefined;
    for (let i = rotated.length - 1; i >= 0; i--) {
      const stats = await statFile(join(this.#dir, rotated[i]!));
      if (stats === undefined) continue;
      if (Number(stats.mtimeMs) <= mtimeMs) break;
      first = { name: rotated[i]!, stats };
    }
    return first ?? active;
  }

  /** The file written after `name`: the next rotated one still there, else the active one. */
  async #after(name: string, stream: string, rotated: readonly string[], active: BigIntStats | undefined): Promise<Entry | undefined> {
    const at = stream.length + 1;
    for (const candidate of rotated) {
      if (rotatedOrder(candidate.slice(at), name.slice(at)) <= 0) continue;
      const stats = await statFile(join(this.#dir, candidate));
      if (stats !== undefined) return { name: candidate, stats };
    }
    return active && { name: stream, stats: active };
  }

  /**
   * Reads complete lines from `offset` (at most `budget` bytes): a part, `undefined` to wait (no complete line yet,
   * or the file moved under its name since it was looked up), `full` when the next line needs more than `budget`,
   * or `done` when what is left of a finished file is a torn line (skipped). A line longer than a chunk is skipped.
   */
  async #chunk(
    stream: string, file: Entry, offset: number, size: number, isActive: boolean, budget: number, lines: string[],
  ): Promise<BatchPart | undefined | 'done' | 'full'> {
    const handle = await open(join(this.#dir, file.name), 'r').catch(() => undefined);
    if (handle === undefined) return undefined;
    try {
      if ((await handle.stat({ bigint: true })).ino !== file.stats.ino) return undefined;
      const want = Math.min(budget, size - offset);
      const { bytesRead } = await handle.read(this.#buffer, 0, want, offset);
      const last = bytesRead > 0 ? this.#buffer.lastIndexOf(10, bytesRead - 1) : -1;
      const part = (end: number): BatchPart => ({ stream, state: stateOf(file, end), bytes: end - offset });
      if (last >= 0) {
        for (const line of this.#buffer.toString('utf8', 0, last).split('\n')) lines.push(line);
        return part(offset + last + 1);
      }
      if (bytesRead === CHUNK_BYTES) {
        diag.warn(`perflog: skipping a line longer than ${CHUNK_BYTES} bytes in ${file.name} at byte ${offset}`);
        return part(offset + bytesRead);
      }
      if (want < size - offset) return 'full';
      if (isActive || bytesRead === 0 || Date.now() - Number(file.stats.mtimeMs) < ROTATED_GRACE_MILLIS) return isActive ? undefined : 'done';
      diag.warn(`perflog: skipping an unterminated last line in ${file.name}`);
      return part(offset + bytesRead);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

function stateOf(file: Entry, offset: number): StreamState {
  return { ino: String(file.stats.ino), offset, name: file.name, mtimeMs: Number(file.stats.mtimeMs) };
}

async function statFile(path: string): Promise<BigIntStats | undefined> {
  try {
    const stats = await stat(path, { bigint: true });
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}
