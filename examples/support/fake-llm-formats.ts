/**
 * Wire formats of the fake LLM server: OpenAI chat completions, OpenAI Responses and Anthropic messages, as the
 * providers send them (bodies and SSE events). Only what clients parse; no real model behind it.
 */
import type { FakeBehaviour } from './fake-llm-server.js';

/** One SSE event: an optional `event:` name and its JSON data (or a raw `[DONE]`). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** The pieces the text is streamed in (at least one). */
export function textPieces(b: FakeBehaviour): string[] {
  const text = b.text ?? 'Hello from the fake model.';
  const count = Math.max(1, b.chunks ?? 3);
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < count; i++) pieces.push(text.slice(i * size, (i + 1) * size));
  return pieces;
}

function usageOf(b: FakeBehaviour): { prompt: number; completion: number; cached: number; reasoning: number } {
  const given = b.usage === false ? undefined : b.usage;
  return { prompt: given?.prompt ?? 11, completion: given?.completion ?? 7, cached: given?.cached ?? 0, reasoning: given?.reasoning ?? 0 };
}

const created = 1_704_110_400;

// ---- OpenAI chat completions ----

function chatUsage(b: FakeBehaviour): object {
  const u = usageOf(b);
  return {
    prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached }, completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
}

/** A non-streamed chat completion. */
export function chatBody(b: FakeBehaviour, model: string): object {
  const message = b.toolCall !== undefined
    ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: b.toolCall.name, arguments: b.toolCall.arguments } }] }
    : { role: 'assistant', content: textPieces(b).join(''), refusal: null };
  const body: Record<string, unknown> = {
    id: 'chatcmpl-fake', object: 'chat.completion', created, model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: b.toolCall !== undefined ? 'tool_calls' : 'stop' }],
  };
  if (b.usage !== false) body['usage'] = chatUsage(b);
  return body;
}

/** The events of a streamed chat completion; a role-only delta first, usage last when `include_usage` asked for it. */
export function chatEvents(b: FakeBehaviour, model: string, includeUsage: boolean): SseEvent[] {
  const chunk = (delta: object, finish: string | null = null): SseEvent => ({
    data: { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) },
  });
  const events = [chunk({ role: 'assistant', content: '' })];
  if (b.toolCall !== undefined) {
    events.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: b.toolCall.name, arguments: '' } }] }));
    events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: b.toolCall.arguments } }] }));
  } else {
    for (const piece of textPieces(b)) events.push(chunk({ content: piece }));
  }
  events.push(chunk({}, b.toolCall !== undefined ? 'tool_calls' : 'stop'));
  if (includeUsage && b.usage !== false) {
    events.push({ data: { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created, model, choices: [], usage: chatUsage(b) } });
  }
  events.push({ data: '[DONE]' });
  return events;
}

// ---- OpenAI Responses ----

function responseObject(b: FakeBehaviour, model: string, status: string): Record<string, unknown> {
  const u = usageOf(b);
  const output = status !== 'completed' ? [] : b.toolCall !== undefined
    ? [{ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: b.toolCall.name, arguments: b.toolCall.arguments, status: 'completed' }]
    : [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: textPieces(b).join(''), annotations: [], logprobs: [] }] }];
  return {
    id: 'resp_fake', object: 'response', created_at: created, model, status, error: null, incomplete_details: null,
    output, parallel_tool_calls: true, tool_choice: 'auto', tools: [], temperature: 1, top_p: 1,
    usage: status === 'completed' && b.usage !== false ? {
      input_tokens: u.prompt, input_tokens_details: { cached_tokens: u.cached },
      output_tokens: u.completion, output_tokens_details: { reasoning_tokens: u.reasoning }, total_tokens: u.prompt + u.completion,
    } : null,
  };
}

/** A non-streamed Responses API response. */
export function responsesBody(b: FakeBehaviour, model: string): object {
  return responseObject(b, model, 'completed');
}

