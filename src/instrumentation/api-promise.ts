/**
 * Hooks an SDK method that returns a lazy `APIPromise` (the OpenAI and Anthropic SDKs share its design) without
 * parsing anything itself: the response's arrival or the request's failure, the parse the app asks for (`await`,
 * `.withResponse()`), and `.asResponse()` (recorded without tokens: the body is the app's, unread).
 */
import { LlmCall } from './llm-call.js';
import type { CallOutcome } from './llm-call.js';
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
    let call: ApiCall | undefined;
    try {
      call = new ApiCall(monitors, provider, (args[0] as { model?: unknown } | undefined)?.model, onParsed);
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
      observeApiPromise(promise, call);
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
  [OBSERVER]?: ApiCall;
}

const OBSERVER = Symbol('perflog api promise observer');

function isApiPromise(value: unknown): value is ApiPromiseLike {
  const candidate = value as Partial<ApiPromiseLike> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.responsePromise instanceof Promise
    && typeof candidate.parse === 'function' && typeof candidate.asResponse === 'function';
}

/**
 * A call of an SDK method that returns an `APIPromise`, and its watch over that promise: the parse the app asks for
 * (`await`, `.then()`, `.withResponse()`: the SDK's `parse()`), `.asResponse()` (recorded without tokens: the body is
 * the app's, unread), and, once `flush()` finds the call still busy, the response's arrival. The hooks are shared
 * functions that find their call on the promise, so a call costs this object and one reaction, not a closure per hook.
 */
class ApiCall extends LlmCall {
  isParsing = false;
  #isWatching = false;
  readonly onParsed: ParsedHandler;
  /** The SDK's `parse()` and `asResponse()` of the promise, which the hooks call. */
  parse: ApiPromiseLike['parse'] | undefined;
  asResponse: ApiPromiseLike['asResponse'] | undefined;
  /** The promise whose response `watchResponse()` watches; dropped when the call ends (its record waits without it). */
  #promise: ApiPromiseLike | undefined;

  constructor(monitors: AdapterMonitors, provider: string, requestModel: unknown, onParsed: ParsedHandler) {
    super(monitors, provider, requestModel);
    this.onParsed = onParsed;
  }

  /** Hooks `promise` (the call's `APIPromise`) without parsing anything itself. */
  observe(promise: ApiPromiseLike): void {
    this.parse = promise.parse;
    this.asResponse = promise.asResponse;
    this.#promise = promise;
    promise[OBSERVER] = this;
    promise.parse = parseObserved;
    promise.asResponse = asResponseObserved;
  }

  override end(outcome?: CallOutcome, timing?: { durationSeconds: number; firstOutputSeconds: number | undefined }): void {
    this.#promise = undefined;
    super.end(outcome, timing);
  }

  /** `flush()` found the call busy: from now on, a response nobody parses makes it idle, a failed request ends it. */
  protected override watchResponse(): void {
    const promise = this.#promise;
    if (this.#isWatching || promise === undefined) return;
    this.#isWatching = true;
    promise.responsePromise.then(() => {
      if (!this.isParsing) this.isBusy = false;
    }, (error: unknown) => {
      if (!this.isParsing) this.end({ error });
    });
  }
}

/** The SDK's `parse()`, observed: the first parse records the call when it settles (body, SDK error or failure). */
function parseObserved(this: ApiPromiseLike): Promise<unknown> {
  const call = this[OBSERVER]!;
  const parsed = call.parse!.call(this);
  if (!call.isParsing) {
    call.isParsing = true;
    call.isBusy = true;
    // Observed beside the SDK's chain, not in it: the app gets the SDK's own promise, and this reaction, registered
    // before the app's (the SDK's then() parses first), records the call before the app's callbacks run. It swallows
    // nothing the app sees: the app's own reactions still get the value or the error.
    parsed.then((result) => {
      handleParsed(result, call);
    }, (error: unknown) => {
      call.isBusy = false;
      call.end({ error });
    });
  }
  return parsed;
}

/** The SDK's `asResponse()`, observed: a call whose body nobody parses is recorded when its response arrives. */
function asResponseObserved(this: ApiPromiseLike): Promise<unknown> {
  const call = this[OBSERVER]!;
  const response = call.asResponse!.call(this);
  if (!call.isParsing) {
    response.then(() => {
      if (!call.isParsing) call.end();
    }, (error: unknown) => {
      if (!call.isParsing) call.end({ error });
    });
  }
  return response;
}

/** Hooks the lazy `APIPromise` without parsing anything itself (see `ApiCall`). */
function observeApiPromise(promise: unknown, call: ApiCall): void {
  if (!isApiPromise(promise)) {
    if (promise instanceof Promise) promise.then((result) => handleParsed(result, call), (error: unknown) => call.end({ error }));
    return;
  }
  call.observe(promise);
}

/** Runs the call's `onParsed`; a failure in it is perflog's, so it is reported and the call still recorded once. */
function handleParsed(result: unknown, call: ApiCall): void {
  try {
    call.onParsed(result, call);
  } catch (error) {
    call.reportInternalFailure(error);
    call.end();
  }
}
