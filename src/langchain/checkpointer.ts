/**
 * `instrumentCheckpointer`: times a LangGraph checkpointer's `put`, `putWrites` and `getTuple` in place and measures
 * the bytes its own serializer (`saver.serde`) produced or read for each call, without serializing again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { BaseCheckpointSaver, CheckpointTuple } from '@langchain/langgraph-checkpoint';
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import type { AttributeValue } from '../interfaces.js';
import type { AdapterMonitors, InstrumentationOptions } from '../instrumentation/shared.js';
import { errorName, guard, resolveMonitors } from '../instrumentation/shared.js';
import { secondsBetween } from '../number-text.js';

/** Options of `instrumentCheckpointer`. */
export type CheckpointerOptions = InstrumentationOptions;

type Operation = 'checkpoint_save' | 'checkpoint_save_writes' | 'checkpoint_load';

/** One instrumented call in flight: what the serializer moved for it. */
class SaverCall {
  readonly saver: object;
  /** Bytes the serializer produced or read during this call. */
  bytes = 0;
  /** Whether the serializer ran at all (a saver that stores without it gets no `size`). */
  isSerialized = false;
  /** For loads: each value the serializer returned with its bytes, to keep only the checkpoint's and metadata's. */
  loads: Array<[unknown, number]> | undefined;

  constructor(saver: object, isLoad: boolean) {
    this.saver = saver;
    if (isLoad) this.loads = [];
  }
}

const calls = new AsyncLocalStorage<SaverCall>();
const INSTRUMENTED = Symbol.for('perflog.instrumentedCheckpointer');

/** Bytes of what a serializer produced or was given. */
function byteLength(data: unknown): number {
  if (data instanceof Uint8Array) return data.byteLength;
  if (typeof data === 'string') return Buffer.byteLength(data); // UTF-8 bytes, counted without a copy
  return 0;
}

/**
 * Instruments a LangGraph checkpointer (any `BaseCheckpointSaver`: `MemorySaver`, `SqliteSaver`, `PostgresSaver`,
 * your own) in place and returns the same object: `put` writes `checkpoint_save` (`size`: the bytes of the
 * checkpoint and its metadata as the saver's serializer produced them), `putWrites` writes `checkpoint_save_writes`
 * (`writes`: how many; `size`: the bytes of their serialized values), `getTuple` writes `checkpoint_load` (`size`:
 * the bytes of the checkpoint and metadata the serializer read; a load that finds nothing has `found: false` and no
 * `size`). Attributes `thread_id`, and `checkpoint_ns` when not empty. A saver that never calls its serializer gets
 * no `size`. Results and errors are the saver's own; a failure inside perflog never reaches the app. Instrumenting
 * the same saver again changes nothing.
 * @throws {TypeError} when `saver` has no `put`/`putWrites`/`getTuple` methods or `options.factory` is not a factory.
 * @example const app = graph.compile({ checkpointer: instrumentCheckpointer(new MemorySaver()) });
 */
export function instrumentCheckpointer<T extends BaseCheckpointSaver>(saver: T, options?: CheckpointerOptions): T {
  if (typeof saver !== 'object' || saver === null || typeof saver.put !== 'function' ||
    typeof saver.putWrites !== 'function' || typeof saver.getTuple !== 'function') {
    throw new TypeError('perflog: instrumentCheckpointer(saver) needs a BaseCheckpointSaver (put, putWrites, getTuple)');
  }
  const marked = saver as T & { [INSTRUMENTED]?: true };
  if (marked[INSTRUMENTED] === true) return saver;
  const monitors = resolveMonitors(options);
  Object.defineProperty(marked, INSTRUMENTED, { value: true });
  instrumentSerde(saver);
  // Called with the saver as `this`, as LangGraph calls them.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { put, putWrites, getTuple } = saver;
  saver.put = function (this: T, ...args: Parameters<T['put']>) {
    return timed(monitors, this, 'checkpoint_save', args[0], undefined, () => put.apply(this, args));
  } as T['put'];
  saver.putWrites = function (this: T, ...args: Parameters<T['putWrites']>) {
    const writes = Array.isArray(args[1]) ? args[1].length : 0;
    return timed(monitors, this, 'checkpoint_save_writes', args[0], writes, () => putWrites.apply(this, args));
  } as T['putWrites'];
  saver.getTuple = function (this: T, ...args: Parameters<T['getTuple']>) {
    return timed(monitors, this, 'checkpoint_load', args[0], undefined, () => getTuple.apply(this, args));
  } as T['getTuple'];
  return saver;
}

