/**
 * An adapter call's record as plain values: its numbers in a run of `CALL_SLOTS` slots of a number array (`NaN` for
 * a value the call does not have), its texts beside. The deferred batch keeps its calls this way, one contiguous run
 * of numbers per call instead of one object each: written between two SDK calls, those objects would be out of the
 * CPU's caches by the time the batch reads them, and would survive into the older generation of the heap.
 */
import type { AttributeValue, LlmCallRecord } from './interfaces.js';

/** The slots of one call's numbers, in order: `END_MS` is `monotonicMs()` (clock.ts) when the call ended. */
export const END_MS = 0;
export const RESPONSE_TIME = 1;
export const TIME_TO_FIRST_TOKEN = 2;
export const PROMPT_TOKENS = 3;
export const COMPLETION_TOKENS = 4;
export const TOTAL_TOKENS = 5;
export const CACHED_TOKENS = 6;
export const REASONING_TOKENS = 7;
/** `STREAM_FLAG | ABORTED_FLAG`. */
export const FLAGS = 8;
/** Slots per call. */
export const CALL_SLOTS = 9;

/** The call returned a stream. */
export const STREAM_FLAG = 1;
/** The app stopped reading, aborted, or abandoned the call. */
export const ABORTED_FLAG = 2;

/** A slot's value: `undefined` for `NaN` (absent). */
export function slotValue(values: ArrayLike<number>, index: number): number | undefined {
  const value = values[index]!;
  return value === value ? value : undefined;
}

/** What writes a call's record from its values: the built-in LLM monitor, or any monitor registered in its place. */
export interface CallRecorder {
  recordLlmCall(record: LlmCallRecord): void;
  /** The built-in monitor's way: the same line, from the values (no record object). */
  recordAdapterCall?(model: string, provider: string, values: ArrayLike<number>, at: number, error: string | undefined): void;
}

/** Writes the record of a call (the run of `values` at `at`) through `llm`. */
export function recordCallValues(
  llm: CallRecorder, model: string, provider: string, values: ArrayLike<number>, at: number, error: string | undefined,
): void {
  if (llm.recordAdapterCall !== undefined) llm.recordAdapterCall(model, provider, values, at, error);
  else llm.recordLlmCall(callRecord(model, provider, values, at, error));
}

/** The call as a `recordLlmCall` input: `stream`, `aborted`, `cached_tokens` and `reasoning_tokens` as attributes. */
export function callRecord(model: string, provider: string, values: ArrayLike<number>, at: number, error: string | undefined): LlmCallRecord {
  const flags = values[at + FLAGS]!;
  const cachedTokens = slotValue(values, at + CACHED_TOKENS);
  const reasoningTokens = slotValue(values, at + REASONING_TOKENS);
  let attributes: Record<string, AttributeValue> | undefined;
  if (flags !== 0 || cachedTokens !== undefined || reasoningTokens !== undefined) {
    attributes = {};
    if ((flags & STREAM_FLAG) !== 0) attributes['stream'] = true;
    if ((flags & ABORTED_FLAG) !== 0) attributes['aborted'] = true;
    if (cachedTokens !== undefined) attributes['cached_tokens'] = cachedTokens;
    if (reasoningTokens !== undefined) attributes['reasoning_tokens'] = reasoningTokens;
  }
  return {
    model,
    provider,
    responseTime: values[at + RESPONSE_TIME]!,
    promptTokens: slotValue(values, at + PROMPT_TOKENS),
    completionTokens: slotValue(values, at + COMPLETION_TOKENS),
    totalTokens: slotValue(values, at + TOTAL_TOKENS),
    timeToFirstToken: slotValue(values, at + TIME_TO_FIRST_TOKEN),
    success: error === undefined,
    error,
    attributes,
  };
}
