import { FieldEncoder } from '../field-encoder.js';
import type { LlmCallRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { isDuration } from '../logger-writer.js';
import { MonitorRecorder, isCount, isOptionalNonNegative } from './record-fields.js';

/** The `llm` module's own fields, in the order they are written. */
const LLM_FIELDS = new FieldEncoder(['model', 'provider', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'time_to_first_token']);

/**
 * Monitor of the `llm` module: calls to language models with their latency and token counts.
 * @example
 * llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1,
 *   promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true });
 */
export class LlmPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;

  constructor(logger?: MetricLogWriter) {
    super(logger, 'llm');
    this.#recorder = new MonitorRecorder(this.logger, LLM_FIELDS);
  }

  /**
   * Records one call to a language model as a `timer` record with operation `llm_call`.
   * `responseTime` is in seconds and is written as `duration`; token counts are whole numbers >= 0, and
   * `totalTokens` defaults to `promptTokens + completionTokens` when both are given. Bad input (a negative time, a
   * token count that is not a whole number) never throws: the record is dropped, counted in
   * `stats().recordsDropped` and reported through `onError`; with `strict: true` it throws.
   * @example llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, totalTokens: 300, success: true });
   */
  recordLlmCall(record: LlmCallRecord): void {
    const operation = 'llm_call';
    const writer = this.#recorder;
    if (!writer.checkCommon(operation, record)) return;
    const { model, provider, responseTime, promptTokens, completionTokens, timeToFirstToken } = record;
    if (typeof model !== 'string') return writer.reject('invalid_type', operation, 'model', model, 'a string');
    if (typeof provider !== 'string') return writer.reject('invalid_type', operation, 'provider', provider, 'a string');
    if (!isDuration(responseTime)) return writer.rejectNumber(operation, 'responseTime', responseTime, 'a finite number of seconds >= 0');
    if (!isCount(promptTokens)) return writer.rejectNumber(operation, 'promptTokens', promptTokens, 'a whole number >= 0');
    if (!isCount(completionTokens)) return writer.rejectNumber(operation, 'completionTokens', completionTokens, 'a whole number >= 0');
    let totalTokens = record.totalTokens ?? undefined;
    if (!isCount(totalTokens)) return writer.rejectNumber(operation, 'totalTokens', totalTokens, 'a whole number >= 0');
    if (!isOptionalNonNegative(timeToFirstToken)) {
      return writer.rejectNumber(operation, 'timeToFirstToken', timeToFirstToken, 'a finite number of seconds >= 0');
    }
    if (totalTokens === undefined && typeof promptTokens === 'number' && typeof completionTokens === 'number') {
      totalTokens = promptTokens + completionTokens;
    }
    const { success, error, attributes } = record;
    const fields = writer.fields;
    fields[0] = model;
    fields[1] = provider;
    fields[2] = promptTokens ?? undefined;
    fields[3] = completionTokens ?? undefined;
    fields[4] = totalTokens;
    fields[5] = timeToFirstToken ?? undefined;
    writer.write(fields, operation, responseTime, undefined, success ?? true, error ?? undefined, attributes);
  }
}
