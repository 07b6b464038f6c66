/**
 * Encodes record fields as JSON text by concatenation: the hot path never calls `JSON.stringify` on a whole record.
 */
import type { Attributes } from './interfaces.js';

// Anything JSON needs escaped, plus U+2028/U+2029 (line terminators for JS readers) and any surrogate (lone ones
// must become \uXXXX escapes; JSON.stringify does that, and keeps valid pairs as they are).
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

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

/** The own fields of the built-in modules' records, in the order they are written. */
export const MODULE_FIELDS: Readonly<Record<string, readonly string[]>> = Object.freeze(Object.assign(Object.create(null) as object, {
  checkpoint: ['writes'],
  llm: ['model', 'provider', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'time_to_first_token'],
  tool: ['tool'],
  workflow: ['node'],
  log_cleaner: ['files_deleted', 'bytes_freed', 'errors', 'dry_run'],
}));

/** Reserved names of one module: the base fields plus the module's own. Null prototype: `__proto__` is a plain key. */
export type ReservedFields = Readonly<Record<string, true>>;

/** Builds the reserved-name table of a module whose records also carry `moduleFields`. */
export function reservedFields(moduleFields: readonly string[] = []): ReservedFields {
  const table: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const name of BASE_FIELDS) table[name] = true;
  for (const name of moduleFields) table[name] = true;
  return table;
}

/** Why `encodeAttributes` refused; read right after it returned `undefined`. */
export const attributeFailure = { key: '', kind: 'invalid_type' as 'invalid_type' | 'out_of_range' | 'reserved_attribute', value: undefined as unknown };

/** `success` and `error` given as attributes of `logTimer`, lifted into the record's own fields. */
export const liftedFields = { success: undefined as boolean | undefined, error: undefined as string | undefined };

/**
 * Encodes user attributes as `,"key":value` pairs in insertion order, or returns `undefined` (reason in
 * `attributeFailure`) when one value is not a string, finite number or boolean, or a key takes a reserved name.
 * With `lift`, `success` (boolean) and `error` (string) are taken out into `liftedFields` instead of refused.
 */
export function encodeAttributes(attributes: Attributes, reserved: ReservedFields, lift: boolean): string | undefined {
  let out = '';
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    if (reserved[key] === true) {
      if (lift && key === 'success' && typeof value === 'boolean') { liftedFields.success = value; continue; }
      if (lift && key === 'error' && typeof value === 'string') { liftedFields.error = value; continue; }
      return fail(key, 'reserved_attribute', value);
    }
    switch (typeof value) {
      case 'string': out += `,${encodeString(key)}:${encodeString(value)}`; break;
      case 'number':
        if (!Number.isFinite(value)) return fail(key, 'out_of_range', value);
        out += `,${encodeString(key)}:${value}`;
        break;
      case 'boolean': out += `,${encodeString(key)}:${value}`; break;
      default: return fail(key, 'invalid_type', value);
    }
  }
  return out;
}

function fail(key: string, kind: typeof attributeFailure.kind, value: unknown): undefined {
  attributeFailure.key = key;
  attributeFailure.kind = kind;
  attributeFailure.value = value;
  return undefined;
}
