/**
 * Encodes record fields as JSON text by concatenation: the hot path never calls `JSON.stringify` on a whole record.
 */
import type { Attributes } from './interfaces.js';

// Anything JSON needs escaped, plus U+2028/U+2029 (line terminators for JS readers) and any surrogate (lone ones
// must become \uXXXX escapes; JSON.stringify does that, and keeps valid pairs as they are).
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * The largest record perflog writes, in bytes of its encoded line (newline included): 512 KiB. A longer record is
 * dropped (`recordsDropped`, `onError` with reason `record_too_large`), so every line written can also be shipped
 * over OTLP (one request carries at most this many bytes) and read back.
 */
export const MAX_RECORD_BYTES = 512 * 1024;

/** Encodes a string as a JSON string literal that no input can break out of. */
export function encodeString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(LINE_SEPARATORS, escapeLineSeparator);
}

function escapeLineSeparator(char: string): string {
  return char === '\u2028' ? '\\u2028' : '\\u2029';
}

/** Fields every record has; an attribute may not take their names (it would forge the record). */
const BASE_FIELDS = [
  'timestamp', 'metric_type', 'operation', 'duration', 'value', 'size', 'success', 'module', 'error', 'trace_id', 'span_id',
] as const;

/** Reserved names of one module: the base fields plus the module's own. Null prototype: `__proto__` is a plain key. */
export type ReservedFields = Readonly<Record<string, true>>;

/** Builds the reserved-name table of a module whose records also carry `moduleFields`. */
export function reservedFields(moduleFields: readonly string[] = []): ReservedFields {
  const table: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const name of BASE_FIELDS) table[name] = true;
  for (const name of moduleFields) table[name] = true;
  return table;
}

/** Written attributes as `[key, value, key, value, ...]`: a flat list, so a `__proto__` key stays a plain key. */
export type AttributePairs = Array<string | number | boolean>;

/** Why an attribute was refused: its key, the drop reason, its value. */
export interface AttributeProblem {
  readonly key: string;
  readonly reason: 'invalid_type' | 'out_of_range' | 'reserved_attribute';
  readonly value: unknown;
}

/**
 * `success` and `error` given as attributes of `logTimer`, lifted into the record's own fields; one object per call
 * (never shared), so a getter that records another metric mid-record cannot overwrite them.
 */
export interface LiftedFields {
  success: boolean | undefined;
  error: string | undefined;
}

/**
 * Encodes user attributes as `,"key":value` pairs in insertion order, or returns why not: a value that is not a
 * string, finite number or boolean, or a key taking a reserved name. With `lifted`, `success` (boolean) and `error`
 * (string) are taken out into it instead of refused. With `collect`, each written key and value is also pushed on it
 * (for sinks that need the values, not the text).
 */
export function encodeAttributes(
  attributes: Attributes, reserved: ReservedFields, lifted?: LiftedFields, collect?: AttributePairs,
): string | AttributeProblem {
  let out = '';
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    if (reserved[key] === true) {
      if (lifted !== undefined && key === 'success' && typeof value === 'boolean') { lifted.success = value; continue; }
      if (lifted !== undefined && key === 'error' && typeof value === 'string') { lifted.error = value; continue; }
      return { key, reason: 'reserved_attribute', value };
    }
    switch (typeof value) {
      case 'string': out += `,${encodeString(key)}:${encodeString(value)}`; break;
      case 'number':
        if (!Number.isFinite(value)) return { key, reason: 'out_of_range', value };
        out += `,${encodeString(key)}:${value}`;
        break;
      case 'boolean': out += `,${encodeString(key)}:${value}`; break;
      default: return { key, reason: 'invalid_type', value };
    }
    if (collect !== undefined) collect.push(key, value);
  }
  return out;
}
