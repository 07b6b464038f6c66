/**
 * `perflog/ai-sdk`: a telemetry integration for the AI SDK (`ai` 7.x), built on its public `Telemetry` interface:
 * `registerTelemetry(perflogTelemetry())`.
 */
import type { Telemetry } from 'ai';
import { LlmCall } from '../instrumentation/llm-call.js';
import type { AdapterMonitors, InstrumentationOptions } from '../instrumentation/shared.js';
import { UNKNOWN, errorName, guard, resolveMonitors } from '../instrumentation/shared.js';
import { aiSdkUsage } from '../instrumentation/tokens.js';

/** Options of `perflogTelemetry`. */
export type PerflogTelemetryOptions = InstrumentationOptions;

interface ModelCallStart { callId: string; provider?: unknown; modelId?: unknown }
interface ModelCallEnd extends ModelCallStart {
  usage?: unknown;
  performance?: { responseTimeMs?: unknown; timeToFirstOutputMs?: unknown };
}
interface CallEvent { callId?: string; error?: unknown; reason?: unknown; operationId?: unknown }
interface ToolEnd { toolExecutionMs?: unknown; toolCall?: { toolName?: unknown }; toolOutput?: { type?: unknown; error?: unknown } }

/**
 * A telemetry integration that writes one `llm_call` per language-model call (from `onLanguageModelCallStart` /
 * `onLanguageModelCallEnd`; `provider` the first segment of the SDK's provider id, `"openai.responses"` →
 * `"openai"`; the model id; usage; `duration` and `time_to_first_token` from the SDK's own timing) and one
 * `tool_call` per tool execution. A call that fails (`onStepError`, `onError`) or is aborted (`onAbort`) is recorded
 * with `success: false` (and `aborted: true`). Integrations passed per call replace the registered ones for that
 * call (an AI SDK rule), and any registered integration makes `streamTextLowMemory` keep the generated content
 * (an AI SDK behaviour).
 * @throws {TypeError} when `options.factory` is not a `PerformanceMonitorFactory`.
 * @example
 * import { registerTelemetry } from 'ai';
 * import { perflogTelemetry } from 'perflog/ai-sdk';
 * registerTelemetry(perflogTelemetry());
 */
export function perflogTelemetry(options?: PerflogTelemetryOptions): Telemetry {
  const monitors = resolveMonitors(options);
  /** Model calls in flight by the SDK's `callId` (its steps run one model call at a time). */
  const calls = new Map<string, LlmCall>();
  /** Whether the operation of a `callId` streams (`ai.streamText`, ...). */
  const streaming = new Set<string>();
  const safe = (operation: string, step: () => void): void => guard(() => monitors.factory, operation, step);
  const fail = (event: CallEvent, aborted: boolean): void => safe('llm_call', () => {
    if (typeof event.callId !== 'string') return;
    const call = calls.get(event.callId);
    calls.delete(event.callId);
    streaming.delete(event.callId);
    if (call === undefined) return;
    const reason = event.error ?? event.reason;
    call.end(aborted
      ? { aborted: true, errorType: reason !== undefined ? errorName(reason) : 'AbortError' }
      : { error: reason ?? new Error('unknown') });
  });
  return {
    onStart: (event: CallEvent) => safe('llm_call', () => {
      if (typeof event.callId === 'string' && typeof event.operationId === 'string' && event.operationId.startsWith('ai.stream')) {
        streaming.add(event.callId);
      }
    }),
    onLanguageModelCallStart: (event: ModelCallStart) => safe('llm_call', () => {
      const call = new LlmCall(monitors, providerOf(event.provider), event.modelId);
      call.isStream = streaming.has(event.callId);
      calls.set(event.callId, call);
    }),
    onLanguageModelCallEnd: (event: ModelCallEnd) => safe('llm_call', () => endModelCall(monitors, calls, event)),
    onStepError: (event: CallEvent) => fail(event, false),
    onError: (event: unknown) => fail(event as CallEvent, false),
    onAbort: (event: CallEvent) => fail(event, true),
    onEnd: (event: CallEvent) => {
      if (typeof event.callId === 'string') streaming.delete(event.callId);
    },
    onToolExecutionEnd: (event: ToolEnd) => safe('tool_call', () => {
      const failed = event.toolOutput?.type === 'tool-error';
      monitors.tool.recordToolCall({
        tool: typeof event.toolCall?.toolName === 'string' ? event.toolCall.toolName : UNKNOWN,
        duration: seconds(event.toolExecutionMs) ?? 0,
        success: !failed,
        error: failed ? errorName(event.toolOutput?.error) : undefined,
      });
    }),
  };
}

function endModelCall(monitors: AdapterMonitors, calls: Map<string, LlmCall>, event: ModelCallEnd): void {
  let call = calls.get(event.callId);
  calls.delete(event.callId);
  call ??= new LlmCall(monitors, providerOf(event.provider), event.modelId);
  call.setModel(event.modelId);
  call.usage = aiSdkUsage(event.usage);
  const durationSeconds = seconds(event.performance?.responseTimeMs);
  const firstOutputSeconds = seconds(event.performance?.timeToFirstOutputMs);
  call.end(undefined, durationSeconds !== undefined ? { durationSeconds, firstOutputSeconds } : undefined);
}

/** The first segment of the SDK's provider id: `"openai.responses"` → `"openai"`. */
function providerOf(provider: unknown): string {
  if (typeof provider !== 'string' || provider === '') return UNKNOWN;
  const dot = provider.indexOf('.');
  return dot > 0 ? provider.slice(0, dot) : provider;
}

function seconds(ms: unknown): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}
