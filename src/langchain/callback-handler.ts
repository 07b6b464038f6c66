/**
 * `PerflogCallbackHandler`: a LangChain callback handler that writes LangGraph node runs as `node_execution`, chat
 * model and LLM runs as `llm_call` and tool runs as `tool_call` (SPEC 10). It never reads message content.
 */
import { performance } from 'node:perf_hooks';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { HandleLLMNewTokenCallbackFields, NewTokenIndices } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { LLMResult } from '@langchain/core/outputs';
import { LlmCall } from '../instrumentation/llm-call.js';
import { markOuterCall } from '../instrumentation/outer-call.js';
import type { AdapterMonitors, InstrumentationOptions } from '../instrumentation/shared.js';
import { UNKNOWN, errorName, guard, reportFailure, resolveMonitors } from '../instrumentation/shared.js';
import { llmOutputUsage, hasOutput } from './llm-output.js';
import { secondsBetween } from '../number-text.js';

/** Options of `PerflogCallbackHandler`. */
export interface PerflogCallbackHandlerOptions extends InstrumentationOptions {
  /**
   * Most runs open at once that the handler keeps (a run that never ends must not hold memory forever); past it the
   * oldest open run is forgotten without a record and counted in `droppedRuns` and `stats().recordsDropped`.
   * @default 10000
   */
  maxOpenRuns?: number | undefined;
}

/** A node or tool run in flight. */
interface TimedRun {
  readonly kind: 'node' | 'tool';
  readonly name: string;
  readonly startMs: number;
  readonly step: number | undefined;
  readonly namespace: unknown;
}

type OpenRun = TimedRun | LlmCall;

const STEP_TAG = 'graph:step:';

/**
 * A LangChain callback handler (a real `BaseCallbackHandler`, run inline with `awaitHandlers`) writing one record
 * per LangGraph node run, chat model / LLM run and tool run. Pass it per run (`{ callbacks: [handler] }`) or let
 * `installLangChainCallbacks()` add it to every run.
 * @example await app.invoke(input, { configurable: { thread_id: 't1' }, callbacks: [new PerflogCallbackHandler()] });
 */
export class PerflogCallbackHandler extends BaseCallbackHandler {
  /** The handler's name in LangChain's callback manager (one handler of this name per run). */
  override name = 'perflog';
  override awaitHandlers = true;
  readonly #monitors: AdapterMonitors;
  readonly #maxOpenRuns: number;
  readonly #runs = new Map<string, OpenRun>();
  #droppedRuns = 0;
  #isActive = true;

  /**
   * @throws {TypeError} when `options.factory` is not a factory or `maxOpenRuns` is not a whole number >= 1.
   */
  constructor(options?: PerflogCallbackHandlerOptions) {
    super();
    const maxOpenRuns = options?.maxOpenRuns ?? 10_000;
    if (!Number.isInteger(maxOpenRuns) || maxOpenRuns < 1) throw new TypeError('perflog: maxOpenRuns must be a whole number >= 1');
    this.#monitors = resolveMonitors(options);
    this.#maxOpenRuns = maxOpenRuns;
  }

  /** Runs the handler forgot because more than `maxOpenRuns` were open at once. */
  get droppedRuns(): number {
    return this.#droppedRuns;
  }

  /** Runs started and not yet ended. */
  get openRuns(): number {
    return this.#runs.size;
  }

  /** Whether the handler still records (`false` after `deactivate()`). */
  get isActive(): boolean {
    return this.#isActive;
  }

  /** Stops recording for good and forgets open runs (what `uninstall()` does). */
  deactivate(): void {
    this.#isActive = false;
    for (const run of this.#runs.values()) if (run instanceof LlmCall) this.#monitors.factory.untrackPendingCall(run);
    this.#runs.clear();
  }

  /** LangChain copies handlers for child runs; this one keeps one table of open runs, so it is its own copy. */
  override copy(): this {
    return this;
  }

  override handleChainStart(
    _chain: Serialized, _inputs: unknown, runId: string, parentRunId?: string, tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    if (!this.#isActive || tags === undefined || metadata === undefined) return;
    const node = metadata['langgraph_node'];
    if (typeof node !== 'string' || node === '__start__' || node === '__end__' || !hasStepTag(tags)) return;
    guard(() => this.#monitors.factory, 'node_execution', () => {
      const namespace = metadata['langgraph_checkpoint_ns'];
      const parent = parentRunId === undefined ? undefined : this.#runs.get(parentRunId);
      // A subgraph run under its own node, named like it, is the same node execution.
      if (parent !== undefined && !(parent instanceof LlmCall) && parent.kind === 'node' && parent.name === node && parent.namespace === namespace) return;
      const step = metadata['langgraph_step'];
      this.#open(runId, { kind: 'node', name: node, startMs: performance.now(), step: typeof step === 'number' ? step : undefined, namespace });
    });
  }

  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.#endTimed(runId, undefined);
  }

