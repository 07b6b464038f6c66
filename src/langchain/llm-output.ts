/**
 * Reads what perflog records from LangChain model outputs: token usage (never content) and whether a streamed chunk
 * carries output beyond text (a tool-call or reasoning delta).
 */
import type { LLMResult } from '@langchain/core/outputs';
import type { TokenUsage } from '../instrumentation/tokens.js';
import { count, fields, tokenUsage } from '../instrumentation/tokens.js';

/** The parts of a LangChain message perflog reads (named reads: see tokens.ts). */
interface MessageLike {
  usage_metadata: unknown;
  tool_call_chunks: unknown;
  additional_kwargs: unknown;
}

interface UsageMetadata {
  input_tokens: unknown;
  output_tokens: unknown;
  total_tokens: unknown;
  input_token_details: unknown;
  output_token_details: unknown;
}

interface LegacyTokenUsage {
  promptTokens: unknown;
  completionTokens: unknown;
  totalTokens: unknown;
}

/**
 * The usage of a model run: the first generation's `usage_metadata` (input tokens count cached ones, output tokens
 * count reasoning), else the legacy `llmOutput.tokenUsage`.
 */
export function llmOutputUsage(output: LLMResult | undefined): TokenUsage | undefined {
  const generation = output?.generations?.[0]?.[0];
  const usage = fields<UsageMetadata>(fields<MessageLike>(fields<{ message: unknown }>(generation)?.message)?.usage_metadata);
  if (usage !== undefined) {
    return tokenUsage(
      count(usage.input_tokens), count(usage.output_tokens), count(usage.total_tokens),
      count(fields<{ cache_read: unknown }>(usage.input_token_details)?.cache_read),
      count(fields<{ reasoning: unknown }>(usage.output_token_details)?.reasoning),
    );
  }
  const legacy = fields<LegacyTokenUsage>(fields<{ tokenUsage: unknown }>(output?.llmOutput)?.tokenUsage);
  if (legacy === undefined) return undefined;
  return tokenUsage(count(legacy.promptTokens), count(legacy.completionTokens), count(legacy.totalTokens));
}

/** Whether a streamed chunk carries a tool-call or reasoning delta (text is checked by the caller). */
export function hasOutput(chunk: unknown): boolean {
  const message = fields<MessageLike>(fields<{ message: unknown }>(chunk)?.message);
  const toolCalls = message?.tool_call_chunks;
  if (Array.isArray(toolCalls) && toolCalls.length > 0) return true;
  const reasoning = fields<{ reasoning_content: unknown }>(message?.additional_kwargs)?.reasoning_content;
  return typeof reasoning === 'string' && reasoning !== '';
}
