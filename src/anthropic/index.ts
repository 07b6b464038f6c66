/**
 * `perflog/anthropic`: one `llm_call` record per `messages.create` (with or without `stream: true`) and
 * `messages.stream()` call of an Anthropic client (`@anthropic-ai/sdk` 1.x), with the SDK's own objects left intact.
 */
import { instrumentApiMethod } from '../instrumentation/api-promise.js';
import type { LlmCall } from '../instrumentation/llm-call.js';
import { startRecordedCall } from '../instrumentation/recorded-spans.js';
import type { InstrumentationOptions } from '../instrumentation/shared.js';
import { resolveMonitors } from '../instrumentation/shared.js';
import { isSdkStream, observeStream } from '../instrumentation/stream.js';
import { anthropicUsage } from '../instrumentation/tokens.js';

/** Options of `instrumentAnthropic`. */
export type InstrumentAnthropicOptions = InstrumentationOptions;

/** The part of an Anthropic client perflog instruments. */
export interface AnthropicLikeClient {
  messages: { create: (...args: never[]) => unknown; stream?: (...args: never[]) => unknown };
}

const STREAM_INSTRUMENTED = Symbol.for('perflog.instrumented.stream');

/**
 * Instruments `client` in place and returns it: every `messages.create(...)` (streamed or not) and
 * `messages.stream(...)` writes one `llm_call` with `provider` `"anthropic"`; `prompt_tokens` = `input_tokens` +
 * `cache_read_input_tokens` + `cache_creation_input_tokens`, `cached_tokens` = `cache_read_input_tokens`,
 * `reasoning_tokens` = the thinking tokens when reported. A call is recorded once even when the SDK also emits its
 * own GenAI span and `PerflogSpanProcessor` is installed.
 * @throws {TypeError} when `client` has no `messages.create`, or `options.factory` is not a factory.
 * @example
 * import Anthropic from '@anthropic-ai/sdk';
 * import { instrumentAnthropic } from 'perflog/anthropic';
 * const client = instrumentAnthropic(new Anthropic());
 */
export function instrumentAnthropic<C extends AnthropicLikeClient>(client: C, options?: InstrumentAnthropicOptions): C {
  const messages = (client as Partial<AnthropicLikeClient> | undefined)?.messages;
  if (typeof messages?.create !== 'function') throw new TypeError('perflog: instrumentAnthropic needs an Anthropic client (messages.create)');
  const monitors = resolveMonitors(options);
  instrumentApiMethod(messages, 'create', 'anthropic', monitors, finishParsed);
  // messages.stream() calls messages.create() inside (one record); its own span starts before that call, so the
  // whole method runs marked as recorded.
  const stream = messages.stream as ((this: unknown, ...args: unknown[]) => unknown) & { [STREAM_INSTRUMENTED]?: true } | undefined;
  if (typeof stream === 'function' && stream[STREAM_INSTRUMENTED] !== true) {
    const marked = function streamMessage(this: unknown, ...args: unknown[]): unknown {
      return startRecordedCall(() => stream.apply(this, args));
    };
    Object.defineProperty(marked, STREAM_INSTRUMENTED, { value: true });
    (messages as { stream: unknown }).stream = marked;
  }
  return client;
}

interface AnthropicEvent {
  type?: string;
  message?: { model?: unknown; usage?: unknown };
  usage?: unknown;
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string };
  content_block?: { type?: string };
  error?: { type?: unknown };
}

/** Per stream: `message_start`'s usage, the base that later cumulative `message_delta` usage overrides. */
const startUsage = new WeakMap<LlmCall, unknown>();

function observeEvent(value: unknown, call: LlmCall): void {
  const event = value as AnthropicEvent;
  switch (event.type) {
    case 'content_block_delta': {
      if (call.hasOutput) return;
      const delta = event.delta;
      if ((typeof delta?.text === 'string' && delta.text !== '') || (typeof delta?.partial_json === 'string' && delta.partial_json !== '')
        || (typeof delta?.thinking === 'string' && delta.thinking !== '')) call.markOutput();
      return;
    }
    case 'content_block_start':
      if (!call.hasOutput && event.content_block?.type === 'tool_use') call.markOutput();
      return;
    case 'message_start':
      call.setModel(event.message?.model);
      startUsage.set(call, event.message?.usage);
      call.usage = anthropicUsage(event.message?.usage);
      return;
    case 'message_delta':
      call.usage = anthropicUsage(event.usage, startUsage.get(call));
      return;
    default:
  }
}

/** An `error` event inside a 200 stream (the SDK throws an `APIError` without status): its error type. */
function streamErrorType(error: unknown): string | undefined {
  const apiError = error as { status?: unknown; error?: { error?: { type?: unknown } } } | null;
  if (typeof apiError !== 'object' || apiError === null || apiError.status !== undefined) return undefined;
  const type = apiError.error?.error?.type;
  return typeof type === 'string' && type !== '' ? type : undefined;
}

function finishParsed(result: unknown, call: LlmCall): void {
  if (isSdkStream(result)) {
    observeStream(result, call, observeEvent, streamErrorType);
    return;
  }
  call.isBusy = false;
  const message = result as { model?: unknown; usage?: unknown } | null;
  call.setModel(message?.model);
  call.usage = anthropicUsage(message?.usage);
  call.end();
}
