/**
 * Where `queryMetrics` finds the records when they live in ClickHouse (SPEC section 12), checked once before any I/O.
 * This file imports nothing from `@clickhouse/client`: the published types stay usable without it.
 */
import { PerflogConfigError } from '../../errors.js';
import { isHttpUrl } from '../../options.js';

/** A ClickHouse server holding the OpenTelemetry Collector `clickhouse` exporter's logs table. */
export interface ClickHouseSourceOptions {
  /** The server's HTTP(S) interface, e.g. `"http://clickhouse:8123"`. */
  url: string;
  /** Database of the logs table (the exporter's `database`). @default "otel" */
  database?: string | undefined;
  /** The logs table (the exporter's `logs_table_name`). @default "otel_logs" */
  table?: string | undefined;
  /** User name (the CLI reads `CLICKHOUSE_USER`). @default "default" */
  username?: string | undefined;
  /** Password (the CLI reads `CLICKHOUSE_PASSWORD`); never printed. @default "" */
  password?: string | undefined;
  /** How long one query may take, in milliseconds. @default 300000 */
  requestTimeoutMillis?: number | undefined;
}

/** Where `queryMetrics` reads from: the local files (the default) or a ClickHouse server. */
export interface QuerySource {
  /** Answer the query inside ClickHouse, over the Collector exporter's logs table. */
  clickhouse: ClickHouseSourceOptions;
}

/** @internal The checked options; `url` holds no credentials (it is shown in messages). */
export interface ResolvedClickHouseSource {
  readonly url: string;
  readonly database: string;
  readonly table: string;
  readonly username: string;
  readonly password: string;
  readonly requestTimeoutMillis: number;
}

const KEYS = new Set(['url', 'database', 'table', 'username', 'password', 'requestTimeoutMillis']);

/**
 * @internal Checks `source.clickhouse`; credentials written in the URL (`http://user:pass@host`) are moved out of it.
 * @throws PerflogConfigError naming the option.
 */
export function resolveClickHouseSource(source: unknown): ResolvedClickHouseSource {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new PerflogConfigError('source', '{ clickhouse: { url, database?, table?, username?, password? } }', source);
  }
  const keys = Object.keys(source);
  if (keys.length !== 1 || keys[0] !== 'clickhouse') {
    throw new PerflogConfigError('source', 'an object with the one key "clickhouse"', keys);
  }
  const options = (source as { clickhouse: unknown }).clickhouse;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PerflogConfigError('source.clickhouse', 'an object { url, database?, table?, username?, password? }', options);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new PerflogConfigError(`source.clickhouse.${key}`, `one of ${[...KEYS].join(', ')}`, key);
  }
  const o = options as ClickHouseSourceOptions;
  if (!isHttpUrl(o.url)) throw new PerflogConfigError('source.clickhouse.url', 'an http(s) URL', o.url === undefined ? o.url : '(hidden)');
  const url = new URL(o.url);
  const username = o.username ?? decodeURIComponent(url.username);
  const password = o.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const text = (key: 'database' | 'table' | 'username' | 'password', value: unknown, fallback: string): string => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || (value === '' && (key === 'database' || key === 'table'))) {
      throw new PerflogConfigError(`source.clickhouse.${key}`, 'a non-empty string', key === 'password' ? '(hidden)' : value);
    }
    return value;
  };
  const timeout = o.requestTimeoutMillis ?? 300_000;
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new PerflogConfigError('source.clickhouse.requestTimeoutMillis', 'an integer > 0', timeout);
  }
  return Object.freeze({
    url: url.href.replace(/\/$/, ''),
    database: text('database', o.database, 'otel'),
    table: text('table', o.table, 'otel_logs'),
    username: text('username', username, '') || 'default',
    password: text('password', password, ''),
    requestTimeoutMillis: timeout,
  });
}
