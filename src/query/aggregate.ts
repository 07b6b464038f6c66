/**
 * The aggregation loop of `queryMetrics`: each line is tokenized in place, only the fields the query needs are
 * decoded, and the record is folded into its group. Memory grows with the number of groups, never with records.
 * Runs alike in the main thread and in workers; workers hand back `AggregateState`, which merges.
 */
import {
  KIND_ASCII, KIND_FALSE, KIND_NUMBER, KIND_NUMBER_APPROX, KIND_TRUE, KIND_UTF8, TIMESTAMP_RANGE, keyHash, tokenValue, tokenizeLine, tokens,
} from './parser.js';
import type { ResolvedReadOptions } from './options.js';
import { DurationSketch } from './sketch.js';
import type { AggregateState, GroupValue } from './group-stats.js';
import { GroupStats, Running, TOTAL_FIELDS } from './group-stats.js';

/** @internal What is aggregated besides the filters: the field whose distribution is kept, extra sums. */
export interface AggregateOptions extends ResolvedReadOptions {
  /** The field summarized as `duration` (default `duration`; `size` for size distributions). */
  readonly measure?: string | undefined;
  /** Numeric fields summed into `totals` after the four of SPEC section 8. */
  readonly sum?: readonly string[] | undefined;
}

// Fixed slots; groupBy and where fields that are not among them get slots after these.
const TIMESTAMP = 0;
const MODULE = 1;
const OPERATION = 2;
const SUCCESS = 3;
const DURATION = 4;
const FIRST_TOTAL = 5;
const COMPLETION = FIRST_TOTAL + 2;
const STRING_CACHE_SIZE = 4096;
// What a slot holds for the current line: nothing, a number (in #numbers, unboxed), anything else (in #others).
const ABSENT = 0;
const NUMBER = 1;
const OTHER = 2;
const MIN_TIMESTAMP = TIMESTAMP_RANGE.min;
const MAX_TIMESTAMP = TIMESTAMP_RANGE.max;

/** Folds lines into groups. */
export class Aggregator {
  linesRead = 0;
  badLines = 0;
  readonly #groupBy: readonly string[];
  readonly #totalCount: number;
  /** Slot of `time_to_first_token`, after the totals. */
  readonly #ttft: number;
  readonly #groupSlots: number[];
  readonly #since: number;
  readonly #until: number;
  readonly #whereSlots: number[];
  readonly #whereValues: (string | number | boolean)[];
  readonly #names: string[];
  readonly #nameBytes: Buffer[];
  // Open addressing over key hashes: cell -> slot + 1.
  readonly #table: Int32Array;
  readonly #hashes: Int32Array;
  // The current line's value of each slot: numbers stay unboxed (no allocation per number per line).
  readonly #kinds: Uint8Array;
  readonly #numbers: Float64Array;
  readonly #others: unknown[];
  readonly #groups = new Map<GroupValue, unknown>();
  readonly #strings = new Map<number, { bytes: Buffer; value: string }>();
  /** Slots whose field another slot reads too (`measure: 'size'`, a `sum` naming a total): [read slot, copy slot]. */
  readonly #copies: Array<[number, number]> = [];
  /** Token of an approximate duration in the current line, or -1. */
  #approximate = -1;

  constructor(options: AggregateOptions, groupBy: readonly string[]) {
    this.#groupBy = groupBy;
    this.#since = options.since;
    this.#until = options.until;
    const sum = options.sum ?? [];
    this.#totalCount = TOTAL_FIELDS.length + sum.length;
    this.#ttft = FIRST_TOTAL + this.#totalCount;
    this.#names = ['timestamp', 'module', 'operation', 'success', options.measure ?? 'duration', ...TOTAL_FIELDS, ...sum,
      'time_to_first_token'];
    const slotOf = (name: string): number => {
      const at = this.#names.indexOf(name);
      return at >= 0 ? at : this.#names.push(name) - 1;
    };
    this.#groupSlots = groupBy.map(slotOf);
    this.#whereSlots = options.where.map(([key]) => slotOf(key));
    this.#whereValues = options.where.map(([, value]) => value);
    this.#nameBytes = this.#names.map((name) => Buffer.from(name, 'utf8'));
    const size = 1 << Math.ceil(Math.log2(this.#names.length * 4));
    this.#table = new Int32Array(size);
    this.#hashes = new Int32Array(size);
    this.#names.forEach((name, slot) => {
      const first = this.#names.indexOf(name);
      if (first !== slot) {
        this.#copies.push([first, slot]); // a field in two roles: read once, copied to its second slot
        return;
      }
      const hash = keyHash(name);
      let cell = hash & (size - 1);
      while (this.#table[cell] !== 0) cell = (cell + 1) & (size - 1);
      this.#table[cell] = slot + 1;
      this.#hashes[cell] = hash;
    });
    this.#kinds = new Uint8Array(this.#names.length);
    this.#numbers = new Float64Array(this.#names.length);
    this.#others = new Array<unknown>(this.#names.length).fill(undefined);
  }