  override handleChainError(error: unknown, runId: string): void {
    this.#endTimed(runId, error ?? 'Error');
  }

  override handleChatModelStart(
    _llm: Serialized, _messages: unknown, runId: string, _parentRunId?: string, _extraParams?: Record<string, unknown>,
    _tags?: string[], metadata?: Record<string, unknown>,
  ): void {
    this.#startLlm(runId, metadata);
  }

  override handleLLMStart(
    _llm: Serialized, _prompts: string[], runId: string, _parentRunId?: string, _extraParams?: Record<string, unknown>,
    _tags?: string[], metadata?: Record<string, unknown>,
  ): void {
    this.#startLlm(runId, metadata);
  }

  override handleLLMNewToken(
    token: string, _idx: NewTokenIndices, runId: string, _parentRunId?: string, _tags?: string[], fields?: HandleLLMNewTokenCallbackFields,
  ): void {
    const run = this.#runs.get(runId);
    if (!(run instanceof LlmCall)) return;
    run.isStream = true;
    if (token !== '' || hasOutput(fields?.chunk)) run.markOutput();
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const run = this.#take(runId);
    if (!(run instanceof LlmCall)) return;
    guard(() => this.#monitors.factory, 'llm_call', () => {
      run.usage = llmOutputUsage(output);
    });
    run.end();
  }

  override handleLLMError(error: unknown, runId: string): void {
    const run = this.#take(runId);
    if (run instanceof LlmCall) run.end({ error: error ?? 'Error' });
  }

  override handleToolStart(
    _tool: Serialized, _input: string, runId: string, _parentRunId?: string, _tags?: string[],
    _metadata?: Record<string, unknown>, runName?: string,
  ): void {
    if (!this.#isActive) return;
    this.#open(runId, { kind: 'tool', name: typeof runName === 'string' && runName !== '' ? runName : UNKNOWN, startMs: performance.now(), step: undefined, namespace: undefined });
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    this.#endTimed(runId, undefined);
  }

  override handleToolError(error: unknown, runId: string): void {
    this.#endTimed(runId, error ?? 'Error');
  }

  #startLlm(runId: string, metadata: Record<string, unknown> | undefined): void {
    if (!this.#isActive) return;
    guard(() => this.#monitors.factory, 'llm_call', () => {
      const provider = metadata?.['ls_provider'];
      const call = new LlmCall(this.#monitors, typeof provider === 'string' && provider !== '' ? provider : UNKNOWN, metadata?.['ls_model_name']);
      this.#open(runId, call);
      markOuterCall(call);
    });
  }

  #open(runId: string, run: OpenRun): void {
    const runs = this.#runs;
    if (runs.size >= this.#maxOpenRuns) {
      const oldest = runs.keys().next().value as string;
      const dropped = runs.get(oldest);
      runs.delete(oldest);
      if (dropped instanceof LlmCall) this.#monitors.factory.untrackPendingCall(dropped);
      this.#droppedRuns++;
      reportFailure(() => this.#monitors.factory, dropped instanceof LlmCall ? 'llm_call' : dropped?.kind === 'tool' ? 'tool_call' : 'node_execution',
        new RangeError(`more than maxOpenRuns (${this.#maxOpenRuns}) runs open at once; the oldest was forgotten`));
    }
    runs.set(runId, run);
  }

  #take(runId: string): OpenRun | undefined {
    const run = this.#runs.get(runId);
    if (run !== undefined) this.#runs.delete(runId);
    return run;
  }

  #endTimed(runId: string, error: unknown): void {
    const run = this.#take(runId);
    if (run === undefined || run instanceof LlmCall) return;
    const duration = secondsBetween(run.startMs, performance.now());
    const failed = error !== undefined;
    const operation = run.kind === 'node' ? 'node_execution' : 'tool_call';
    guard(() => this.#monitors.factory, operation, () => {
      const base = { duration, success: !failed, error: failed ? errorName(error) : undefined };
      if (run.kind === 'node') this.#monitors.workflow.recordNodeExecution({ ...base, node: run.name, attributes: { step: run.step } });
      else this.#monitors.tool.recordToolCall({ ...base, tool: run.name });
    });
  }
}

function hasStepTag(tags: readonly string[]): boolean {
  for (const tag of tags) if (tag.startsWith(STEP_TAG)) return true;
  return false;
}
