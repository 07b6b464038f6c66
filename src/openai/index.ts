/**
 * `perflog/openai`: one `llm_call` record per `chat.completions.create` / `responses.create` call of an OpenAI client
 * (`openai` 6.x and 7.x, and compatible servers), streaming or not, with the SDK's own objects left intact.
 */
import { LlmCall } from '../instrumentation/llm-call.js';
import { startRecordedCall } from '../instrumentation/recorded-spans.js';
import type { InstrumentationOptions } from '../instrumentation/shared.js';
import { reportFailure, resolveMonitors } from '../instrumentation/shared.js';
import type { ChunkObserver, SdkStream } from '../instrumentation/stream.js';
import { observeStream } from '../instrumentation/stream.js';
import { openAIChatUsage, openAIResponsesUsage } from '../instrumentation/tokens.js';
import type { AdapterMonitors } from '../instrumentation/shared.js';
import { observeChatChunk, observeResponsesEvent, streamErrorType } from './chunks.js';

/** Options of `instrumentOpenAI`. */
export interface InstrumentOpenAIOptions extends InstrumentationOptions {
  /**
   * The `provider` field of the records: set `"azure"`, `"vllm"`, ... for compatible servers.
   * @default 'openai'
   */
  provider?: string | undefined;
}

/** The part of an OpenAI client perflog instruments (`openai` 6.x and 7.x). */
export interface OpenAILikeClient {
  chat: { completions: { create: (...args: never[]) => unknown } };
  responses?: { create: (...args: never[]) => unknown } | undefined;
}

type Api = 'chat' | 'responses';
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const INSTRUMENTED = Symbol.for('perflog.instrumented');

/**
 * Instruments `client` in place and returns it: every `chat.completions.create(...)` and `responses.create(...)`
 * writes one `llm_call` (model, provider, duration, tokens from the server's usage; for a stream also
 * `time_to_first_token`, `stream: true`, and `aborted: true` when the app stops early). Return values, streams,
 * `.withResponse()` / `.asResponse()` and errors are exactly the SDK's. Instrumenting a client twice records once.
 * @throws {TypeError} when `client` has no `chat.completions.create`, or `options.factory` is not a factory.
 * @example
 * import OpenAI from 'openai';
 * import { instrumentOpenAI } from 'perflog/openai';
 * const client = instrumentOpenAI(new OpenAI(), { provider: 'openai' });
 */
export function instrumentOpenAI<C extends OpenAILikeClient>(client: C, options?: InstrumentOpenAIOptions): C {
  const completions = (client as Partial<OpenAILikeClient> | undefined)?.chat?.completions;
  if (typeof completions?.create !== 'function') throw new TypeError('perflog: instrumentOpenAI needs an OpenAI client (chat.completions.create)');
  const provider = options?.provider ?? 'openai';
  if (typeof provider !== 'string' || provider === '') throw new TypeError('perflog: options.provider must be a non-empty string');
  const monitors = resolveMonitors(options);
  patchCreate(completions, 'chat', provider, monitors);
  if (typeof client.responses?.create === 'function') patchCreate(client.responses, 'responses', provider, monitors);
  return client;
}

function patchCreate(resource: { create: unknown }, api: Api, provider: string, monitors: AdapterMonitors): void {
  const original = resource.create as AnyFunction & { [INSTRUMENTED]?: true };
  if (original[INSTRUMENTED] === true) return;
  const create = function create(this: unknown, ...args: unknown[]): unknown {
    let call: LlmCall | undefined;
    try {
      call = new LlmCall(monitors, provider, (args[0] as { model?: unknown } | undefined)?.model);
    } catch (error) {
      reportFailure(() => monitors.factory, 'llm_call', error);
      return original.apply(this, args);
    }
    let promise: unknown;
    try {
      promise = startRecordedCall(() => original.apply(this, args));
    } catch (error) {
      call.end({ error });
      throw error;
    }
    try {
      observeApiPromise(promise, call, api);
    } catch (error) {
      call.reportInternalFailure(error);
    }
    return promise;
  };
  Object.defineProperty(create, INSTRUMENTED, { value: true });
  resource.create = create;
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
function observeApiPromise(promise: unknown, call: LlmCall, api: Api): void {
  if (!isApiPromise(promise)) {
    if (promise instanceof Promise) promise.then((result) => finishParsed(result, call, api), (error: unknown) => call.end({ error }));
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
  promise.parseResponse = function parseResponse(this: unknown, client: unknown, props: unknown): unknown {
    call.isBusy = true;
    return Promise.resolve(parse.call(this, client, props)).then((result) => {
      finishParsed(result, call, api);
      return result;
    }, (error: unknown) => {
      call.isBusy = false;
      call.end({ error });
      throw error;
    });
  };
  const asResponse = promise.asResponse;
  promise.asResponse = function asRawResponse(this: ApiPromiseLike): Promise<unknown> {
    const response = asResponse.call(this);
    if (this.parsedPromise === undefined) {
      response.then(() => {
        if (this.parsedPromise === undefined) call.end();
      }, () => undefined);
    }
    return response;
  };
}

function finishParsed(result: unknown, call: LlmCall, api: Api): void {
  try {
    if (isStream(result)) {
      const observe: ChunkObserver = api === 'chat' ? observeChatChunk : observeResponsesEvent;
      observeStream(result, call, observe, streamErrorType);
      return;
    }
    call.isBusy = false;
    const body = result as { model?: unknown; usage?: unknown; status?: unknown; error?: { code?: unknown } | null } | null;
    call.setModel(body?.model);
    call.usage = api === 'chat' ? openAIChatUsage(body?.usage) : openAIResponsesUsage(body?.usage);
    if (api === 'responses' && body?.status === 'failed') call.failure = typeof body.error?.code === 'string' ? body.error.code : 'response.failed';
    call.end();
  } catch (error) {
    call.reportInternalFailure(error);
    call.end();
  }
}

function isStream(value: unknown): value is SdkStream {
  return typeof value === 'object' && value !== null && typeof (value as Partial<SdkStream>).iterator === 'function'
    && (value as Partial<SdkStream>).controller instanceof AbortController;
}
