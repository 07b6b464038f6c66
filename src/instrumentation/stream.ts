/**
 * Observes an SDK stream without replacing it: the stream object stays the SDK's own (`controller`, `tee()`,
 * `toReadableStream()` keep working) and only the iterator it hands out is wrapped, passing every result through
 * unchanged.
 */
import type { LlmCall } from './llm-call.js';

/** The part of the OpenAI and Anthropic SDKs' `Stream` perflog touches. */
export interface SdkStream {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: AbortController | undefined;
}

/** Whether a parsed result is an SDK `Stream` (an iterator factory and its `AbortController`). */
export function isSdkStream(value: unknown): value is SdkStream {
  return typeof value === 'object' && value !== null && typeof (value as Partial<SdkStream>).iterator === 'function'
    && (value as Partial<SdkStream>).controller instanceof AbortController;
}

/** Reads one chunk for the record (model, usage, first output, error events); never sees the app's handling of it. */
export type ChunkObserver = (chunk: unknown, call: LlmCall) => void;

/** The error type of an error event inside a 200 stream, when `error` is one; else `undefined`. */
export type StreamErrorType = (error: unknown) => string | undefined;

/**
 * Wraps `stream.iterator` so that its first iteration feeds `observe` and ends `call`: at the last chunk, at an early
 * `return()` (`aborted: true`), or at an error (rethrown unchanged; `aborted: true` when the controller aborted).
 */
export function observeStream(stream: SdkStream, call: LlmCall, observe: ChunkObserver, errorType?: StreamErrorType): void {
  const original = stream.iterator;
  let isObserved = false;
  stream.iterator = function iterator(this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
    const inner = original.apply(this, args);
    if (isObserved) return inner; // the SDK refuses a second iteration itself
    isObserved = true;
    return new ObservedIterator(inner, call, observe, stream.controller, errorType);
  };
  call.isStream = true;
  call.isBusy = false;
}

/** The iterator the app gets: the SDK's, with each result looked at once. */
class ObservedIterator implements AsyncIterator<unknown>, AsyncIterable<unknown> {
  readonly #inner: AsyncIterator<unknown>;
  readonly #call: LlmCall;
  readonly #observe: ChunkObserver;
  readonly #controller: AbortController | undefined;
  readonly #errorType: StreamErrorType | undefined;

  constructor(
    inner: AsyncIterator<unknown>, call: LlmCall, observe: ChunkObserver, controller: AbortController | undefined,
    errorType: StreamErrorType | undefined,
  ) {
    this.#inner = inner;
    this.#errorType = errorType;
    this.#call = call;
    this.#observe = observe;
    this.#controller = controller;
  }

  next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    this.#call.isBusy = true;
    return this.#inner.next(...args).then(this.#onResult, this.#onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    const call = this.#call;
    call.isBusy = false;
    call.end({ aborted: true });
    const inner = this.#inner;
    return inner.return !== undefined ? inner.return(value) : Promise.resolve({ done: true, value });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    const inner = this.#inner;
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the app's value, passed on unchanged
    if (inner.throw === undefined) return Promise.reject(error);
    return inner.throw(error).then(this.#onResult, this.#onError);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  readonly #onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
    const call = this.#call;
    call.isBusy = false;
    if (result.done === true) {
      call.end(this.#controller?.signal.aborted === true ? { aborted: true } : undefined);
    } else if (!call.isDone) {
      try {
        this.#observe(result.value, call);
      } catch (error) {
        call.reportInternalFailure(error);
      }
    }
    return result;
  };

  readonly #onError = (error: unknown): never => {
    const call = this.#call;
    call.isBusy = false;
    let errorType: string | undefined;
    try {
      errorType = this.#errorType?.(error);
    } catch (failure) {
      call.reportInternalFailure(failure);
    }
    call.end({ error, errorType, aborted: this.#controller?.signal.aborted === true });
    throw error;
  };
}
