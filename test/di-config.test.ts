import 'reflect-metadata';
import { expect } from 'chai';
import { container as rootContainer } from 'tsyringe';
import {
  CHECKPOINT_MONITOR, LLM_MONITOR, PERFORMANCE_MONITOR_FACTORY, PerformanceMonitorFactory, TOOL_MONITOR, WORKFLOW_MONITOR, registerMonitoring,
} from '../src/index.js';
import type { LlmPerformanceMonitor } from '../src/index.js';
import { makeTempDir, records, removeDir } from './helpers.js';

describe('registerMonitoring()', () => {
  let baseDir: string;
  beforeEach(async () => {
    baseDir = await makeTempDir();
  });
  afterEach(() => removeDir(baseDir));

  it('registers a new factory and its monitors in a tsyringe container when given options', async () => {
    const container = rootContainer.createChildContainer();
    const factory = registerMonitoring(container, { baseDir, cleanup: { enabled: false } });
    expect(container.resolve(PERFORMANCE_MONITOR_FACTORY)).to.equal(factory);
    expect(factory).not.to.equal(PerformanceMonitorFactory.getInstance());
    const llm = container.resolve<LlmPerformanceMonitor>(LLM_MONITOR);
    expect(llm).to.equal(factory.createMonitor('llm'));
    for (const [token, type] of [[CHECKPOINT_MONITOR, 'checkpoint'], [TOOL_MONITOR, 'tool'], [WORKFLOW_MONITOR, 'workflow']] as const) {
      expect(container.resolve(token)).to.equal(factory.createMonitor(type));
    }
    llm.recordLlmCall({ model: 'm', provider: 'p', responseTime: 1 });
    await factory.shutdown();
    expect(await records(baseDir, 'llm')).to.have.length(1);
  });

  it('registers the process-wide factory without options, and works with any register(token, { useFactory }) container', () => {
    PerformanceMonitorFactory.configure({ baseDir, cleanup: { enabled: false } }); // keep the test's files out of the repo
    const registry = new Map<symbol, () => unknown>();
    const factory = registerMonitoring({ register: (token, provider) => registry.set(token, provider.useFactory as () => unknown) });
    expect(factory).to.equal(PerformanceMonitorFactory.getInstance());
    expect(registry.get(CHECKPOINT_MONITOR)!()).to.equal(factory.createMonitor('checkpoint'));
    expect([...registry.keys()]).to.have.length(5);
  });
});
