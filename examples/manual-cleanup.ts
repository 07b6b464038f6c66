/**
 * The design guide's manual cleanup: force one cleanup run now and print what it did.
 * Run: node --import tsx examples/manual-cleanup.ts
 * It works in a temporary folder (old and fresh files made up for the demo), so nothing of yours is touched.
 */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceMonitorFactory } from '../src/index.js';

const baseDir = mkdtempSync(join(tmpdir(), 'perflog-manual-cleanup-'));
mkdirSync(join(baseDir, 'logs'));
const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
for (const name of ['llm_metrics.log.2026-01-01.1', 'checkpoint_metrics.log.2026-01-02.1']) {
  writeFileSync(join(baseDir, 'logs', name), '{"metric_type":"timer"}\n'.repeat(1000));
  utimesSync(join(baseDir, 'logs', name), fortyDaysAgo, fortyDaysAgo);
}

// In an app: PerformanceMonitorFactory.getInstance(), configured by configs/monitoring_logging.yaml. Here the
// periodic cleaner is off (enabled: false): forceLogCleanup() runs whatever `enabled` says.
const factory = new PerformanceMonitorFactory({ baseDir, cleanup: { enabled: false, retentionDays: 30 } });
factory.createMonitor('checkpoint').recordCheckpointSave({ duration: 0.5, size: 1024, success: true });

// What would go? (a dry run deletes nothing)
factory.setupLogCleaner({ dryRun: true });
console.log('dry run:', await factory.forceLogCleanup());

// Now for real.
factory.setupLogCleaner({ dryRun: false });
const result = await factory.forceLogCleanup();
console.log(`cleanup result: deleted ${result.filesDeleted} file(s), freed ${result.bytesFreed} bytes, ${result.errors} error(s)`);

await factory.shutdown();
rmSync(baseDir, { recursive: true, force: true });
