/** Test helpers for the LLM adapters: a fake LLM server and a temp factory per test, and the llm records written. */
import type { FakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { startFakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { records } from '../helpers.js';
import type { TempFactory } from '../helpers.js';
import { useTempFactory } from '../helpers.js';

/** A test's fake server and factory. */
export interface LlmTestContext extends TempFactory {
  readonly server: FakeLlmServer;
  /** Flushes the factory and returns the records of `module` (default `llm`). */
  written(module?: string): Promise<Record<string, unknown>[]>;
}

/** Registers hooks giving each test a fresh fake LLM server and temp factory. */
export function useFakeLlm(): LlmTestContext {
  const temp = useTempFactory();
  const context = {
    get baseDir() { return temp.baseDir; },
    get factory() { return temp.factory; },
    get errors() { return temp.errors; },
    server: undefined as unknown as FakeLlmServer,
    async written(module = 'llm') {
      await temp.factory.flush();
      return records(temp.baseDir, module);
    },
  };
  beforeEach(async () => {
    context.server = await startFakeLlmServer();
  });
  afterEach(() => context.server.close());
  return context;
}
