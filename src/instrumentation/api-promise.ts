/**
 * Hooks an SDK method that returns a lazy `APIPromise` (the OpenAI and Anthropic SDKs share its design) without
 * parsing anything itself: the response's arrival or the request's failure, the parse the app asks for (`await`,
 * `.withResponse()`), and `.asResponse()` (recorded without tokens: the body is the app's, unread).
 */
import { LlmCall } from './llm-call.js';
import { isInsideOuterCall } from './outer-call.js';
import { applyRecordedCall } from './recorded-spans.js';
import type { AdapterMonitors } from './shared.js';
import { reportFailure } from './shared.js';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const INSTRUMENTED = Symbol.for('perflog.instrumented');

/** Records one parsed result (a body or an SDK `Stream`) of `call`; it must end the call or hand it to a stream observer. */
export type ParsedHandler = (result: unknown, call: LlmCall) => void;

/**
 * Replaces `resource[method]` (an SDK method returning an `APIPromise`) by one that records each call through
 * `onParsed`, and returns the SDK's own promise. A method already instrumented is left as it is (one record).
 */
export function instrumentApiMethod(
  resource: Record<string, unknown>, method: string, provider: string, monitors: AdapterMonitors, onParsed: ParsedHandler,
): void {
  const original = resource[method] as AnyFunction & { [INSTRUMENTED]?: true };
  if (original[INSTRUMENTED] === true) return;
  const create = function create(this: unknown, ...args: unknown[]): unknown {
    // The framework (LangChain) around this call records it already: one record per model call.
    if (isInsideOuterCall()) return applyRecordedCall(original, this, args);
    let call: LlmCall | undefined;
    try {
      call = new LlmCall(monitors, provider, (args[0] as { model?: unknown } | undefined)?.model);
    } catch (error) {
      reportFailure(() => monitors.factory, 'llm_call', error);
      return original.apply(this, args);
    }
    let promise: unknown;
    try {
      promise = applyRecordedCall(original, this, args);
    } catch (error) {
      call.end({ error });
      throw error;
    }
    try {
      observeApiPromise(promise, call, onParsed);
    } catch (error) {
      call.reportInternalFailure(error);
    }
    return promise;
  };
  Object.defineProperty(create, INSTRUMENTED, { value: true });
  resource[method] = create;
}

/** The `APIPromise` internals perflog hooks (the same in `openai` 6 and 7 and `@anthropic-ai/sdk` 1). */
interface ApiPromiseLike {
  responsePromise: Promise<unknown>;
  parse: (this: ApiPromiseLike) => Promise<unknown>;
  asResponse: (this: ApiPromiseLike) => Promise<unknown>;
  parsedPromise?: unknown;
  [OBSERVER]?: ApiPromiseObserver;
}

const OBSERVER = Symbol('perflog api promise observer');

function isApiPromise(value: unknown): value is ApiPromiseLike {
  const candidate = value as Partial<ApiPromiseLike> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.responsePromise instanceof Promise
    && typeof candidate.parse === 'function' && typeof candidate.asResponse === 'function';
}

/**
 * One call's watch over its `APIPromise`: the parse the app asks for (`await`, `.then()`, `.withResponse()`: the SDK's
 * `parse()`), `.asResponse()` (recorded without tokens: the body is the app's, unread), and, once `flush()` finds the
 * call still busy, the response's arrival. The hooks are shared functions that find their observer on the promise,
 * so a call costs this object and one reaction, not a closure per hook.
 */
class ApiPromiseObserver {
  isParsing = false;
  #isWatching = false;
  readonly call: LlmCall;
  readonly onParsed: ParsedHandler;
  readonly parse: ApiPromiseLike['parse'];
  readonly asResponse: ApiPromiseLike['asResponse'];
  readonly #promise: ApiPromiseLike;

  constructor(promise: ApiPromiseLike, call: LlmCall, onParsed: ParsedHandler) {
    this.call = call;
    this.onParsed = onParsed;
    this.parse = promise.parse;
    this.asResponse = promise.asResponse;
    this.#promise = promise;
  }

  /** `flush()` found the call busy: from now on, a response nobody parses makes it idle, a failed request ends it. */
  watchResponse(): void {
    if (this.#isWatching) return;
    this.#isWatching = true;
    const call = this.call;
    this.#promise.responsePromise.then(() => {
      if (!this.isParsing) call.isBusy = false;
    }, (error: unknown) => {
      if (!this.isParsing) call.end({ error });
    });
  }
}

/** The SDK's `parse()`, observed: the first parse records the call when it settles (body, SDK error or failure). */
function parseObserved(this: ApiPromiseLike): Promise<unknown> {
  const observer = this[OBSERVER]!;
  const parsed = observer.parse.call(this);
  if (!observer.isParsing) {
    observer.isParsing = true;
    const call = observer.call;
    call.isBusy = true;
    // Observed beside the SDK's chain, not in it: the app gets the SDK's own promise, and this reaction, registered
    // before the app's (the SDK's then() parses first), records the call before the app's callbacks run. It swallows
    // nothing the app sees: the app's own reactions still get the value or the error.
    parsed.then((result) => {
      handleParsed(result, call, observer.onParsed);
    }, (error: unknown) => {
      call.isBusy = false;
      call.end({ error });
    });
  }
  return parsed;
}

/** The SDK's `asResponse()`, observed: a call whose body nobody parses is recorded when its response arrives. */
function asResponseObserved(this: ApiPromiseLike): Promise<unknown> {
  const observer = this[OBSERVER]!;
  const response = observer.asResponse.call(this);
  if (!observer.isParsing) {
    response.then(() => {
      if (!observer.isParsing) observer.call.end();
    }, (error: unknown) => {
      if (!observer.isParsing) observer.call.end({ error });
    });
  }
  return response;
}

/** Hooks the lazy `APIPromise` without parsing anything itself (see `ApiPromiseObserver`). */
function observeApiPromise(promise: unknown, call: LlmCall, onParsed: ParsedHandler): void {
  if (!isApiPromise(promise)) {
    if (promise instanceof Promise) promise.then((result) => handleParsed(result, call, onParsed), (error: unknown) => call.end({ error }));
    return;
  }
  const observer = new ApiPromiseObserver(promise, call, onParsed);
  promise[OBSERVER] = observer;
  promise.parse = parseObserved;
  promise.asResponse = asResponseObserved;
  call.whenBusyAtFlush = observer;
}

/** Runs `onParsed`; a failure in it is perflog's, so it is reported and the call still recorded once. */
function handleParsed(result: unknown, call: LlmCall, onParsed: ParsedHandler): void {
  try {
    onParsed(result, call);
  } catch (error) {
    call.reportInternalFailure(error);
    call.end();
  }
}
