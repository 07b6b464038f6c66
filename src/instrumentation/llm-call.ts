/**
 * One language-model call in flight: it writes exactly one `llm_call` record, however the call ends (response,
 * error, early exit, abort, or abandonment noticed by `flush()` / `shutdown()`).
 */
import { performance } from 'node:perf_hooks';
import type { DeferredRecord } from '../deferred-records.js';
import type { PendingCall } from '../pending-calls.js';
import type { AttributeValue } from '../interfaces.js';
import type { AdapterMonitors } from './shared.js';
import { UNKNOWN, errorName, isAbortError, reportFailure } from './shared.js';
import type { TokenUsage } from './tokens.js';
import { secondsBetween } from '../number-text.js';
import { LlmPerformanceMonitor } from '../implementations/llm-monitor.js';

/** The built-in `recordLlmCall`: a monitor that has it takes the adapters' records by `recordAdapterCall`. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- compared with the monitor's, never called
const BUILTIN_RECORD = LlmPerformanceMonitor.prototype.recordLlmCall;

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
export class LlmCall implements PendingCall, DeferredRecord {
  /** The model: the response's once known, else the request's. */
  model: string;
  readonly provider: string;
  /** Whether the call returns a stream (adds `stream: true` and `time_to_first_token`). */
  isStream = false;
  /** @internal What `flush()` tells when it finds the call busy: the adapter then watches for its response. */
  whenBusyAtFlush: { watchResponse(): void } | undefined;
  /** @internal The slot of the factory's pending calls that holds this call. */
  pendingSlot = -1;
  /** Whether something is in flight (the request, or a stream's `next()`): `flush()` leaves such a call alone. */
  isBusy = true;
  usage: TokenUsage | undefined;
  /** An error type reported inside a successful response (a stream's error event); the call then fails. */
  failure: string | undefined;
  readonly #monitors: AdapterMonitors;
  readonly #startMs = performance.now();
  #firstOutputMs: number | undefined;
  /** @internal When the call ended (`performance.now()`); 0 before. */
  endMs = 0;
  #outcome: CallOutcome | undefined;
  #timing: { durationSeconds: number; firstOutputSeconds: number | undefined } | undefined;
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

  /** Takes the response's model when it names one. */
  setModel(model: unknown): void {
    if (typeof model === 'string' && model !== '') this.model = model;
  }

  /** Whether output arrived (a stream's first output chunk was seen). */
  get hasOutput(): boolean {
    return this.#firstOutputMs !== undefined;
  }

  /** Notes that output arrived now (the first call fixes `time_to_first_token`). */
  markOutput(): void {
    this.#firstOutputMs ??= performance.now();
  }

  /**
   * Ends the call and hands its record to the factory (once; later calls do nothing), which writes it in its next
   * batch with the time and span ids of now. `timing` replaces perflog's own clock with the library's (seconds), for
   * libraries that measure their calls themselves.
   */
  end(outcome?: CallOutcome, timing?: { durationSeconds: number; firstOutputSeconds: number | undefined }): void {
    if (this.#isDone) return;
    this.#isDone = true;
    this.endMs = performance.now();
    // the record waits for its batch: it keeps its own values, not the SDK objects the adapter watched
    this.whenBusyAtFlush = undefined;
    this.#outcome = outcome;
    this.#timing = timing;
    const monitors = this.#monitors;
    try {
      monitors.factory.untrackPendingCall(this);
      monitors.factory.deferRecord(this);
    } catch (error) {
      reportFailure(() => monitors.factory, 'llm_call', error);
    }
  }

  /** @internal Writes the record of the ended call (the factory calls it once, at once or in a batch). */
  writeRecord(): void {
    const outcome = this.#outcome;
    const timing = this.#timing;
    const monitors = this.#monitors;
    try {
      const errorType = outcome?.errorType ?? this.failure;
      const error = errorType ?? (outcome?.error !== undefined ? errorName(outcome.error) : undefined);
      const isAborted = outcome?.aborted === true || isAbortError(outcome?.error);
      const usage = this.usage;
      const responseTime = timing?.durationSeconds ?? secondsBetween(this.#startMs, this.endMs);
      const timeToFirstToken = !this.isStream ? undefined : timing !== undefined ? timing.firstOutputSeconds
        : this.#firstOutputMs !== undefined ? secondsBetween(this.#startMs, this.#firstOutputMs) : undefined;
      const llm = monitors.llm;
      if (llm.recordLlmCall === BUILTIN_RECORD) {
        llm.recordAdapterCall(this.model, this.provider, responseTime, usage, timeToFirstToken, this.isStream, isAborted, error);
        return;
      }
      // a monitor type registered in place of the built-in one gets the call as any record
      let attributes: Record<string, AttributeValue> | undefined;
      if (this.isStream || isAborted || usage?.cachedTokens !== undefined || usage?.reasoningTokens !== undefined) {
        attributes = {};
        if (this.isStream) attributes['stream'] = true;
        if (isAborted) attributes['aborted'] = true;
        if (usage?.cachedTokens !== undefined) attributes['cached_tokens'] = usage.cachedTokens;
        if (usage?.reasoningTokens !== undefined) attributes['reasoning_tokens'] = usage.reasoningTokens;
      }
      llm.recordLlmCall({
        model: this.model,
        provider: this.provider,
        responseTime,
        promptTokens: usage?.promptTokens,
        completionTokens: usage?.completionTokens,
        totalTokens: usage?.totalTokens,
        timeToFirstToken,
        success: error === undefined,
        error,
        attributes,
      });
    } catch (error) {
      reportFailure(() => monitors.factory, 'llm_call', error);
    } finally {
      this.#outcome = undefined; // the error object is not kept past the record
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
    else this.whenBusyAtFlush?.watchResponse();
  }
}
