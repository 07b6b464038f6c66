import { expect } from 'chai';
import fc from 'fast-check';
import { aiSdkUsage, anthropicUsage, openAIChatUsage, openAIResponsesUsage } from '../../src/instrumentation/tokens.js';

/** A provider's field: mostly counts, sometimes what a server should not send. */
const anyField = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 10_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, -1, 1.5, '7', Number.NaN, {}) },
);
const whole = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);
const details = (key: string) => fc.oneof(fc.record({ [key]: anyField }, { requiredKeys: [] }), fc.constantFrom(undefined, null, 3, 'x'));

describe('token usage (SPEC 10 token mapping)', () => {
  it('property: OpenAI chat and Responses usage keep whole counts >= 0, total defaulting to prompt + completion', () => {
    const usage = fc.record({
      input: anyField, output: anyField, total: anyField, inputDetails: details('cached_tokens'), outputDetails: details('reasoning_tokens'),
    });
    fc.assert(fc.property(usage, ({ input, output, total, inputDetails, outputDetails }) => {
      const prompt = whole(input);
      const completion = whole(output);
      const expected = {
        promptTokens: prompt, completionTokens: completion,
        totalTokens: whole(total) ?? (prompt !== undefined && completion !== undefined ? prompt + completion : undefined),
        cachedTokens: whole((inputDetails as { cached_tokens?: unknown } | null | undefined)?.cached_tokens),
        reasoningTokens: whole((outputDetails as { reasoning_tokens?: unknown } | null | undefined)?.reasoning_tokens),
      };
      expect(openAIChatUsage({
        prompt_tokens: input, completion_tokens: output, total_tokens: total, prompt_tokens_details: inputDetails, completion_tokens_details: outputDetails,
      })).to.deep.equal(expected);
      expect(openAIResponsesUsage({
        input_tokens: input, output_tokens: output, total_tokens: total, input_tokens_details: inputDetails, output_tokens_details: outputDetails,
      })).to.deep.equal(expected);
    }), { numRuns: 500 });
  });

  it('reads nothing from a usage that is not an object', () => {
    for (const usage of [undefined, null, 0, 'usage']) {
      expect(openAIChatUsage(usage)).to.equal(undefined);
      expect(openAIResponsesUsage(usage)).to.equal(undefined);
      expect(anthropicUsage(usage)).to.equal(undefined);
    }
  });

  it('counts every Anthropic input token in prompt_tokens, the cumulative message_delta over message_start', () => {
    expect(anthropicUsage({ input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 7 })).to.deep.equal({
      promptTokens: 17, completionTokens: 7, totalTokens: 24, cachedTokens: 5, reasoningTokens: undefined,
    });
    // message_delta: output_tokens is the running total; its null input fields are message_start's
    expect(anthropicUsage({ output_tokens: 30, input_tokens: null }, { input_tokens: 10, output_tokens: 1 })).to.include({
      promptTokens: 10, completionTokens: 30, totalTokens: 40,
    });
  });

  it('reads the AI SDK usage, its newer detail fields first, the older flat ones else', () => {
    expect(aiSdkUsage({ inputTokens: 10, outputTokens: 5, inputTokenDetails: { cacheReadTokens: 3 }, outputTokenDetails: { reasoningTokens: 2 } }))
      .to.deep.equal({ promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedTokens: 3, reasoningTokens: 2 });
    expect(aiSdkUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 16, cachedInputTokens: 4, reasoningTokens: 1 }))
      .to.deep.equal({ promptTokens: 10, completionTokens: 5, totalTokens: 16, cachedTokens: 4, reasoningTokens: 1 });
    expect(aiSdkUsage(undefined)).to.equal(undefined);
  });

  it('property: an Anthropic field missing from the last event is message_start\'s, never a sum of events', () => {
    const usage = fc.record({
      input_tokens: anyField, cache_read_input_tokens: anyField, cache_creation_input_tokens: anyField, output_tokens: anyField,
    }, { requiredKeys: [] });
    fc.assert(fc.property(usage, usage, (last, start) => {
      const pick = (key: keyof typeof last): number | undefined => whole(last[key]) ?? whole(start[key]);
      const parts = [pick('input_tokens'), pick('cache_read_input_tokens'), pick('cache_creation_input_tokens')].filter((v) => v !== undefined);
      const prompt = parts.length === 0 ? undefined : parts.reduce((a, b) => a + b, 0);
      const output = pick('output_tokens');
      expect(anthropicUsage(last, start)).to.deep.equal({
        promptTokens: prompt, completionTokens: output,
        totalTokens: prompt !== undefined && output !== undefined ? prompt + output : undefined,
        cachedTokens: pick('cache_read_input_tokens'), reasoningTokens: undefined,
      });
    }), { numRuns: 300 });
  });
});
