/**
 * The OTLP shipper's saved positions, `<logDir>/.perflog-otlp-offsets.json`: a snapshot line, then one line per stream
 * a batch moved. A commit appends only what it changed, and the file is rewritten (atomically) only once the
 * appended lines outweigh a snapshot, so saving costs what was shipped, not the number of modules.
 */
import { writeFileSync } from 'node:fs';
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';

/** Where shipping stands in one stream (one active file name and its rotated predecessors). */
export interface StreamState {
  /** Inode (decimal) of the file being shipped; `''` while waiting for the stream's first file newer than `mtimeMs`. */
  ino: string;
  /** Bytes of that file already delivered (or refused for good). */
  offset: number;
  /** The name it had when last seen. */
  name: string;
  /** Its modification time when last seen (to find its successor if it vanishes). */
  mtimeMs: number;
}

/** What the journal holds: when shipping started in this folder, and each stream's position. */
export interface SavedPositions {
  /** Files of a stream never seen before are shipped from the first one modified after this instant. */
  startedMs: number;
  streams: Map<string, StreamState>;
}

/** Appended lines may grow to this many times the last snapshot (and at least this many bytes) before a rewrite. */
const COMPACT_FACTOR = 4;
const MIN_COMPACT_BYTES = 64 * 1024;

function snapshotLine(positions: SavedPositions): string {
  return `${JSON.stringify({ version: 2, startedMs: positions.startedMs, streams: Object.fromEntries(positions.streams) })}\n`;
}

/** Reads and writes one offsets file; only the holder of the shipping lock writes it (besides `createOnceSync`). */
export class OffsetsJournal {
  readonly path: string;
  #bytes = 0;
  #snapshotBytes = 0;
  #isTorn = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Writes `positions` unless the file exists (`wx`: never overwrites); false when it was not written. */
  createOnceSync(positions: SavedPositions): boolean {
    try {
      writeFileSync(this.path, snapshotLine(positions), { flag: 'wx' });
      return true;
    } catch {
      return false; // written before (EEXIST), or not writable: load() decides
    }
  }

  /**
   * The saved positions, or `undefined` when there is no file. A torn last line (a crash mid-append) is ignored: its
   * batch is shipped again. Throws when the file cannot be read or its snapshot is not JSON.
   */
  async load(): Promise<SavedPositions | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const lines = text.split('\n');
    // version 1 (one JSON object, no startedMs): streams new to it are shipped from their oldest file
    const head = JSON.parse(lines[0]!) as { startedMs?: number; streams?: Record<string, StreamState> };
    const positions: SavedPositions = { startedMs: head.startedMs ?? 0, streams: new Map(Object.entries(head.streams ?? {})) };
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] === '') continue;
      try {
        const { stream, ...state } = JSON.parse(lines[i]!) as StreamState & { stream: string };
        positions.streams.set(stream, state);
      } catch {
        this.#isTorn = true; // torn by a crash: its batch was never saved, and the next save rewrites the file
        break;
      }
    }
    if (!text.endsWith('\n')) this.#isTorn = true;
    this.#bytes = Buffer.byteLength(text);
    this.#snapshotBytes = Buffer.byteLength(lines[0]!);
    return positions;
  }

  /** Saves the positions of the `changed` streams: appended, or all of `positions` rewritten when due. */
  async save(positions: SavedPositions, changed: Iterable<string>): Promise<void> {
    if (this.#isTorn || this.#bytes > Math.max(MIN_COMPACT_BYTES, COMPACT_FACTOR * this.#snapshotBytes)) return this.rewrite(positions);
    let text = '';
    for (const stream of changed) {
      const state = positions.streams.get(stream);
      if (state !== undefined) text += `${JSON.stringify({ stream, ...state })}\n`;
    }
    await appendFile(this.path, text);
    this.#bytes += Buffer.byteLength(text);
  }

  /** Replaces the file with one snapshot of `positions` (written to a temporary file, then renamed). */
  async rewrite(positions: SavedPositions): Promise<void> {
    const text = snapshotLine(positions);
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, this.path);
    this.#bytes = this.#snapshotBytes = Buffer.byteLength(text);
    this.#isTorn = false;
  }
}