/** Wraps the saver's serializer so the bytes of each call are counted where they pass; the serializer's identity stays. */
function instrumentSerde(saver: BaseCheckpointSaver): void {
  const serde: SerializerProtocol | undefined = saver.serde;
  if (typeof serde !== 'object' || serde === null || typeof serde.dumpsTyped !== 'function' || typeof serde.loadsTyped !== 'function') return;
  const wrapped = Object.create(serde) as SerializerProtocol;
  wrapped.dumpsTyped = (data: unknown) => {
    const call = calls.getStore();
    const result = serde.dumpsTyped(data);
    if (call?.saver !== saver) return result;
    return result.then((typed) => {
      call.isSerialized = true;
      call.bytes += byteLength(typed?.[1]);
      return typed;
    });
  };
  wrapped.loadsTyped = (type: string, data: Uint8Array | string) => {
    const call = calls.getStore();
    const result = serde.loadsTyped(type, data);
    if (call?.saver !== saver) return result;
    return Promise.resolve(result).then((value: unknown) => {
      const bytes = byteLength(data);
      call.isSerialized = true;
      call.bytes += bytes;
      call.loads?.push([value, bytes]);
      return value;
    });
  };
  saver.serde = wrapped;
}

/** Runs one saver call inside its own byte counter and records it however it ends. */
function timed<R>(
  monitors: AdapterMonitors, saver: object, operation: Operation, config: unknown, writes: number | undefined, run: () => Promise<R>,
): Promise<R> {
  const call = new SaverCall(saver, operation === 'checkpoint_load');
  const startMs = performance.now();
  const result = calls.run(call, run);
  return Promise.resolve(result).then((value) => {
    record(monitors, operation, call, startMs, config, writes, value, undefined);
    return value;
  }, (error: unknown) => {
    record(monitors, operation, call, startMs, config, writes, undefined, error);
    throw error;
  });
}

function record(
  monitors: AdapterMonitors, operation: Operation, call: SaverCall, startMs: number, config: unknown,
  writes: number | undefined, value: unknown, error: unknown,
): void {
  const duration = secondsBetween(startMs, performance.now());
  guard(() => monitors.factory, operation, () => {
    const attributes = configAttributes(config);
    const failed = error !== undefined;
    let size = call.isSerialized ? call.bytes : undefined;
    if (operation === 'checkpoint_load' && !failed) {
      if (value === undefined || value === null) {
        attributes['found'] = false;
        size = undefined;
      } else {
        size = loadedBytes(call, value as CheckpointTuple) ?? size;
      }
    }
    const base = { duration, size, success: !failed, error: failed ? errorName(error) : undefined, attributes };
    if (operation === 'checkpoint_save_writes') monitors.checkpoint.recordCheckpointSaveWrites({ ...base, writes: writes ?? 0 });
    else if (operation === 'checkpoint_save') monitors.checkpoint.recordCheckpointSave(base);
    else monitors.checkpoint.recordCheckpointLoad(base);
  });
}

/** Bytes of the loads that became the tuple's checkpoint and metadata; `undefined` when the saver returned copies. */
function loadedBytes(call: SaverCall, tuple: CheckpointTuple): number | undefined {
  let bytes: number | undefined;
  for (const [value, size] of call.loads ?? []) {
    if (value === tuple.checkpoint || value === tuple.metadata) bytes = (bytes ?? 0) + size;
  }
  return bytes;
}

function configAttributes(config: unknown): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  const configurable = typeof config === 'object' && config !== null ? (config as { configurable?: unknown }).configurable : undefined;
  if (typeof configurable !== 'object' || configurable === null) return attributes;
  const { thread_id: threadId, checkpoint_ns: namespace } = configurable as Record<string, unknown>;
  if (typeof threadId === 'string' || (typeof threadId === 'number' && Number.isFinite(threadId))) attributes['thread_id'] = threadId;
  if (typeof namespace === 'string' && namespace !== '') attributes['checkpoint_ns'] = namespace;
  return attributes;
}
