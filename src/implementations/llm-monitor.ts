import type { LlmCallRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import type { ModuleMetricWriter } from '../logger-writer.js';
import { isDuration } from '../logger-writer.js';
import { encodeString } from '../record-encoder.js';
import { asModuleWriter, checkCommon, isCount, isOptionalNonNegative } from './record-fields.js';

/**
 * Monitor of the `llm` module: calls to language models with their latency and token counts.
 * @example
 * llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1,
 *   promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true });
 */
export class LlmPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #writer: ModuleMetricWriter;
  // The last model/provider pair and its encoding: calls repeat the same few pairs, so most skip the escaping.
  #model = '';
  #provider = '';
  #modelFields = '';

  constructor(logger?: MetricLogWriter) {
    super(logger, 'llm');
    this.#writer = asModuleWriter(this.logger);
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
    const writer = this.#writer;
    if (!checkCommon(writer, operation, record)) return;
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
    if (model !== this.#model || provider !== this.#provider || this.#modelFields === '') {
      this.#model = model;
      this.#provider = provider;
      this.#modelFields = `,"model":${encodeString(model)},"provider":${encodeString(provider)}`;
    }
    let fields = this.#modelFields;
    if (typeof promptTokens === 'number') fields += `,"prompt_tokens":${promptTokens}`;
    if (typeof completionTokens === 'number') fields += `,"completion_tokens":${completionTokens}`;
    if (typeof totalTokens === 'number') fields += `,"total_tokens":${totalTokens}`;
    if (typeof timeToFirstToken === 'number') fields += `,"time_to_first_token":${timeToFirstToken}`;
    writer.writeRecord('timer', operation, '"llm_call"', 'duration', responseTime, undefined, record.success ?? true, fields,
      record.attributes, record.error ?? undefined, false);
  }
}
