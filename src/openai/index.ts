/**
 * `perflog/openai`: one `llm_call` record per `chat.completions.create` / `responses.create` call of an OpenAI client
 * (`openai` 6.x and 7.x, and compatible servers), streaming or not, with the SDK's own objects left intact.
 */
import { instrumentApiMethod } from '../instrumentation/api-promise.js';
import type { LlmCall } from '../instrumentation/llm-call.js';
import type { InstrumentationOptions } from '../instrumentation/shared.js';
import { resolveMonitors } from '../instrumentation/shared.js';
import type { ChunkObserver } from '../instrumentation/stream.js';
import { isSdkStream, observeStream } from '../instrumentation/stream.js';
import { openAIChatUsage, openAIResponsesUsage } from '../instrumentation/tokens.js';
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
  instrumentApiMethod(completions, 'create', provider, monitors, (result, call) => finishParsed(result, call, 'chat'));
  if (typeof client.responses?.create === 'function') {
    instrumentApiMethod(client.responses, 'create', provider, monitors, (result, call) => finishParsed(result, call, 'responses'));
  }
  return client;
}

function finishParsed(result: unknown, call: LlmCall, api: Api): void {
  // called through the shared handler, which reports a failure here as perflog's and still records the call once
  if (isSdkStream(result)) {
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
}
