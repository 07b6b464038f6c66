// A custom monitor: extend LightweightPerformanceMonitor (design guide: "扩展自定义监控器").
import { LightweightPerformanceMonitor, PerformanceMonitorFactory, type MetricLogWriter } from '../src/index.js';

class CustomPerformanceMonitor extends LightweightPerformanceMonitor {
  constructor(logger?: MetricLogWriter) {
    super(logger, 'custom');
  }

  /** Records a custom metric, in seconds. */
  recordCustomMetric(metricName: string, value: number): void {
    this.logger.logTimer(`custom.${metricName}`, value);
  }

  /** Records how many items a queue holds now. */
  recordQueueDepth(queue: string, depth: number): void {
    this.logger.logGauge('queue_depth', depth, { queue });
  }
}

// Standalone: records through the default factory's pipeline.
new CustomPerformanceMonitor().recordCustomMetric('embedding', 0.042);

// Or registered as a type, so createMonitor('custom') returns one shared instance.
const factory = PerformanceMonitorFactory.getInstance();
factory.registerMonitorType('custom', (writer) => new CustomPerformanceMonitor(writer));
factory.createMonitor<CustomPerformanceMonitor>('custom').recordQueueDepth('ingest', 17);
