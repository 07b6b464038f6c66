/**
 * Marks the calls an adapter records, so `PerflogSpanProcessor` skips the GenAI span the instrumented SDK (or another
 * instrumentation of it) starts for the same call: one record per call, across adapters.
 */
import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, context, createContextKey } from '@opentelemetry/api';
import { isInsideOuterCall } from './outer-call.js';

const RECORDED_CALL = createContextKey('perflog recorded call');
/** How many adapter calls are starting synchronously right now (spans started inside them belong to them). */
let startingCalls = 0;

/**
 * Whether a `PerflogSpanProcessor` was made in this process: until then nothing reads the mark, and a call starts as
 * it would without perflog (no context switch). Processors are made with the OTel setup, before the app's calls; only
 * a call already running when the first one is made, whose SDK starts its own span after that, would be recorded by
 * both.
 */
let isMarkRead = false;

/** @internal A `PerflogSpanProcessor` was made: from now on, adapters mark the calls they start. */
export function readRecordedMarks(): void {
  isMarkRead = true;
}

/** The root context with the mark, made once: most calls start with no active context. */
let markedRoot: Context | undefined;

function markedContext(): Context {
  const active = context.active();
  if (active === ROOT_CONTEXT) return (markedRoot ??= ROOT_CONTEXT.setValue(RECORDED_CALL, true));
  return active.setValue(RECORDED_CALL, true);
}

/**
 * Starts an instrumented call: `start` runs with a mark both synchronous (no context manager needed) and in the
 * OpenTelemetry context (for SDKs that start their span later, when a context manager is registered).
 */
export function startRecordedCall<T>(start: () => T): T {
  if (!isMarkRead) return start();
  startingCalls++;
  try {
    return context.with(markedContext(), start);
  } finally {
    startingCalls--;
  }
}

/** `startRecordedCall` for `method.apply(thisArg, args)`, without a closure per call. */
export function applyRecordedCall(method: (this: unknown, ...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
  if (!isMarkRead) return method.apply(thisArg, args);
  startingCalls++;
  try {
    return context.with(markedContext(), method, thisArg, ...args);
  } finally {
    startingCalls--;
  }
}

/**
 * Whether a span starting now, under `parentContext`, belongs to a call an adapter already records (a client
 * adapter's call, or a LangChain model run's).
 */
export function isRecordedByAdapter(parentContext: Context): boolean {
  return startingCalls > 0 || parentContext.getValue(RECORDED_CALL) === true || isInsideOuterCall();
}
