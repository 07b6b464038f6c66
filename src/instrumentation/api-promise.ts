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

/** The `APIPromise` internals perflog hooks (the same in `openai` 6 and 7). */
interface ApiPromiseLike {
  responsePromise: Promise<unknown>;
  parseResponse: (client: unknown, props: unknown) => unknown;
  asResponse: (this: ApiPromiseLike) => Promise<unknown>;
  parsedPromise?: unknown;
}

function isApiPromise(value: unknown): value is ApiPromiseLike {
  const candidate = value as Partial<ApiPromiseLike> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.responsePromise instanceof Promise
    && typeof candidate.parseResponse === 'function' && typeof candidate.asResponse === 'function';
}

/**
 * Hooks the lazy `APIPromise` without parsing anything itself: the response's arrival (or the request's failure),
 * the parse the app asks for (`await`, `.withResponse()`), and `.asResponse()` (recorded without tokens: the body is
 * the app's, unread).
 */
function observeApiPromise(promise: unknown, call: LlmCall, onParsed: ParsedHandler): void {
  if (!isApiPromise(promise)) {
    if (promise instanceof Promise) promise.then((result) => handleParsed(result, call, onParsed), (error: unknown) => call.end({ error }));
    return;
  }
  promise.responsePromise = promise.responsePromise.then((props) => {
    call.isBusy = false;
    return props;
  }, (error: unknown) => {
    call.isBusy = false;
    call.end({ error });
    throw error;
  });
  const parse = promise.parseResponse;
  // Anonymous hooks: a named function expression per call costs a name helper call under tsx (keepNames).
  promise.parseResponse = function (this: unknown, client: unknown, props: unknown): unknown {
    call.isBusy = true;
    const parsed = parse.call(this, client, props);
    // Observed beside the SDK's chain, not in it: the app gets the SDK's own promise (no extra hop), and this
    // reaction, registered first, records the call before the app's callbacks run. It swallows nothing the app sees:
    // the SDK's chain still adopts `parsed` and its rejection.
    (parsed instanceof Promise ? parsed : Promise.resolve(parsed)).then((result) => {
      handleParsed(result, call, onParsed);
    }, (error: unknown) => {
      call.isBusy = false;
      call.end({ error });
    });
    return parsed;
  };
  const asResponse = promise.asResponse;
  promise.asResponse = function (this: ApiPromiseLike): Promise<unknown> {
    const response = asResponse.call(this);
    if (this.parsedPromise === undefined) {
      response.then(() => {
        if (this.parsedPromise === undefined) call.end();
      }, () => undefined);
    }
    return response;
  };
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
