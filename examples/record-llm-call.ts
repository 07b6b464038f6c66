// Record an LLM call with its tokens (design guide: "记录LLM调用").
import { PerformanceMonitorFactory } from '../src/index.js'; // in your app: from 'perflog'

const llmMonitor = PerformanceMonitorFactory.getInstance().createMonitor('llm');

llmMonitor.recordLlmCall({
  model: 'gpt-4',
  provider: 'openai',
  responseTime: 2.1,
  promptTokens: 100,
  completionTokens: 200,
  totalTokens: 300,
  success: true,
});

// Or let the monitor time the call; a thrown error is recorded with success: false and rethrown.
const answer = await llmMonitor.time('llm_stream', async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return 'hello';
}, { model: 'gpt-4' });
console.log('answer:', answer);
