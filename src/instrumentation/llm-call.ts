/**
 * One language-model call in flight: it writes exactly one `llm_call` record, however the call ends (response,
 * error, early exit, abort, or abandonment noticed by `flush()` / `shutdown()`).
 */
import { monotonicMs } from '../clock.js';
import type { PendingCall } from '../pending-calls.js';
import type { AdapterMonitors } from './shared.js';
import { UNKNOWN, errorName, isAbortError, reportFailure } from './shared.js';
import type { TokenUsage } from './tokens.js';
import { secondsBetween } from '../number-text.js';
import {
  ABORTED_FLAG, CACHED_TOKENS, CALL_SLOTS, COMPLETION_TOKENS, END_MS, FLAGS, PROMPT_TOKENS, REASONING_TOKENS, RESPONSE_TIME,
  STREAM_FLAG, TIME_TO_FIRST_TOKEN, TOTAL_TOKENS,
} from '../llm-call-values.js';

/** The values of the call that ends now, filled by `end()` and read by the factory before `end()` returns. */
const callValues = new Float64Array(CALL_SLOTS);
/** The model the last response named (see `setModel`). */
let lastResponseModel = '';

/** How a call ended, for `LlmCall.end()`. */
export interface CallOutcome {
  /** The error the call failed with (its class name and HTTP status become `error`). */
  error?: unknown;
  /** An error type reported inside a successful response (Responses `response.failed`, Anthropic `error`). */
  errorType?: string | undefined;
  /** The app stopped reading, aborted, or abandoned the stream. */
  aborted?: boolean;
}

/** The record of one call, written once. */
export class LlmCall implements PendingCall {
  /** The model: the response's once known, else the request's. */
  model: string;
  readonly provider: string;
  /** Whether the call returns a stream (adds `stream: true` and `time_to_first_token`). */
  isStream = false;
  /** @internal The slot of the factory's pending calls that holds this call. */
  pendingSlot = -1;
  /** Whether something is in flight (the request, or a stream's `next()`): `flush()` leaves such a call alone. */
  isBusy = true;
  usage: TokenUsage | undefined;
  /** An error type reported inside a successful response (a stream's error event); the call then fails. */
  failure: string | undefined;
  readonly #monitors: AdapterMonitors;
  readonly #startMs = monotonicMs();
  #firstOutputMs: number | undefined;
  #isDone = false;

  constructor(monitors: AdapterMonitors, provider: string, requestModel: unknown) {
    this.#monitors = monitors;
    this.provider = provider;
    this.model = typeof requestModel === 'string' && requestModel !== '' ? requestModel : UNKNOWN;
    monitors.factory.trackPendingCall(this);
  }

  /** Whether the call ended (its record is written, or waits in the factory's batch). */
  get isDone(): boolean {
    return this.#isDone;
  }

  /**
   * Takes the response's model when it names one. A response's model is a new string each time (JSON.parse shares
   * only short ones): the last one seen is kept instead when equal, compared now, while the response is in the CPU's
   * caches, so the record's writer finds it the same string as the record before.
   */
  setModel(model: unknown): void {
    if (typeof model !== 'string' || model === '') return;
    if (model !== lastResponseModel) lastResponseModel = model;
    this.model = lastResponseModel;
  }

  /** Whether output arrived (a stream's first output chunk was seen). */
  get hasOutput(): boolean {
    return this.#firstOutputMs !== undefined;
  }

  /** Notes that output arrived now (the first call fixes `time_to_first_token`). */
  markOutput(): void {
    this.#firstOutputMs ??= monotonicMs();
  }

  /**
   * Ends the call and hands its record's values to the factory (once; later calls do nothing), which writes it in its
   * next batch with the time and span ids of now. `timing` replaces perflog's own clock with the library's (seconds),
   * for libraries that measure their calls themselves.
   */
  end(outcome?: CallOutcome, timing?: { durationSeconds: number; firstOutputSeconds: number | undefined }): void {
    if (this.#isDone) return;
    this.#isDone = true;
    const endMs = monotonicMs();
    const monitors = this.#monitors;
    try {
      const factory = monitors.factory;
      factory.untrackPendingCall(this);
      // Everything that may run code first (making the monitor runs a registered monitor type's maker; the error's
      // name and the library's timing may be getters), since that code may end another call and fill callValues.
      const llm = monitors.llm;
      const errorType = outcome?.errorType ?? this.failure;
      const error = errorType ?? (outcome?.error !== undefined ? errorName(outcome.error) : undefined);
      const flags = (this.isStream ? STREAM_FLAG : 0) | (outcome?.aborted === true || isAbortError(outcome?.error) ? ABORTED_FLAG : 0);
      const responseTime = timing?.durationSeconds ?? secondsBetween(this.#startMs, endMs);
      const timeToFirstToken = !this.isStream ? Number.NaN : timing !== undefined ? timing.firstOutputSeconds ?? Number.NaN
        : this.#firstOutputMs !== undefined ? secondsBetween(this.#startMs, this.#firstOutputMs) : Number.NaN;
      const usage = this.usage;
      const values = callValues;
      values[END_MS] = endMs;
      values[RESPONSE_TIME] = responseTime;
      values[TIME_TO_FIRST_TOKEN] = timeToFirstToken;
      values[PROMPT_TOKENS] = usage?.promptTokens ?? Number.NaN;
      values[COMPLETION_TOKENS] = usage?.completionTokens ?? Number.NaN;
      values[TOTAL_TOKENS] = usage?.totalTokens ?? Number.NaN;
      values[CACHED_TOKENS] = usage?.cachedTokens ?? Number.NaN;
      values[REASONING_TOKENS] = usage?.reasoningTokens ?? Number.NaN;
      values[FLAGS] = flags;
      factory.deferLlmCall(llm, this.model, this.provider, error, values);
    } catch (error) {
      reportFailure(() => monitors.factory, 'llm_call', error);
    }
  }

  /** Counts and reports a failure inside perflog while observing this call (never throws). */
  reportInternalFailure(error: unknown): void {
    reportFailure(() => this.#monitors.factory, 'llm_call', error);
  }

  /**
   * `flush()` records an idle call (a stream nobody reads, a response nobody parses) and tells the adapter's watcher
   * of a busy one; `shutdown()` records any.
   */
  settle(isShutdown: boolean): void {
    if (isShutdown || !this.isBusy) this.end({ aborted: this.isStream || this.isBusy });
    else this.watchResponse();
  }

  /**
   * `flush()` found the call busy: an adapter that can tell when the response arrives starts watching for it here
   * (api-promise.ts); by default there is nothing to watch.
   */
  protected watchResponse(): void {}
}
