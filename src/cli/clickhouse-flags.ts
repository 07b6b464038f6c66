/**
 * The `--clickhouse URL [--database D] [--table T]` flags of `perflog stats` and `perflog report`: the records are
 * read from the OpenTelemetry Collector exporter's logs table instead of the files. Credentials come from
 * `CLICKHOUSE_USER` / `CLICKHOUSE_PASSWORD` only (never from a flag, so they stay out of shell history and `ps`).
 */
import { clickHouseCredentials } from '../config.js';
import type { QuerySource } from '../query/clickhouse/options.js';
import { redactCredentials } from '../errors.js';
import { isHttpUrl } from '../options.js';
import { UsageError } from './args.js';

/**
 * @internal The query source the flags name, or `undefined` for the files; a bad combination is a `UsageError`.
 * A URL is shown in messages without the credentials it may carry.
 */
export function sourceFromFlags(values: { clickhouse?: string | undefined; database?: string | undefined; table?: string | undefined;
  dir?: string | undefined; pattern?: string[] | undefined }): QuerySource | undefined {
  const { clickhouse: url, database, table } = values;
  if (url === undefined) {
    if (database !== undefined || table !== undefined) throw new UsageError(`--${database !== undefined ? 'database' : 'table'} needs --clickhouse URL`);
    return undefined;
  }
  if (values.dir !== undefined || values.pattern !== undefined) throw new UsageError('--clickhouse reads ClickHouse, not files: drop --dir / --pattern');
  if (!isHttpUrl(url)) throw new UsageError(`--clickhouse must be the http(s) URL of the server, e.g. http://clickhouse:8123 (got "${redactCredentials(url, true)}")`);
  for (const [flag, value] of [['database', database], ['table', table]] as const) {
    if (value === '') throw new UsageError(`--${flag} must not be empty`);
  }
  return { clickhouse: { url, database, table, ...clickHouseCredentials() } };
}

/** @internal Names the ClickHouse table the flags read, without credentials; `undefined` for the files. */
export function describeSource(values: { clickhouse?: string | undefined; database?: string | undefined; table?: string | undefined }): string | undefined {
  if (values.clickhouse === undefined) return undefined;
  const url = new URL(values.clickhouse);
  url.username = '';
  url.password = '';
  return `ClickHouse ${url.href.replace(/\/$/, '')}, table ${values.database ?? 'otel'}.${values.table ?? 'otel_logs'}`;
}
