/**
 * Marks the model call a framework adapter (LangChain's callbacks) records, so a client adapter (`perflog/openai`,
 * `perflog/anthropic`) that the framework calls inside it records nothing: one `llm_call` per model call, across
 * adapters (SPEC 10).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LlmCall } from './llm-call.js';

/** Created by the first mark, so a process that never marks a call pays nothing per client call. */
let outerCalls: AsyncLocalStorage<LlmCall> | undefined;

/**
 * Marks `call` (just started) in the current async context: everything the framework runs after this, in this
 * context, until the call's record is written, belongs to it. The framework runs its callbacks inline (awaited) before
 * it calls the model's client, so the mark reaches that client call.
 */
export function markOuterCall(call: LlmCall): void {
  (outerCalls ??= new AsyncLocalStorage<LlmCall>()).enterWith(call);
}

/** Whether a client call starting now runs inside a model call a framework adapter records (and has not ended). */
export function isInsideOuterCall(): boolean {
  if (outerCalls === undefined) return false;
  const call = outerCalls.getStore();
  return call !== undefined && !call.isDone;
}
