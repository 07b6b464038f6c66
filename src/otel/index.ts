/**
 * `perflog/otel`: perflog as a component of an existing OpenTelemetry setup. Loads only OpenTelemetry packages.
 */
export { PERFLOG_SCOPE_NAME } from '../record-attributes.js';
export { PerflogFileLogRecordExporter } from './file-log-record-exporter.js';
export type { FileExportResult, PerflogFileLogRecordExporterOptions } from './file-log-record-exporter.js';
