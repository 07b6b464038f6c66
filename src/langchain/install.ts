/**
 * `installLangChainCallbacks`: adds one `PerflogCallbackHandler` to every LangChain run through `@langchain/core`'s
 * public `registerConfigureHook` / `setContextVariable` (no patching).
 */
import { getContextVariable, registerConfigureHook, setContextVariable } from '@langchain/core/context';
import type { PerflogCallbackHandlerOptions } from './callback-handler.js';
import { PerflogCallbackHandler } from './callback-handler.js';

/** The LangChain context variable holding the installed handler. */
const CONTEXT_VARIABLE = 'perflog_callback_handler';
/** Set where the configure hook is registered: hooks are themselves context variables. */
const HOOK_VARIABLE = 'perflog_configure_hook';
let installed: PerflogCallbackHandler | undefined;

/**
 * Adds a `PerflogCallbackHandler` to every LangChain and LangGraph run, with no per-call wiring, and returns
 * `uninstall()`, which makes it inert. The handler lives in LangChain's async context: called synchronously at
 * start-up, before the app creates servers, timers or other async work, it covers every run started afterwards; runs
 * started from async contexts created before the call are not covered (pass `{ callbacks: [new PerflogCallbackHandler()] }`
 * to those runs instead). Installing again replaces the handler installed before (one record per run).
 * @throws {TypeError} when an option is invalid (see `PerflogCallbackHandler`).
 * @example const uninstall = installLangChainCallbacks(); // at start-up
 */
export function installLangChainCallbacks(options?: PerflogCallbackHandlerOptions): () => void {
  const handler = new PerflogCallbackHandler(options);
  installed?.deactivate();
  installed = handler;
  if (getContextVariable(HOOK_VARIABLE) !== true) {
    registerConfigureHook({ contextVar: CONTEXT_VARIABLE, inheritable: true });
    setContextVariable(HOOK_VARIABLE, true);
  }
  setContextVariable(CONTEXT_VARIABLE, handler);
  return () => {
    handler.deactivate();
    if (installed === handler) {
      installed = undefined;
      setContextVariable(CONTEXT_VARIABLE, undefined);
    }
  };
}