  /**
   * Folds every line of `chunk` (whole lines; the last may lack its `\n`). The tokenizer finds where a line ends,
   * so lines are not split beforehand; a line it cannot take is found with `indexOf` and goes to `JSON.parse`.
   */
  readonly chunk = (buf: Buffer): void => {
    const length = buf.length;
    const kinds = this.#kinds;
    let start = 0;
    while (start < length) {
      this.linesRead++;
      kinds.fill(ABSENT);
      this.#approximate = -1;
      const n = tokenizeLine(buf, start, length);
      let end = tokens.end;
      if (n >= 0 && (end === length || buf[end] === 10)) {
        for (let i = 0; i < n; i++) {
          const slot = this.#slotOf(buf, i);
          if (slot >= 0) this.#set(buf, i, slot);
        }
      } else {
        end = buf.indexOf(10, start);
        if (end < 0) end = length;
        if (!this.#parseSlow(buf, start, end)) {
          this.badLines++;
          start = end + 1;
          continue;
        }
      }
      const copies = this.#copies;
      for (let c = 0; c < copies.length; c++) {
        const [from, to] = copies[c]!;
        kinds[to] = kinds[from]!;
        this.#numbers[to] = this.#numbers[from]!;
        this.#others[to] = this.#others[from];
      }
      this.#fold(buf);
      start = end + 1;
    }
  };

