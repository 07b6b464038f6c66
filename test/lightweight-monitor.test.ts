import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

  it('records through the default factory when its compiled file is the first one imported (no service locator)', async function () {
    this.timeout(20_000);
    // each built file is the first perflog module the child loads: no package entry installs anything beforehand
    const entries = [
      ['implementations/tool-monitor.js', 'const m = new mod.ToolPerformanceMonitor(); m.recordToolCall({ tool: "search", duration: 0.25 });'],
      ['lightweight-monitor.js', 'const m = new mod.LightweightPerformanceMonitor(undefined, "custom"); m.time("plain", () => 1);'],
    ] as const;
    await Promise.all(entries.map(async ([file, body]) => {
      const url = pathToFileURL(fileURLToPath(new URL(`../dist/${file}`, import.meta.url))).href;
      const child = spawn(process.execPath, ['--input-type=module', '-e', `const mod = await import(${JSON.stringify(url)}); ${body}`],
        { cwd: baseDir, env: { ...process.env, PERFLOG_CONFIG: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const [code] = await once(child, 'close') as [number | null];
      expect(code, stderr).to.equal(0);
    }));
    expect((await records(baseDir, 'tool'))[0]).to.include({ operation: 'tool_call', tool: 'search', duration: 0.25, module: 'tool' });
    expect((await records(baseDir, 'custom'))[0]).to.include({ operation: 'plain', module: 'custom' });
  });

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
