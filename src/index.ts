export { PerformanceMonitorFactory, getCheckpointMonitor } from './factory.js';
export type { BuiltinMonitors, MonitorMaker } from './factory.js';
export { BasePerformanceMonitor } from './base-monitor.js';
export { LightweightPerformanceMonitor } from './lightweight-monitor.js';
// a type only: writers come from `factory.getWriter(module)`; constructing one needs a factory's pipeline
export type { ModuleMetricWriter } from './logger-writer.js';
export { CheckpointPerformanceMonitor } from './implementations/checkpoint-monitor.js';
export { LlmPerformanceMonitor } from './implementations/llm-monitor.js';
export { ToolPerformanceMonitor } from './implementations/tool-monitor.js';
export { WorkflowPerformanceMonitor } from './implementations/workflow-monitor.js';
export { loadMonitoringConfig } from './config.js';
export { LogCleaner } from './log-cleaner.js';
export type { LogCleanerOptions, CleanupRunOptions } from './log-cleaner.js';
export { LogCleanupService } from './scheduler.js';
export type { LogCleanupServiceOptions } from './scheduler.js';
export { DEFAULT_CLEANUP_CONFIG } from './options.js';
export {
  registerMonitoring, PERFORMANCE_MONITOR_FACTORY, CHECKPOINT_MONITOR, LLM_MONITOR, TOOL_MONITOR, WORKFLOW_MONITOR,
} from './di-config.js';
export type { MonitoringContainer } from './di-config.js';
export { readMetrics } from './query/reader.js';
export type { MetricRecord, MetricReader, ReadStats } from './query/reader.js';
export { queryMetrics } from './query/query.js';
export type { QueryOptions, QueryResult, QueryRow, DurationSummary } from './query/query.js';
export type { ReadOptions, TimeBound } from './query/options.js';
export type { GroupValue } from './query/group-stats.js';
export { PerflogConfigError, PerflogRecordError, PerflogWriteError, PerflogExportError, PerflogCleanupError } from './errors.js';
export type { DropReason, PerflogError } from './errors.js';
export type {
  AttributeValue, Attributes, MetricType, MetricLogWriter, PerformanceMonitor, RecordOptions, CheckpointRecord,
  LlmCallRecord, ToolCallRecord, NodeExecutionRecord, PerflogStats, FileOptions, OtlpOptions, LogCleanupConfig,
  CleanupResult, PerflogOptions, ResolvedPerflogOptions,
} from './interfaces.js';
