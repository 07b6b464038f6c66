/**
 * ClickHouse as the OpenTelemetry Collector `clickhouse` exporter leaves it, in chDB (the ClickHouse engine embedded):
 * the exporter's own default logs-table DDL, and perflog's records as the exporter writes them (the OTLP record perflog
 * ships: time from the record's `timestamp` at ms precision, body the operation, scope `perflog`, every attribute
 * stringified into `LogAttributes` as pdata's `AsString` does: numbers as JavaScript prints them, booleans as
 * `true`/`false`).
 */
import type { Session } from 'chdb';
import type { GeneratedRecord } from '../fixtures/metrics-data.js';

/**
 * The exporter's default logs table (opentelemetry-collector-contrib exporter/clickhouseexporter,
 * internal/sqltemplates/logs_table.sql), with its engine (`MergeTree()`) and no TTL, as `create_schema` makes it.
 */
export function exporterLogsDdl(database: string, table: string): string {
  return `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    TimestampTime DateTime DEFAULT toDateTime(Timestamp),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    TraceFlags UInt8,
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8,
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Body String CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    EventName String CODEC(ZSTD(1)),

    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_key mapKeys(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_scope_attr_value mapValues(ScopeAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_body Body TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8
) ENGINE = MergeTree()
PARTITION BY toDate(TimestampTime)
PRIMARY KEY (ServiceName, TimestampTime)
ORDER BY (ServiceName, TimestampTime, Timestamp)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`;
}

/** Creates the database and the exporter's logs table. */
export function createLogsTable(session: Session, database = 'otel', table = 'otel_logs'): void {
  session.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  session.query(exporterLogsDdl(database, table));
}

/** One record as the exporter's row (JSONEachRow); `TimestampTime` is left to its DEFAULT. */
export function exporterRow(record: GeneratedRecord, serviceName: string): string {
  const attributes: Record<string, string> = {};
  for (const key in record) attributes[key] = String(record[key]);
  const ms = Math.round((record['timestamp'] as number) * 1000);
  return JSON.stringify({
    Timestamp: `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`,
    SeverityText: 'INFO', SeverityNumber: 9, ServiceName: serviceName, Body: String(record['operation']),
    ResourceAttributes: { 'service.name': serviceName }, ScopeName: 'perflog', LogAttributes: attributes,
  });
}

/** Loads records as the exporter writes them, spread over `services` (pods), in batches. */
export async function loadRecords(session: Session, records: Iterable<GeneratedRecord>, options: { database?: string; table?: string;
  services?: number } = {}): Promise<void> {
  const table = `${options.database ?? 'otel'}.${options.table ?? 'otel_logs'}`;
  const services = options.services ?? 3;
  let batch: string[] = [];
  let i = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await session.insert({ table, values: Buffer.from(batch.join('\n')), format: 'JSONEachRow' });
    batch = [];
  };
  for (const record of records) {
    batch.push(exporterRow(record, `app-${i++ % services}`));
    if (batch.length >= 100_000) await flush();
  }
  await flush();
}
