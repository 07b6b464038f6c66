/**
 * Reads perflog's JSON lines back as OpenTelemetry log records (for shipping what the files hold): the line's fields
 * as attributes, body the operation, severity INFO, time and span context from the line.
 */
import { SeverityNumber, TraceFlags, isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { addGenAiAttributes } from '../record-attributes.js';
import type { RecordAttributes } from '../record-attributes.js';

/** The instrumentation scope of a log record. */
export type Scope = ReadableLogRecord['instrumentationScope'];

/**
 * Parses lines into record attributes. A line that is not a record is skipped and counted in `skipped`; when a crash
 * left a torn line and a later write continued it, the whole record after the tear is still recovered.
 */
export function linesToAttributes(lines: readonly string[]): { attributes: RecordAttributes[]; skipped: number } {
  const out: RecordAttributes[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line === '' || line === '\r') continue;
    let attributes = parseRecord(line);
    if (attributes === undefined) {
      skipped++;
      const tear = line.lastIndexOf('{"timestamp":');
      if (tear > 0) attributes = parseRecord(line.slice(tear));
      if (attributes === undefined) continue;
    }
    out.push(attributes);
  }
  return { attributes: out, skipped };
}

/** One record: attributes as in the line (plus the GenAI ones with `genAi`), body the operation, severity INFO. */
export function toLogRecord(attributes: RecordAttributes, resource: Resource, scope: Scope, genAi: boolean): ReadableLogRecord {
  if (genAi) addGenAiAttributes(attributes);
  const hrTime = secondsToHrTime(attributes['timestamp'] as number);
  const record: { -readonly [K in keyof ReadableLogRecord]: ReadableLogRecord[K] } = {
    hrTime,
    hrTimeObserved: hrTime,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: String(attributes['operation']),
    resource,
    instrumentationScope: scope,
    attributes,
    droppedAttributesCount: 0,
  };
  const spanContext = spanContextOf(attributes);
  if (spanContext !== undefined) record.spanContext = spanContext;
  return record;
}

function parseRecord(line: string): RecordAttributes | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && typeof (value as RecordAttributes)['timestamp'] === 'number') return value as RecordAttributes;
  } catch {
    // not JSON: torn or foreign
  }
  return undefined;
}

/** `timestamp` (epoch seconds, millisecond precision) as an OTel `HrTime`, exactly. */
function secondsToHrTime(seconds: number): HrTime {
  const ms = Math.round(seconds * 1000);
  const whole = Math.floor(ms / 1000);
  return [whole, (ms - whole * 1000) * 1e6];
}

/** The span the record was made in, from its `trace_id`/`span_id` fields (flags are not in the line: none). */
function spanContextOf(attributes: RecordAttributes): SpanContext | undefined {
  const traceId = attributes['trace_id'];
  const spanId = attributes['span_id'];
  if (typeof traceId !== 'string' || typeof spanId !== 'string' || !isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  return { traceId, spanId, traceFlags: TraceFlags.NONE };
}
