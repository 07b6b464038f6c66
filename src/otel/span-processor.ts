/**
 * `PerflogSpanProcessor`: turns ended GenAI spans (any instrumentation following the OpenTelemetry GenAI semantic
 * conventions) into `llm_call` / `tool_call` records; every other span costs one attribute lookup.
 */
import type { Context, SpanContext, SpanStatus } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { recordSpanContext } from '../logger-writer.js';
import { isRecordedByAdapter, readRecordedMarks } from '../instrumentation/recorded-spans.js';
import type { AdapterMonitors, InstrumentationOptions } from '../instrumentation/shared.js';
import { UNKNOWN, reportFailure, resolveMonitors } from '../instrumentation/shared.js';
import { count } from '../instrumentation/tokens.js';

/** Options of `PerflogSpanProcessor`. */
export type PerflogSpanProcessorOptions = InstrumentationOptions;

/** The part of an ended span (`ReadableSpan` of `@opentelemetry/sdk-trace`) the processor reads. */
export interface EndedSpanLike {
  readonly attributes: Readonly<Record<string, unknown>>;
  /** `[seconds, nanoseconds]`. */
  readonly duration: readonly [number, number];
  readonly status: SpanStatus;
  spanContext(): SpanContext;
}

/** Operation names the GenAI conventions give to model calls that are written with a dedicated meaning. */
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

/**
 * An OpenTelemetry `SpanProcessor` for an existing tracing setup: every ended span carrying `gen_ai.operation.name`
 * writes one record. `execute_tool` → `tool_call` (`tool` from `gen_ai.tool.name`); any other operation (`chat`,
 * `text_completion`, `generate_content`, ...) → `llm_call` (`model` from `gen_ai.response.model`, else
 * `gen_ai.request.model`; `provider` from `gen_ai.provider.name`, else `gen_ai.system`; tokens from
 * `gen_ai.usage.input_tokens` / `output_tokens`; an operation other than the three above is kept in the attribute
 * `gen_ai_operation`). `duration` is the span's, `success` false when its status is ERROR (`error` from
 * `error.type`), `trace_id` / `span_id` the span's own. A span started inside a call that a perflog adapter
 * records (`perflog/openai`, `perflog/anthropic`) writes nothing: that call is recorded once. Never throws.
 * @example
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { PerflogSpanProcessor } from 'perflog/otel';
 * new NodeSDK({ spanProcessors: [new PerflogSpanProcessor()] }).start();
 */
export class PerflogSpanProcessor {
  readonly #monitors: AdapterMonitors;
  /** Spans that belong to a call an adapter records. */
  readonly #recordedElsewhere = new WeakSet<object>();

  /** @throws {TypeError} when `options.factory` is not a `PerformanceMonitorFactory`. */
  constructor(options?: PerflogSpanProcessorOptions) {
    this.#monitors = resolveMonitors(options);
    readRecordedMarks();
  }

  /** Notes a span that starts inside a call a perflog adapter records. */
  onStart(span: object, parentContext: Context): void {
    if (isRecordedByAdapter(parentContext)) this.#recordedElsewhere.add(span);
  }

  /** Writes the record of an ended GenAI span; any other span returns at once. */
  onEnd(span: EndedSpanLike): void {
    const operation = span.attributes['gen_ai.operation.name'];
    if (typeof operation !== 'string' || this.#recordedElsewhere.has(span)) return;
    try {
      this.#record(span, operation);
    } catch (error) {
      reportFailure(() => this.#monitors.factory, operation === 'execute_tool' ? 'tool_call' : 'llm_call', error);
    } finally {
      recordSpanContext.current = undefined;
    }
  }

  /** Flushes the factory the records go to. */
  forceFlush(): Promise<void> {
    return this.#monitors.factory.flush();
  }

  /** Does nothing: the factory has its own lifecycle (`factory.shutdown()`). */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  #record(span: EndedSpanLike, operation: string): void {
    const attributes = span.attributes;
    const [seconds, nanos] = span.duration;
    const duration = Math.max(0, seconds + nanos / 1e9);
    const success = span.status.code !== SpanStatusCode.ERROR;
    const errorType = attributes['error.type'];
    const error = success ? undefined : typeof errorType === 'string' && errorType !== '' ? errorType : 'Error';
    recordSpanContext.current = span.spanContext();
    if (operation === 'execute_tool') {
      this.#monitors.tool.recordToolCall({ tool: text(attributes['gen_ai.tool.name']), duration, success, error });
      return;
    }
    this.#monitors.llm.recordLlmCall({
      model: text(attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model']),
      provider: text(attributes['gen_ai.provider.name'] ?? attributes['gen_ai.system']),
      responseTime: duration,
      promptTokens: count(attributes['gen_ai.usage.input_tokens']),
      completionTokens: count(attributes['gen_ai.usage.output_tokens']),
      success,
      error,
      attributes: MODEL_OPERATIONS.has(operation) ? undefined : { gen_ai_operation: operation },
    });
  }
}

function text(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : UNKNOWN;
}
