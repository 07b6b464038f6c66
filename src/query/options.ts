/**
 * Options shared by `readMetrics`, `queryMetrics` and the report: which files, which time window, which records.
 * Validated once, before any I/O; a bad value throws `PerflogConfigError` naming the option and the accepted forms.
 */
import { resolve } from 'node:path';
import { PerflogConfigError } from '../errors.js';

/** A time bound: a `Date`, epoch seconds, an ISO 8601 string, or a span back from now (`"90s"`, `"30m"`, `"24h"`, `"7d"`). */
export type TimeBound = Date | number | string;

/** What `readMetrics` reads. */
export interface ReadOptions {
  /**
   * Glob patterns (fast-glob syntax) of the files to read, relative to `baseDir`.
   * @default ["logs/*.log", "logs/*.log.*"]
   */
  patterns?: readonly string[] | undefined;
  /** Directory the patterns are relative to. @default process.cwd() */
  baseDir?: string | undefined;
  /** Keeps records with `timestamp >= since`. */
  since?: TimeBound | undefined;
  /** Keeps records with `timestamp < until`. */
  until?: TimeBound | undefined;
  /** Keeps records of this module only. */
  module?: string | undefined;
  /** Keeps records of this operation only. */
  operation?: string | undefined;
  /** Keeps records whose fields equal all of these values (`{ provider: "openai", success: false }`). */
  where?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** Default patterns: the active and rotated files of `logs/`. */
export const DEFAULT_PATTERNS: readonly string[] = Object.freeze(['logs/*.log', 'logs/*.log.*']);

/** @internal `ReadOptions` checked and resolved: bounds in epoch seconds, filters as `[field, value]` pairs. */
export interface ResolvedReadOptions {
  readonly patterns: readonly string[];
  readonly baseDir: string;
  readonly since: number;
  readonly until: number;
  /** Every equality filter, `module` and `operation` included. */
  readonly where: readonly (readonly [string, string | number | boolean])[];
}

const SPAN = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const SPAN_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH = /^\d+(\.\d+)?$/;

/** What a time bound may be, for error messages. */
export const TIME_BOUND_FORMS = 'a Date, epoch seconds, an ISO 8601 date/time ("2026-01-31" or "2026-01-31T12:00:00Z") '
  + 'or a relative span back from now ("90s", "30m", "24h", "7d")';

/**
 * Converts a time bound to epoch seconds; `option` names it in the error.
 * @throws PerflogConfigError when `value` is none of the accepted forms.
 */
export function parseTimeBound(value: TimeBound, option: string, nowMs = Date.now()): number {
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.getTime() / 1000;
  } else if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    const span = SPAN.exec(text);
    if (span !== null) return nowMs / 1000 - Number(span[1]) * SPAN_SECONDS[span[2]!]!;
    if (EPOCH.test(text)) return Number(text);
    const iso = ISO_DATE.exec(text);
    // Date.parse rolls a day past the month's end over ("2026-02-30" -> March 2nd): such a date is refused.
    if (iso !== null && isCalendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) {
      const ms = Date.parse(text);
      if (!Number.isNaN(ms)) return ms / 1000;
    }
  }
  throw new PerflogConfigError(option, TIME_BOUND_FORMS, value);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * @internal Checks and resolves `options` once.
 * @throws PerflogConfigError for a bad option.
 */
export function resolveReadOptions(options: ReadOptions = {}): ResolvedReadOptions {
  const patterns: readonly string[] = options.patterns ?? DEFAULT_PATTERNS;
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string' && p !== '')) {
    throw new PerflogConfigError('patterns', 'a non-empty array of glob patterns', patterns);
  }
  const where: [string, string | number | boolean][] = [];
  for (const key of ['module', 'operation'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new PerflogConfigError(key, 'a string', value);
    where.push([key, value]);
  }
  for (const [key, value] of Object.entries(options.where ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new PerflogConfigError(`where.${key}`, 'a string, a number or a boolean', value);
    }
    where.push([key, value]);
  }
  return Object.freeze({
    patterns: Object.freeze(patterns.slice()),
    baseDir: resolve(options.baseDir ?? process.cwd()),
    since: options.since === undefined ? -Infinity : parseTimeBound(options.since, 'since'),
    until: options.until === undefined ? Infinity : parseTimeBound(options.until, 'until'),
    where: Object.freeze(where),
  });
}
