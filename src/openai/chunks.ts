/**
 * What perflog reads from OpenAI stream chunks: the model, the server's usage, the first output, error events.
 * Never the content itself (only whether a delta is empty).
 */
import type { LlmCall } from '../instrumentation/llm-call.js';
import { openAIChatUsage, openAIResponsesUsage } from '../instrumentation/tokens.js';

interface ChatChunk {
  model?: string;
  usage?: unknown;
  choices?: Array<{ delta?: { content?: string | null; refusal?: string | null; reasoning_content?: string | null; tool_calls?: unknown[] | null } }>;
}

/** A chat completions chunk: output is non-empty text, refusal or reasoning, or a tool-call delta. */
export function observeChatChunk(value: unknown, call: LlmCall): void {
  const chunk = value as ChatChunk;
  if (chunk.model !== undefined && chunk.model !== call.model) call.setModel(chunk.model);
  if (chunk.usage !== undefined && chunk.usage !== null) call.usage = openAIChatUsage(chunk.usage);
  if (call.hasOutput || chunk.choices === undefined) return;
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (delta === undefined) continue;
    if ((typeof delta.content === 'string' && delta.content !== '') || (typeof delta.refusal === 'string' && delta.refusal !== '')
      || (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '')
      || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)) {
      call.markOutput();
      return;
    }
  }
}

interface ResponsesEvent {
  type?: string;
  delta?: unknown;
  code?: unknown;
  response?: { model?: unknown; usage?: unknown; error?: { code?: unknown } | null };
}

/**
 * A Responses API event: output is the first non-empty `*.delta` (text, refusal, tool-call arguments, reasoning);
 * `response.completed` / `incomplete` / `failed` carry the model and usage; `response.failed` and `error` fail the call.
 */
export function observeResponsesEvent(value: unknown, call: LlmCall): void {
  const event = value as ResponsesEvent;
  const type = event.type;
  if (typeof type !== 'string') return;
  if (type.endsWith('.delta')) {
    if (!call.hasOutput && event.delta !== '' && event.delta !== undefined && event.delta !== null) call.markOutput();
    return;
  }
  switch (type) {
    case 'response.created':
      call.setModel(event.response?.model);
      return;
    case 'response.completed':
    case 'response.incomplete':
    case 'response.failed':
      call.setModel(event.response?.model);
      call.usage = openAIResponsesUsage(event.response?.usage) ?? call.usage;
      if (type === 'response.failed') {
        const code = event.response?.error?.code;
        call.failure = typeof code === 'string' && code !== '' ? code : 'response.failed';
      }
      return;
    case 'error':
      call.failure = typeof event.code === 'string' && event.code !== '' ? event.code : 'error';
      return;
    default:
  }
}

/** An error payload inside a 200 chat stream (the SDK throws an `APIError` without status): its type or code. */
export function streamErrorType(error: unknown): string | undefined {
  const apiError = error as { status?: unknown; error?: { type?: unknown; code?: unknown } | null } | null;
  if (typeof apiError !== 'object' || apiError === null || apiError.status !== undefined || typeof apiError.error !== 'object' || apiError.error === null) {
    return undefined;
  }
  const { type, code } = apiError.error;
  return typeof type === 'string' && type !== '' ? type : typeof code === 'string' && code !== '' ? code : undefined;
}
