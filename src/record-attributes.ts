/**
 * A perflog record as OpenTelemetry log record attributes: the line's fields in the line's order, plus the GenAI
 * semantic-convention attributes when asked. Shared by the provider sink and the OTLP sender.
 */

/** The instrumentation scope (logger name) of every record perflog emits or ships. */
export const PERFLOG_SCOPE_NAME = 'perflog';

/** One record's attributes: the line's fields, in the line's order. */
export type RecordAttributes = Record<string, string | number | boolean>;

/**
 * Appends the OpenTelemetry GenAI attributes to an `llm_call` record's attributes, after its flat fields:
 * `gen_ai.provider.name` (`provider`), `gen_ai.request.model` (`model`), `gen_ai.operation.name` (`chat`),
 * `gen_ai.usage.input_tokens` (`prompt_tokens`), `gen_ai.usage.output_tokens` (`completion_tokens`).
 * Other records are left as they are.
 */
export function addGenAiAttributes(attributes: RecordAttributes): void {
  if (attributes['module'] !== 'llm' || attributes['operation'] !== 'llm_call') return;
  const { provider, model, prompt_tokens: input, completion_tokens: output } = attributes;
  if (typeof provider === 'string') attributes['gen_ai.provider.name'] = provider;
  if (typeof model === 'string') attributes['gen_ai.request.model'] = model;
  attributes['gen_ai.operation.name'] = 'chat';
  if (typeof input === 'number') attributes['gen_ai.usage.input_tokens'] = input;
  if (typeof output === 'number') attributes['gen_ai.usage.output_tokens'] = output;
}