  /** Sets `slot` to the value of token `i`, decoded only as far as the query needs. */
  #set(buf: Buffer, i: number, slot: number): void {
    const kind = tokens.kind[i];
    if (kind === KIND_NUMBER) {
      this.#numbers[slot] = tokens.number[i]!;
      this.#kinds[slot] = NUMBER;
    } else if (kind === KIND_NUMBER_APPROX) {
      // Close enough for sums and sketches; the exact value is read when it may be a new min or max.
      const approximate = tokens.number[i]!;
      if (slot === DURATION && !Number.isNaN(approximate)) {
        this.#approximate = i;
        this.#numbers[slot] = approximate;
      } else {
        if (slot === DURATION) this.#approximate = i;
        this.#numbers[slot] = tokenValue(buf, i) as number;
      }
      this.#kinds[slot] = NUMBER;
    } else {
      this.#others[slot] = kind === KIND_TRUE ? true : kind === KIND_FALSE ? false
        : kind === KIND_ASCII || kind === KIND_UTF8 ? this.#string(buf, tokens.valueStart[i]!, tokens.valueEnd[i]!)
          : tokenValue(buf, i);
      this.#kinds[slot] = OTHER;
    }
  }

  /** The current line's value of `slot` (`undefined` when the line has no such field). */
  #valueAt(slot: number): unknown {
    const kind = this.#kinds[slot];
    return kind === NUMBER ? this.#numbers[slot] : kind === OTHER ? this.#others[slot] : undefined;
  }

  // Values repeat (modules, operations, models): one string per distinct value, found by a hash of its bytes.
  #string(buf: Buffer, start: number, end: number): string {
    let hash = end - start;
    for (let p = start; p < end; p++) hash = (Math.imul(hash, 31) + buf[p]!) | 0;
    const cached = this.#strings.get(hash);
    if (cached !== undefined && cached.bytes.length === end - start) {
      const bytes = cached.bytes;
      let same = true;
      for (let b = 0; b < bytes.length; b++) if (buf[start + b] !== bytes[b]) { same = false; break; }
      if (same) return cached.value;
    }
    const value = buf.toString('utf8', start, end);
    if (cached === undefined && this.#strings.size < STRING_CACHE_SIZE) {
      this.#strings.set(hash, { bytes: Buffer.from(buf.subarray(start, end)), value });
    }
    return value;
  }

  /** Counts a file that ended in a corrupt gzip stream as one bad line. */
  corrupt(): void {
    this.linesRead++;
    this.badLines++;
  }

  #slotOf(buf: Buffer, i: number): number {
    const hash = tokens.keyHash[i]!;
    if (hash === -1) {
      let key: string;
      try { key = JSON.parse(buf.toString('utf8', tokens.keyStart[i]! - 1, tokens.keyEnd[i]! + 1)) as string; } catch { return -1; }
      return this.#names.indexOf(key);
    }
    const mask = this.#table.length - 1;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = this.#table[cell]!;
      if (entry === 0) return -1;
      if (this.#hashes[cell] !== hash) continue;
      const name = this.#nameBytes[entry - 1]!;
      const start = tokens.keyStart[i]!;
      if (tokens.keyEnd[i]! - start !== name.length) continue;
      let same = true;
      for (let b = 0; b < name.length; b++) if (buf[start + b] !== name[b]) { same = false; break; }
      if (same) return entry - 1;
    }
  }

  #parseSlow(buf: Buffer, start: number, end: number): boolean {
    let record: unknown;
    try { record = JSON.parse(buf.toString('utf8', start, end)); } catch { return false; }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
    const names = this.#names;
    for (let slot = 0; slot < names.length; slot++) {
      const name = names[slot]!;
      if (!Object.hasOwn(record, name)) continue;
      const value = (record as Record<string, unknown>)[name];
      if (typeof value === 'number') { this.#numbers[slot] = value; this.#kinds[slot] = NUMBER; } else { this.#others[slot] = value; this.#kinds[slot] = OTHER; }
    }
    return true;
  }

  #fold(buf: Buffer): void {
    const kinds = this.#kinds;
    const numbers = this.#numbers;
    const others = this.#others;
    const timestamp = numbers[TIMESTAMP]!;
    if (kinds[TIMESTAMP] !== NUMBER || !(timestamp >= MIN_TIMESTAMP && timestamp <= MAX_TIMESTAMP)
      || kinds[MODULE] !== OTHER || typeof others[MODULE] !== 'string' || kinds[OPERATION] !== OTHER || typeof others[OPERATION] !== 'string') {
      this.badLines++;
      return;
    }
    if (timestamp < this.#since || timestamp >= this.#until) return;
    const whereSlots = this.#whereSlots;
    for (let i = 0; i < whereSlots.length; i++) if (this.#valueAt(whereSlots[i]!) !== this.#whereValues[i]) return;
    const group = this.#group();
    group.count++;
    if (kinds[SUCCESS] === OTHER && others[SUCCESS] === false) group.errors++;
    const hasDuration = kinds[DURATION] === NUMBER;
    if (hasDuration && numbers[DURATION]! >= 0) {
      let duration = numbers[DURATION]!;
      const i = this.#approximate;
      const running = group.duration;
      if (i >= 0 && (duration <= running.min * (1 + 1e-12) || duration >= running.max * (1 - 1e-12))) {
        duration = tokenValue(buf, i) as number;
      }
      running.add(duration);
    }
    for (let i = 0; i < this.#totalCount; i++) {
      if (kinds[FIRST_TOTAL + i] === NUMBER) group.totals[i]! += numbers[FIRST_TOTAL + i]!;
    }
    if (others[OPERATION] === 'llm_call') {
      group.llmCalls++;
      const ttft = numbers[this.#ttft]!;
      if (kinds[this.#ttft] === NUMBER && ttft >= 0) {
        group.addFirstToken(ttft, hasDuration ? numbers[DURATION] : undefined, this.#valueAt(COMPLETION));
      }
    }
  }

  /** The group of the current line (its values of the `groupBy` slots), created when missing. */
  #group(): GroupStats {
    const slots = this.#groupSlots;
    let map = this.#groups;
    for (let i = 0; i < slots.length - 1; i++) {
      const key = groupValue(this.#valueAt(slots[i]!));
      let next = map.get(key) as Map<GroupValue, unknown> | undefined;
      if (next === undefined) map.set(key, next = new Map());
      map = next;
    }
    const key = slots.length === 0 ? null : groupValue(this.#valueAt(slots[slots.length - 1]!));
    let group = map.get(key) as GroupStats | undefined;
    if (group === undefined) map.set(key, group = new GroupStats(this.#totalCount));
    return group;
  }

  /** Every group with its key values. */
  *groups(): Generator<[GroupValue[], GroupStats]> {
    const depth = Math.max(1, this.#groupBy.length);
    function* walk(map: Map<GroupValue, unknown>, prefix: GroupValue[]): Generator<[GroupValue[], GroupStats]> {
      for (const [key, value] of map) {
        if (prefix.length + 1 === depth) yield [[...prefix, key], value as GroupStats];
        else yield* walk(value as Map<GroupValue, unknown>, [...prefix, key]);
      }
    }
    yield* walk(this.#groups, []);
  }

  /** The group of `key`, created when missing (merging). */
  groupOf(key: GroupValue[]): GroupStats {
    // Between chunks the line slots are free: the key goes through them.
    this.#kinds.fill(ABSENT);
    this.#groupSlots.forEach((slot, i) => {
      const value = key[i];
      if (typeof value === 'number') { this.#numbers[slot] = value; this.#kinds[slot] = NUMBER; } else { this.#others[slot] = value; this.#kinds[slot] = OTHER; }
    });
    return this.#group();
  }

  /** This aggregate as plain data. */
  toState(): AggregateState {
    const groups = [...this.groups()].map(([key, g]) => ({
      key, count: g.count, errors: g.errors, duration: g.duration.toState(), totals: [...g.totals], llmCalls: g.llmCalls, ttft: g.ttft?.toState(), rates: g.rates?.toState(),
    }));
    return { linesRead: this.linesRead, badLines: this.badLines, groups };
  }

  /** Adds an aggregate made elsewhere (a worker) to this one. */
  mergeState(state: AggregateState): void {
    this.linesRead += state.linesRead;
    this.badLines += state.badLines;
    for (const g of state.groups) {
      const other = new GroupStats(this.#totalCount);
      Object.assign(other, { count: g.count, errors: g.errors, llmCalls: g.llmCalls });
      other.duration = Running.fromState(g.duration);
      if (g.ttft !== undefined) other.ttft = Running.fromState(g.ttft);
      if (g.rates !== undefined) other.rates = DurationSketch.fromState(g.rates);
      g.totals.forEach((total, i) => { other.totals[i] = total; });
      this.groupOf(g.key).merge(other);
    }
  }
}

function groupValue(value: unknown): GroupValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}
