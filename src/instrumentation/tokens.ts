/**
 * The one token mapping (SPEC 10): `prompt_tokens` counts every input token (cached ones included),
 * `completion_tokens` every output token (reasoning included), `total_tokens` their sum when the provider gives no
 * total; `cached_tokens` and `reasoning_tokens` only when the provider reports them. Usage is only ever read from the
 * provider, never estimated.
 */

/** Token counts of one call as perflog writes them; a field the provider did not report is `undefined`. */
export interface TokenUsage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  totalTokens: number | undefined;
  cachedTokens: number | undefined;
  reasoningTokens: number | undefined;
}

/** A whole number >= 0, else `undefined` (a provider's odd value is left out rather than failing the record). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function sum(...values: Array<number | undefined>): number | undefined {
  let total: number | undefined;
  for (const value of values) if (value !== undefined) total = (total ?? 0) + value;
  return total;
}

/** Builds a usage; `totalTokens` defaults to prompt + completion when both are known. */
export function tokenUsage(
  promptTokens: number | undefined, completionTokens: number | undefined, totalTokens?: number,
  cachedTokens?: number, reasoningTokens?: number,
): TokenUsage {
  const total = totalTokens ?? (promptTokens !== undefined && completionTokens !== undefined ? promptTokens + completionTokens : undefined);
  return { promptTokens, completionTokens, totalTokens: total, cachedTokens, reasoningTokens };
}

/** An object's fields as a provider names them, or `undefined` for anything that is not an object. */
export function fields<T>(value: unknown): Partial<T> | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

interface OpenAIChatUsage {
  prompt_tokens: unknown;
  completion_tokens: unknown;
  total_tokens: unknown;
  prompt_tokens_details: unknown;
  completion_tokens_details: unknown;
}

interface OpenAIResponsesUsage {
  input_tokens: unknown;
  output_tokens: unknown;
  total_tokens: unknown;
  input_tokens_details: unknown;
  output_tokens_details: unknown;
}

// Each read names its field (not `field(object, key)` with the key a variable): a named read of the same shape of
// object, call after call, is the engine's cheapest kind; a read by a variable key, across shapes, its dearest.

/** OpenAI chat completions `usage` (non-streamed, or the `include_usage` chunk). */
export function openAIChatUsage(usage: unknown): TokenUsage | undefined {
  const u = fields<OpenAIChatUsage>(usage);
  if (u === undefined) return undefined;
  return tokenUsage(
    count(u.prompt_tokens), count(u.completion_tokens), count(u.total_tokens),
    count(fields<{ cached_tokens: unknown }>(u.prompt_tokens_details)?.cached_tokens),
    count(fields<{ reasoning_tokens: unknown }>(u.completion_tokens_details)?.reasoning_tokens),
  );
}

/** OpenAI Responses API `usage`. */
export function openAIResponsesUsage(usage: unknown): TokenUsage | undefined {
  const u = fields<OpenAIResponsesUsage>(usage);
  if (u === undefined) return undefined;
  return tokenUsage(
    count(u.input_tokens), count(u.output_tokens), count(u.total_tokens),
    count(fields<{ cached_tokens: unknown }>(u.input_tokens_details)?.cached_tokens),
    count(fields<{ reasoning_tokens: unknown }>(u.output_tokens_details)?.reasoning_tokens),
  );
}

/**
 * Anthropic `usage`: prompt = input + cache read + cache creation; cached = cache read; reasoning = thinking tokens.
 * `base` (a stream's `message_start` usage) fills any field `usage` leaves null: `message_delta` usage is cumulative,
 * so the last event's values count, never a sum of events.
 */
export function anthropicUsage(usage: unknown, base?: unknown): TokenUsage | undefined {
  const u = fields<AnthropicUsage>(usage);
  const start = fields<AnthropicUsage>(base);
  if (u === undefined && start === undefined) return undefined;
  const input = count(u?.input_tokens) ?? count(start?.input_tokens);
  const cacheRead = count(u?.cache_read_input_tokens) ?? count(start?.cache_read_input_tokens);
  const cacheCreation = count(u?.cache_creation_input_tokens) ?? count(start?.cache_creation_input_tokens);
  const output = count(u?.output_tokens) ?? count(start?.output_tokens);
  const thinking = count(fields<{ thinking_tokens: unknown }>(u?.output_tokens_details)?.thinking_tokens)
    ?? count(fields<{ thinking_tokens: unknown }>(start?.output_tokens_details)?.thinking_tokens);
  return tokenUsage(sum(input, cacheRead, cacheCreation), output, undefined, cacheRead, thinking);
}

interface AnthropicUsage {
  input_tokens: unknown;
  cache_read_input_tokens: unknown;
  cache_creation_input_tokens: unknown;
  output_tokens: unknown;
  output_tokens_details: unknown;
}

interface AiSdkUsage {
  inputTokens: unknown;
  outputTokens: unknown;
  totalTokens: unknown;
  inputTokenDetails: unknown;
  outputTokenDetails: unknown;
  cachedInputTokens: unknown;
  reasoningTokens: unknown;
}

/** AI SDK `LanguageModelUsage` (its input and output counts already include cached and reasoning tokens). */
export function aiSdkUsage(usage: unknown): TokenUsage | undefined {
  const u = fields<AiSdkUsage>(usage);
  if (u === undefined) return undefined;
  return tokenUsage(
    count(u.inputTokens), count(u.outputTokens), count(u.totalTokens),
    count(fields<{ cacheReadTokens: unknown }>(u.inputTokenDetails)?.cacheReadTokens) ?? count(u.cachedInputTokens),
    count(fields<{ reasoningTokens: unknown }>(u.outputTokenDetails)?.reasoningTokens) ?? count(u.reasoningTokens),
  );
}
