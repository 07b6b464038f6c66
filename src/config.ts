/**
 * The YAML configuration file and the environment, mapped to factory options. The only module that reads
 * `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { parseDocument } from 'yaml';
import { PerflogConfigError, redactCredentials } from './errors.js';
import type { OtlpOptions, PerflogOptions, ResolvedPerflogOptions } from './interfaces.js';
import { CONFIG_DOCUMENT_RULE, OPTION_ROWS, isHttpUrl } from './option-rules.js';
import { resolveOptions } from './options.js';
import { FILE_NAMING, assertValid } from './rule-check.js';

/** Where `getInstance()` looks for its configuration, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'configs/monitoring_logging.yaml';

/** YAML key path -> option path: the one place snake_case meets camelCase (from the rules table). @internal */
export const KEY_MAP: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(
  OPTION_ROWS.flatMap((row) => (row.yaml === undefined ? [] : [[row.yaml, row.option]])),
));

/**
 * Reads `configs/monitoring_logging.yaml` (or any file of that shape), validates it against the option rules (the
 * ones `configs/monitoring_logging.schema.json` is generated from) and returns the factory options it sets. Relative paths in it resolve
 * against the factory's `baseDir`, not the file's folder.
 * @throws {PerflogConfigError} when the file cannot be read, is not valid YAML, has an unknown key, a value of the
 * wrong type or range, or a cleanup pattern escaping the base directory; the message names the file, the key path
 * and what was expected, e.g. `monitoring_logging.yaml: log_cleanup.retention_days must be a number > 0 (got -3)`.
 * @example const options = loadMonitoringConfig('configs/monitoring_logging.yaml');
 */
export function loadMonitoringConfig(path: string): PerflogOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PerflogConfigError('(file)', 'a readable YAML file', (error as Error).message, path);
  }
  const data = parseYaml(text, path);
  assertValid(CONFIG_DOCUMENT_RULE, data, FILE_NAMING, path);
  // valid, so every key is one of KEY_MAP's and every value passes the rule its option has in code too
  const options: Record<string, unknown> = {};
  for (const [section, body] of Object.entries((data ?? {}) as Record<string, unknown>)) {
    for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) setPath(options, KEY_MAP[`${section}.${key}`]!, value);
  }
  return options;
}

/** At most this many alias expansions in one file: a real configuration has none; an "alias bomb" has billions. */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML text; anything that stops it (a syntax error, an alias bomb) is a `PerflogConfigError` naming the file. */
function parseYaml(text: string, path: string): unknown {
  try {
    const document = parseDocument(text, { uniqueKeys: true });
    const problem = document.errors[0];
    if (problem !== undefined) throw problem;
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new PerflogConfigError('(document)', 'valid YAML', (error as Error).message.split('\n')[0], path);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  inner[tail] = value;
}

/** The configuration file `getInstance()` uses: `PERFLOG_CONFIG`, else the default path if it exists. */
export function findConfigFile(cwd = process.cwd()): string | undefined {
  const fromEnv = process.env['PERFLOG_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  const candidate = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Options set by the environment (code > environment > file > defaults): the standard OTLP exporter variables
 * (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`; `..._HEADERS`, `..._TIMEOUT`,
 * the `LOGS` one winning) and the resource (`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`). They never turn OTLP
 * on: `otlp.enabled` does. A malformed variable is warned about through diag and ignored.
 */
export function environmentOptions(env: NodeJS.ProcessEnv = process.env): PerflogOptions {
  const otlp: Partial<OtlpOptions> = {};
  const logsEndpoint = nonEmpty(env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']);
  const baseEndpoint = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  const endpoint = logsEndpoint ?? (baseEndpoint === undefined ? undefined : `${baseEndpoint.replace(/\/+$/, '')}/v1/logs`);
  if (endpoint !== undefined) {
    if (isHttpUrl(endpoint)) otlp.endpoint = endpoint;
    else diag.warn(`perflog: ignoring the OTLP endpoint ${JSON.stringify(redactCredentials(endpoint, true))} from the environment: not an http(s) URL`);
  }
  const headers = { ...parseList(env, 'OTEL_EXPORTER_OTLP_HEADERS'), ...parseList(env, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS') };
  if (Object.keys(headers).length > 0) otlp.headers = headers;
  const timeoutMillis = parseTimeout(env, 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT') ?? parseTimeout(env, 'OTEL_EXPORTER_OTLP_TIMEOUT');
  if (timeoutMillis !== undefined) otlp.timeoutMillis = timeoutMillis;
  const attributes: Record<string, string> = parseList(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const serviceName = nonEmpty(env['OTEL_SERVICE_NAME']);
  if (serviceName !== undefined) attributes['service.name'] = serviceName;
  const options: PerflogOptions = {};
  if (Object.keys(otlp).length > 0) options.otlp = otlp;
  if (Object.keys(attributes).length > 0) options.resource = resourceFromAttributes(attributes);
  return options;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Parses `key=value,key2=value2` (values percent-decoded), as the OTel SDK does for headers and resource attributes. */
function parseList(env: NodeJS.ProcessEnv, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = nonEmpty(env[name]);
  if (text === undefined) return out;
  for (const [index, pair] of text.split(',').entries()) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    try {
      if (key === '') throw new Error('no key');
      out[decodeURIComponent(key)] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // the key only: a value may be a credential (`Authorization=Bearer ...`)
      const which = key === '' ? `entry ${index + 1}` : `the entry for key ${JSON.stringify(key)}`;
      diag.warn(`perflog: ignoring ${which} in ${name}: expected key=value (percent-encoded)`);
    }
  }
  return out;
}

function parseTimeout(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = nonEmpty(env[name]);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (Number.isInteger(value) && value > 0 && value <= 2 ** 31 - 1) return value;
  diag.warn(`perflog: ignoring ${name}=${JSON.stringify(text)}: expected a whole number of milliseconds > 0`);
  return undefined;
}

/**
 * Resolves options with the full precedence: `code` > environment > configuration file (`configFile`, by default
 * `PERFLOG_CONFIG` or the default path; `false` for none) > defaults.
 * @internal
 */
export function resolveWithEnvironment(
  code: PerflogOptions = {}, configFile: string | false = findConfigFile() ?? false,
): ResolvedPerflogOptions {
  const layers = [{ options: code }, { options: environmentOptions() }];
  if (configFile !== false) layers.push({ options: loadMonitoringConfig(configFile) });
  return resolveOptions(...layers);
}

/** ClickHouse credentials for `perflog stats|report --clickhouse`: `CLICKHOUSE_USER`, `CLICKHOUSE_PASSWORD` (unset: absent). */
export function clickHouseCredentials(env: NodeJS.ProcessEnv = process.env): { username?: string; password?: string } {
  const username = env['CLICKHOUSE_USER'];
  const password = env['CLICKHOUSE_PASSWORD'];
  return { ...(username !== undefined && username !== '' ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}
