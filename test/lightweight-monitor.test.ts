import { expect } from 'chai';
import type { MetricLogWriter } from '../src/index.js';
import { LightweightPerformanceMonitor, PerformanceMonitorFactory } from '../src/index.js';
import { makeTempDir, records, removeDir, testFactory } from './helpers.js';

class CustomPerformanceMonitor extends LightweightPerformanceMonitor {
  constructor(logger?: MetricLogWriter) {
    super(logger, 'custom');
  }

  recordCustomMetric(metricName: string, value: number): void {
    this.logger.logTimer(`custom.${metricName}`, value);
  }
}

describe('LightweightPerformanceMonitor', () => {
  let baseDir: string;
  beforeEach(async () => {
    baseDir = await makeTempDir();
  });
  afterEach(() => removeDir(baseDir));

  it('lets a subclass record through this.logger under its own module', async () => {
    const { factory } = testFactory(baseDir);
    const monitor = new CustomPerformanceMonitor(factory.getWriter('anything'));
    monitor.recordCustomMetric('embed', 0.5);
    await factory.shutdown();
    expect(monitor.module).to.equal('custom');
    expect((await records(baseDir, 'custom'))[0]).to.include({ operation: 'custom.embed', duration: 0.5, module: 'custom', metric_type: 'timer' });
  });

  it('records through the default factory when built without a writer', async () => {
    const factory = PerformanceMonitorFactory.configure({ baseDir, cleanup: { enabled: false } });
    new CustomPerformanceMonitor().recordCustomMetric('default', 1);
    await factory.flush();
    expect((await records(baseDir, 'custom'))[0]).to.include({ operation: 'custom.default', module: 'custom' });
  });

  it('accepts any object implementing MetricLogWriter', () => {
    const seen: string[] = [];
    const writer: MetricLogWriter = {
      module: 'mine',
      logTimer: (operation) => { seen.push(operation); },
      logCounter: () => undefined,
      logGauge: () => undefined,
    };
    new CustomPerformanceMonitor(writer).recordCustomMetric('x', 1);
    expect(seen).to.deep.equal(['custom.x']);
  });
});
