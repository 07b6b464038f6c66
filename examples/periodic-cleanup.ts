/**
 * The design guide's periodic cleanup: the factory's scheduled cleaner, configured with setupLogCleaner().
 * Run: node --import tsx examples/periodic-cleanup.ts
 * It works in a temporary folder, runs the first check at once and one more by hand, then stops.
 */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogCleanupService } from '../src/index.js';
import { PerformanceMonitorFactory } from '../src/index.js';

const baseDir = mkdtempSync(join(tmpdir(), 'perflog-periodic-cleanup-'));
mkdirSync(join(baseDir, 'logs'));
const old = join(baseDir, 'logs', 'tool_metrics.log.2026-01-01.1');
writeFileSync(old, '{"metric_type":"timer"}\n'.repeat(100));
utimesSync(old, new Date(Date.now() - 45 * 86_400_000), new Date(Date.now() - 45 * 86_400_000));

const factory = new PerformanceMonitorFactory({ baseDir });
const cleanupService: LogCleanupService = factory.getScheduledCleaner();

// The guide's cleanup_config, in TypeScript's camelCase (the YAML file uses the snake_case keys).
const logCleaner = factory.setupLogCleaner({
  retentionDays: 30,
  logPatterns: ['logs/*.log', 'logs/*.log.*'],
  enabled: true,
  dryRun: false,
  checkIntervalHours: 24,
});

cleanupService.start(); // first run now, in the background; then every 24 hours (the timer never keeps the process alive)
console.log(`running: ${cleanupService.isRunning}, next run at ${cleanupService.nextRunAt?.toISOString()}`);
console.log('first run:', await cleanupService.runNow()); // joins the run start() began

// The cleaner itself can also run directly (it is the one the service uses).
console.log('direct run:', await logCleaner.cleanupLogs());

await factory.shutdown(); // stops the service too
console.log(`running after shutdown: ${cleanupService.isRunning}`);
rmSync(baseDir, { recursive: true, force: true });
