/**
 * Any OpenTelemetry log record as one JSON line (SPEC section 11): a perflog record as exactly its section 2 line,
 * any other as `{"timestamp", "severity", "body", "event", <attributes>, "trace_id", "span_id"}`.
 */
import type { AnyValue } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { PERFLOG_SCOPE_NAME } from '../record-attributes.js';
import { encodeString } from '../record-encoder.js';

/** Keys of a foreign record's line that an attribute of the same name may not take (it is written `attributes.<name>`). */
const OWN_KEYS: ReadonlySet<string> = new Set(['timestamp', 'severity', 'body', 'event', 'trace_id', 'span_id']);
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/** The record's line, `\n`-terminated; never throws (a value JSON cannot hold is written as its string form). */
export function logRecordLine(record: ReadableLogRecord): string {
  return record.instrumentationScope.name === PERFLOG_SCOPE_NAME ? perflogLine(record) : foreignLine(record);
}

/** A perflog record's attributes are its line's fields in order; the GenAI extras of `genAiSemconv` are left out. */
function perflogLine(record: ReadableLogRecord): string {
  let line = '';
  for (const key in record.attributes) {
    if (key.startsWith('gen_ai.')) continue;
    line += `${line === '' ? '{' : ','}${encodeString(key)}:${encodeValue(record.attributes[key])}`;
  }
  return `${line === '' ? '{' : line}}\n`;
}

function foreignLine(record: ReadableLogRecord): string {
  const [seconds, nanos] = record.hrTime;
  let line = `{"timestamp":${seconds + nanos / 1e9}`;
  const severity = record.severityText ?? record.severityNumber;
  if (severity !== undefined) line += `,"severity":${encodeValue(severity)}`;
  if (record.body !== undefined) line += `,"body":${encodeValue(record.body)}`;
  if (record.eventName !== undefined) line += `,"event":${encodeString(record.eventName)}`;
  const { attributes } = record;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    line += `,${encodeString(OWN_KEYS.has(key) ? `attributes.${key}` : key)}:${encodeValue(value)}`;
  }
  const span = record.spanContext;
  if (span !== undefined) line += `,"trace_id":${encodeString(span.traceId)},"span_id":${encodeString(span.spanId)}`;
  return `${line}}\n`;
}

/** A JSON value that no input can break a line with: strings escaped as in section 2, arrays and objects kept as JSON. */
function encodeValue(value: AnyValue): string {
  switch (typeof value) {
    case 'string': return encodeString(value);
    case 'number': return Number.isFinite(value) ? `${value}` : encodeString(String(value));
    case 'boolean': return `${value}`;
    case 'undefined': return 'null';
    default: break;
  }
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return encodeString(Buffer.from(value).toString('base64'));
  try {
    const json = JSON.stringify(value, jsonSafe);
    return json === undefined ? 'null' : json.replace(LINE_SEPARATORS, (char) => (char === '\u2028' ? '\\u2028' : '\\u2029'));
  } catch (error) {
    // a cycle: written as a string, never thrown into the pipeline
    return encodeString(`[unserializable: ${(error as Error).message}]`);
  }
}

/** Inside nested values: bytes as base64, non-finite numbers and bigints as strings (JSON has none). */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return value;
}
