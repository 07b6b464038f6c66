/**
 * Reads what perflog records from LangChain model outputs: token usage (never content) and whether a streamed chunk
 * carries output beyond text (a tool-call or reasoning delta).
 */
import type { LLMResult } from '@langchain/core/outputs';
import type { TokenUsage } from '../instrumentation/tokens.js';
import { count, tokenUsage } from '../instrumentation/tokens.js';

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

/**
 * The usage of a model run: the first generation's `usage_metadata` (input tokens count cached ones, output tokens
 * count reasoning), else the legacy `llmOutput.tokenUsage`.
 */
export function llmOutputUsage(output: LLMResult | undefined): TokenUsage | undefined {
  const generation = output?.generations?.[0]?.[0];
  const usage = field(field(generation, 'message'), 'usage_metadata');
  if (typeof usage === 'object' && usage !== null) {
    return tokenUsage(
      count(field(usage, 'input_tokens')), count(field(usage, 'output_tokens')), count(field(usage, 'total_tokens')),
      count(field(field(usage, 'input_token_details'), 'cache_read')),
      count(field(field(usage, 'output_token_details'), 'reasoning')),
    );
  }
  const legacy = field(output?.llmOutput, 'tokenUsage');
  if (typeof legacy !== 'object' || legacy === null) return undefined;
  return tokenUsage(count(field(legacy, 'promptTokens')), count(field(legacy, 'completionTokens')), count(field(legacy, 'totalTokens')));
}

/** Whether a streamed chunk carries a tool-call or reasoning delta (text is checked by the caller). */
export function hasOutput(chunk: unknown): boolean {
  const message = field(chunk, 'message');
  const toolCalls = field(message, 'tool_call_chunks');
  if (Array.isArray(toolCalls) && toolCalls.length > 0) return true;
  const reasoning = field(field(message, 'additional_kwargs'), 'reasoning_content');
  return typeof reasoning === 'string' && reasoning !== '';
}
