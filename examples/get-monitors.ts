// Get monitors from the process-wide factory (design guide: "获取监控器实例").
import { PerformanceMonitorFactory } from '../src/index.js'; // in your app: from 'perflog'

const factory = PerformanceMonitorFactory.getInstance();
const checkpointMonitor = factory.createMonitor('checkpoint');
const llmMonitor = factory.createMonitor('llm');

checkpointMonitor.recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
llmMonitor.recordLlmCall({ model: 'gpt-4', provider: 'openai', responseTime: 2.1, totalTokens: 300, success: true });
console.log('same instance on every call:', factory.createMonitor('llm') === llmMonitor);
