/**
 * `queryMetrics` over ClickHouse: one aggregation query through the official `@clickhouse/client`, imported on first
 * use only (it is an optional peer dependency; `import "perflog"` never loads it). Failures users meet become a
 * `PerflogSourceError` naming the server (without credentials), the table and what was expected.
 */
import type * as ClickHouse from '@clickhouse/client';
import { PerflogSourceError, errorMessage } from '../../errors.js';
import type { AggregateOptions } from '../aggregate.js';
import type { QueryResult } from '../query.js';
import type { ResolvedClickHouseSource } from './options.js';
import type { AggregateRow } from './rows.js';
import { toRows } from './rows.js';
import { buildQuery } from './sql.js';

/** What the exporter's table must hold for perflog's query (its default DDL has more). */
const EXPECTED_COLUMNS = 'Timestamp DateTime64(9), TimestampTime DateTime, ScopeName String, Body String, '
  + 'LogAttributes Map(LowCardinality(String), String)';
// ClickHouse error codes: credentials, missing table or database, columns or types not as expected.
const AUTH_CODES = new Set(['192', '193', '194', '516']);
const MISSING_CODES = new Set(['60', '81']);
const SCHEMA_CODES = new Set(['10', '16', '43', '44', '47', '53', '386']);

type Client = ClickHouse.ClickHouseClient;

/**
 * Runs the query of `options` in ClickHouse and returns the section 8 result: `linesRead` counts the records
 * aggregated, `badLines` and `files` are 0.
 */
export async function queryClickHouse(source: ResolvedClickHouseSource, options: AggregateOptions,
  groupBy: readonly string[]): Promise<QueryResult> {
  const client = await connect(source);
  try {
    const { query, params } = buildQuery(options, groupBy);
    const rows = await run<AggregateRow>(client, source, query, { ...params, database: source.database, table: source.table });
    const result = toRows(rows, groupBy, options.sum);
    return { rows: result, linesRead: result.reduce((sum, row) => sum + row.count, 0), badLines: 0, files: 0 };
  } finally {
    await client.close();
  }
}

/** @internal A client for `source`; throws a `PerflogSourceError` when `@clickhouse/client` is not installed. */
export async function connect(source: ResolvedClickHouseSource): Promise<Client> {
  let module: typeof ClickHouse;
  try {
    module = await import('@clickhouse/client');
  } catch (error) {
    throw new PerflogSourceError('querying ClickHouse needs the optional peer dependency @clickhouse/client: '
      + `npm install @clickhouse/client (${errorMessage(error)})`, error);
  }
  return module.createClient({
    url: source.url, username: source.username, password: source.password, application: 'perflog',
    request_timeout: source.requestTimeoutMillis,
    // No clickhouse_settings: a read-only user (readonly=1, the usual reader account) may change none.
    // Failures reach the caller as a PerflogSourceError; the client must not print on the app's console.
    log: { level: module.ClickHouseLogLevel.OFF },
  });
}

/** @internal Runs one query with bound parameters; a failure becomes a `PerflogSourceError` that says what to fix. */
export async function run<T>(client: Client, source: ResolvedClickHouseSource, query: string,
  params: Record<string, unknown>): Promise<T[]> {
  try {
    const resultSet = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return await resultSet.json<T>();
  } catch (error) {
    throw await explain(client, source, error);
  }
}

async function explain(client: Client, source: ResolvedClickHouseSource, error: unknown): Promise<PerflogSourceError> {
  const where = `ClickHouse at ${source.url}`;
  const table = `${source.database}.${source.table}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  const said = errorMessage(error).split('\n')[0]!.slice(0, 300);
  if (typeof code === 'string' && AUTH_CODES.has(code)) {
    return new PerflogSourceError(`${where} refused the credentials of user "${source.username}" for table ${table}: `
      + 'expected a valid CLICKHOUSE_USER / CLICKHOUSE_PASSWORD (or source.clickhouse.username / password)', error);
  }
  if (typeof code === 'string' && MISSING_CODES.has(code)) {
    return new PerflogSourceError(`${where} has no table ${table}: expected the OpenTelemetry Collector clickhouse `
      + `exporter's logs table (set --database / --table, or source.clickhouse.database / table)`, error);
  }
  if (typeof code === 'string' && SCHEMA_CODES.has(code)) {
    const found = await describeColumns(client, source).catch(() => 'unknown');
    return new PerflogSourceError(`${where}: table ${table} does not have the clickhouse exporter's logs schema: expected `
      + `${EXPECTED_COLUMNS}; found ${found} (${said})`, error);
  }
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    return new PerflogSourceError(`${where} failed the query on ${table}: ${said}`, error);
  }
  return new PerflogSourceError(`could not reach ${where} (table ${table}): ${said}`, error);
}

/** The table's columns and types, for the message about a schema that is not the exporter's. */
async function describeColumns(client: Client, source: ResolvedClickHouseSource): Promise<string> {
  const resultSet = await client.query({
    query: 'SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String} ORDER BY position',
    query_params: { database: source.database, table: source.table }, format: 'JSONEachRow',
  });
  const columns = await resultSet.json<{ name: string; type: string }>();
  return columns.map((column) => `${column.name} ${column.type}`).join(', ');
}
