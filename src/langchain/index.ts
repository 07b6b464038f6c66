export { instrumentCheckpointer } from './checkpointer.js';
export type { CheckpointerOptions } from './checkpointer.js';
export { PerflogCallbackHandler } from './callback-handler.js';
export type { PerflogCallbackHandlerOptions } from './callback-handler.js';
export { installLangChainCallbacks } from './install.js';
