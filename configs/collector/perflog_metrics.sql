-- perflog's records as typed columns, over the OpenTelemetry Collector clickhouse exporter's logs table, with the
-- names of perflog's files (SPEC section 2): for dashboards (Grafana's ClickHouse plugin) and hand-written SQL.
-- The exporter stores every attribute as a string in LogAttributes; this view gives them their types back.
-- Fields a record may lack (duration on counters, value on timers, time_to_first_token on unstreamed calls) are
-- Nullable; sizes and token counts are UInt64 with 0 when absent, so sums need no ifNull.
-- Filter on `time` (the table's Timestamp): ClickHouse then uses the table's order key and partitions.
--   clickhouse client --queries-file configs/collector/perflog_metrics.sql
CREATE VIEW IF NOT EXISTS otel.perflog_metrics AS
SELECT
    Timestamp                                                    AS time,
    toFloat64OrZero(LogAttributes['timestamp'])                  AS timestamp,
    ServiceName                                                  AS service,
    LogAttributes['metric_type']                                 AS metric_type,
    Body                                                         AS operation,
    LogAttributes['module']                                      AS module,
    toFloat64OrNull(LogAttributes['duration'])                   AS duration,
    toFloat64OrNull(LogAttributes['value'])                      AS value,
    if(mapContains(LogAttributes, 'success'), toBool(LogAttributes['success'] = 'true'), NULL) AS success,
    toUInt64OrZero(LogAttributes['size'])                        AS size,
    LogAttributes['model']                                       AS model,
    LogAttributes['provider']                                    AS provider,
    toUInt64OrZero(LogAttributes['prompt_tokens'])               AS prompt_tokens,
    toUInt64OrZero(LogAttributes['completion_tokens'])           AS completion_tokens,
    toUInt64OrZero(LogAttributes['total_tokens'])                AS total_tokens,
    toFloat64OrNull(LogAttributes['time_to_first_token'])        AS time_to_first_token,
    LogAttributes['tool']                                        AS tool,
    LogAttributes['node']                                        AS node,
    LogAttributes['error']                                       AS error,
    TraceId                                                      AS trace_id,
    SpanId                                                       AS span_id,
    LogAttributes                                                AS attributes
FROM otel.otel_logs
WHERE ScopeName = 'perflog';
