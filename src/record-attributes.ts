/**
 * A perflog record as OpenTelemetry log record attributes: the line's fields in the line's order, plus the GenAI
 * semantic-convention attributes when asked. Shared by the provider sink and the OTLP sender.
 */
import type { RecordMeta } from './sinks/record-sink.js';

/** The instrumentation scope (logger name) of every record perflog emits or ships. */
export const PERFLOG_SCOPE_NAME = 'perflog';

/** One record's attributes: the line's fields, in the line's order. */
export type RecordAttributes = Record<string, string | number | boolean>;

/**
 * Appends the OpenTelemetry GenAI attributes to an `llm_call` record's attributes, after its flat fields:
 * `gen_ai.provider.name` (`provider`), `gen_ai.request.model` (`model`), `gen_ai.operation.name` (`chat`),
 * `gen_ai.usage.input_tokens` (`prompt_tokens`), `gen_ai.usage.output_tokens` (`completion_tokens`).
 * Other records are left as they are.
 */
export function addGenAiAttributes(attributes: RecordAttributes): void {
  if (attributes['module'] !== 'llm' || attributes['operation'] !== 'llm_call') return;
  const { provider, model, prompt_tokens: input, completion_tokens: output } = attributes;
  if (typeof provider === 'string') attributes['gen_ai.provider.name'] = provider;
  if (typeof model === 'string') attributes['gen_ai.request.model'] = model;
  attributes['gen_ai.operation.name'] = 'chat';
  if (typeof input === 'number') attributes['gen_ai.usage.input_tokens'] = input;
  if (typeof output === 'number') attributes['gen_ai.usage.output_tokens'] = output;
}

/**
 * The attributes of a record from the values the writer wrote (never by parsing its line): the same keys, values
 * and order as the line. `meta.attributes` must have been collected (`RecordSink.collectsAttributes`).
 */
export function recordAttributes(meta: RecordMeta): RecordAttributes {
  const out: RecordAttributes = { timestamp: meta.timeMs / 1000, metric_type: meta.metricType, operation: meta.operation };
  out[meta.metricType === 'timer' ? 'duration' : 'value'] = meta.measure;
  if (meta.size !== undefined) out['size'] = meta.size;
  if (meta.success !== undefined) out['success'] = meta.success;
  out['module'] = meta.module;
  const { fields } = meta;
  if (fields !== undefined) {
    const names = meta.encoder.names;
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i];
      if (value !== undefined) out[names[i]!] = value;
    }
  }
  const pairs = meta.attributes;
  if (pairs !== undefined) {
    for (let i = 0; i < pairs.length; i += 2) {
      const key = pairs[i] as string;
      // a "__proto__" attribute is a plain key in the line; assignment would set the prototype instead
      if (key === '__proto__') Object.defineProperty(out, key, { value: pairs[i + 1], enumerable: true, writable: true, configurable: true });
      else out[key] = pairs[i + 1]!;
    }
  }
  if (meta.error !== undefined) out['error'] = meta.error;
  if (meta.traceId !== undefined && meta.spanId !== undefined) {
    out['trace_id'] = meta.traceId;
    out['span_id'] = meta.spanId;
  }
  return out;
}
