import { FieldEncoder } from '../field-encoder.js';
import type { LlmCallRecord, MetricLogWriter } from '../interfaces.js';
import { LightweightPerformanceMonitor } from '../lightweight-monitor.js';
import { isDuration } from '../logger-writer.js';
import {
  ABORTED_FLAG, CACHED_TOKENS, COMPLETION_TOKENS, FLAGS, PROMPT_TOKENS, REASONING_TOKENS, RESPONSE_TIME, STREAM_FLAG,
  TIME_TO_FIRST_TOKEN, TOTAL_TOKENS, callRecord, slotValue,
} from '../llm-call-values.js';
import { MonitorRecorder, isCount, isOptionalNonNegative } from './record-fields.js';

const LLM_FIELD_NAMES = ['model', 'provider', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'time_to_first_token'];
/** The `llm` module's own fields, in the order they are written. */
const LLM_FIELDS = new FieldEncoder(LLM_FIELD_NAMES);
/**
 * The fields of an adapter's record: the `llm` fields, then the ones `recordLlmCall` would take as attributes, in the
 * order the adapters give them. The line is the same; the record skips the attribute object and its checks.
 */
const ADAPTER_FIELDS = new FieldEncoder([...LLM_FIELD_NAMES, 'stream', 'aborted', 'cached_tokens', 'reasoning_tokens']);

/**
 * Monitor of the `llm` module: calls to language models with their latency and token counts.
 * @example
 * llm.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1,
 *   promptTokens: 100, completionTokens: 200, totalTokens: 300, success: true });
 */
export class LlmPerformanceMonitor extends LightweightPerformanceMonitor {
  readonly #recorder: MonitorRecorder;
  #adapterRecorder: MonitorRecorder | undefined;

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

  /**
   * @internal The record of a call an adapter observed (`perflog/openai`, ...), from its values (llm-call-values.ts,
   * the run at `at`): the line `recordLlmCall` writes with `stream`, `aborted`, `cached_tokens` and
   * `reasoning_tokens` as attributes. The adapters give whole token counts >= 0 (`count()`); the durations, which a
   * library may measure itself, are checked here.
   */
  recordAdapterCall(model: string, provider: string, values: ArrayLike<number>, at: number, error: string | undefined): void {
    // a subclass with its own recordLlmCall gets the call as any record
    if (this.recordLlmCall !== BUILTIN_RECORD) return this.recordLlmCall(callRecord(model, provider, values, at, error));
    const operation = 'llm_call';
    const writer = (this.#adapterRecorder ??= new MonitorRecorder(this.logger, ADAPTER_FIELDS));
    const responseTime = values[at + RESPONSE_TIME];
    if (!isDuration(responseTime)) return writer.rejectNumber(operation, 'responseTime', responseTime, 'a finite number of seconds >= 0');
    const timeToFirstToken = slotValue(values, at + TIME_TO_FIRST_TOKEN);
    if (!isOptionalNonNegative(timeToFirstToken)) {
      return writer.rejectNumber(operation, 'timeToFirstToken', timeToFirstToken, 'a finite number of seconds >= 0');
    }
    const promptTokens = slotValue(values, at + PROMPT_TOKENS);
    const completionTokens = slotValue(values, at + COMPLETION_TOKENS);
    const flags = values[at + FLAGS]!;
    const fields = writer.fields;
    fields[0] = model;
    fields[1] = provider;
    fields[2] = promptTokens;
    fields[3] = completionTokens;
    fields[4] = slotValue(values, at + TOTAL_TOKENS)
      ?? (promptTokens !== undefined && completionTokens !== undefined ? promptTokens + completionTokens : undefined);
    fields[5] = timeToFirstToken;
    fields[6] = (flags & STREAM_FLAG) !== 0 ? true : undefined;
    fields[7] = (flags & ABORTED_FLAG) !== 0 ? true : undefined;
    fields[8] = slotValue(values, at + CACHED_TOKENS);
    fields[9] = slotValue(values, at + REASONING_TOKENS);
    writer.write(fields, operation, responseTime, undefined, error === undefined, error, undefined);
  }
}

/** The built-in `recordLlmCall`: a monitor that has it writes the adapters' records without a record object. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- compared with a monitor's, never called
const BUILTIN_RECORD = LlmPerformanceMonitor.prototype.recordLlmCall;