/** The events of a streamed Responses API response (`response.failed` at the end with `streamError`). */
export function responsesEvents(b: FakeBehaviour, model: string): SseEvent[] {
  let seq = 0;
  const ev = (type: string, fields: object): SseEvent => ({ event: type, data: { type, sequence_number: seq++, ...fields } });
  const events = [ev('response.created', { response: responseObject(b, model, 'in_progress') })];
  if (b.toolCall !== undefined) {
    events.push(ev('response.output_item.added', { output_index: 0, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: b.toolCall.name, arguments: '', status: 'in_progress' } }));
    events.push(ev('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 0, delta: b.toolCall.arguments }));
    events.push(ev('response.output_item.done', { output_index: 0, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: b.toolCall.name, arguments: b.toolCall.arguments, status: 'completed' } }));
  } else {
    events.push(ev('response.output_item.added', { output_index: 0, item: { type: 'message', id: 'msg_1', status: 'in_progress', role: 'assistant', content: [] } }));
    events.push(ev('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
    for (const piece of textPieces(b)) events.push(ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: piece, logprobs: [] }));
    events.push(ev('response.output_item.done', { output_index: 0, item: { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: textPieces(b).join(''), annotations: [] }] } }));
  }
  if (b.streamError !== undefined) {
    events.push(ev('response.failed', { response: { ...responseObject(b, model, 'failed'), error: { code: b.streamError, message: 'The model failed.' } } }));
  } else {
    events.push(ev('response.completed', { response: responseObject(b, model, 'completed') }));
  }
  return events;
}

// ---- Anthropic messages ----

function anthropicUsage(b: FakeBehaviour, output: number): object {
  const u = usageOf(b);
  return { input_tokens: u.prompt - u.cached, cache_read_input_tokens: u.cached, cache_creation_input_tokens: 0, output_tokens: output };
}

/** A non-streamed Anthropic message. */
export function anthropicBody(b: FakeBehaviour, model: string): object {
  const content = b.toolCall !== undefined
    ? [{ type: 'tool_use', id: 'toolu_1', name: b.toolCall.name, input: JSON.parse(b.toolCall.arguments) as unknown }]
    : [{ type: 'text', text: textPieces(b).join('') }];
  return {
    id: 'msg_fake', type: 'message', role: 'assistant', model, content, stop_sequence: null,
    stop_reason: b.toolCall !== undefined ? 'tool_use' : 'end_turn', usage: anthropicUsage(b, usageOf(b).completion),
  };
}

/**
 * The events of a streamed Anthropic message: `message_start` with output 1, then `message_delta` events whose
 * usage is cumulative (the last one holds the final count), or an `error` event with `streamError`.
 */
export function anthropicEvents(b: FakeBehaviour, model: string): SseEvent[] {
  const ev = (type: string, fields: object): SseEvent => ({ event: type, data: { type, ...fields } });
  const pieces = textPieces(b);
  const events = [
    ev('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(b, 1) } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
  ];
  for (const piece of pieces) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  if (b.streamError !== undefined) {
    events.push(ev('error', { error: { type: b.streamError, message: 'Overloaded' } }));
    return events;
  }
  events.push(ev('content_block_stop', { index: 0 }));
  const final = usageOf(b).completion;
  events.push(ev('message_delta', { delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: Math.max(1, final - 1) } }));
  events.push(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: final } }));
  events.push(ev('message_stop', {}));
  return events;
}

/** The error body each provider sends with an HTTP error status. */
export function errorBody(api: 'chat' | 'responses' | 'anthropic', status: number): object {
  const kind = status === 429 ? 'rate_limit' : 'server';
  if (api === 'anthropic') return { type: 'error', error: { type: `${kind === 'rate_limit' ? 'rate_limit' : 'api'}_error`, message: `fake ${status}` } };
  return { error: { message: `fake ${status}`, type: kind === 'rate_limit' ? 'rate_limit_exceeded' : 'server_error', code: null, param: null } };
}
