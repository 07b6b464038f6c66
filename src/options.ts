/**
 * Defaults, validation and merging of factory options: validated once, frozen, never re-checked on the hot path.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import { PerflogConfigError } from './errors.js';
import { MAX_FILE_NAME_TEMPLATE_BYTES, MAX_MODULE_PLACEHOLDERS, isFileNameTemplate } from './exporters/file-names.js';
import type {
  FileOptions, LogCleanupConfig, OtlpOptions, PerflogOptions, ResolvedPerflogOptions,
} from './interfaces.js';

/** Node fires a timer longer than 2^31 - 1 ms at once; this many hours stays below that. */
export const MAX_CHECK_INTERVAL_HOURS = 596;

/** The cleaner's defaults (SPEC section 5). */
export const DEFAULT_CLEANUP_CONFIG: Readonly<LogCleanupConfig> = Object.freeze({
  enabled: true,
  retentionDays: 30,
  logPatterns: ['logs/*.log', 'logs/*.log.*'],
  dryRun: false,
  checkIntervalHours: 24,
});

/** The file exporter's defaults. */
export const DEFAULT_FILE_OPTIONS: Readonly<FileOptions> = Object.freeze({
  enabled: true,
  fileName: '{module}_metrics.log',
  maxSizeMb: 100,
  rotateInterval: 'daily',
  sync: false,
});

/** The OTLP exporter's defaults. */
export const DEFAULT_OTLP_OPTIONS: Readonly<OtlpOptions> = Object.freeze({
  enabled: false,
  endpoint: undefined,
  headers: Object.freeze({}),
  timeoutMillis: 10_000,
  genAiSemconv: false,
});

type Layer = { options: PerflogOptions; file?: string | undefined; keyOf?: ((path: string) => string) | undefined };

const TOP_KEYS = new Set(['baseDir', 'logDir', 'file', 'otlp', 'loggerProvider', 'resource', 'cleanup', 'onError', 'strict']);

/**
 * Validates each layer and merges them, earliest first winning (code > environment > file > defaults), into frozen
 * options. Throws `PerflogConfigError` naming the option (and the file) on the first bad value.
 */
export function resolveOptions(...layers: Layer[]): ResolvedPerflogOptions {
  for (const layer of layers) validateLayer(layer);
  const pick = <T>(get: (options: PerflogOptions) => T | undefined): T | undefined => {
    for (const layer of layers) {
      const value = get(layer.options);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const merged = <T extends object>(defaults: T, get: (options: PerflogOptions) => Partial<T> | undefined): T => {
    const out: T = { ...defaults };
    for (const layer of [...layers].reverse()) Object.assign(out, definedOnly(get(layer.options) ?? {}));
    return out;
  };
  const baseDir = resolve(pick((o) => o.baseDir) ?? process.cwd());
  const file = merged(DEFAULT_FILE_OPTIONS, (o) => o.file);
  const otlp = merged(DEFAULT_OTLP_OPTIONS, (o) => o.otlp);
  const cleanup = merged(DEFAULT_CLEANUP_CONFIG, (o) => o.cleanup);
  return Object.freeze({
    baseDir,
    logDir: resolve(baseDir, pick((o) => o.logDir) ?? 'logs'),
    file: Object.freeze(file),
    otlp: Object.freeze({ ...otlp, headers: Object.freeze({ ...otlp.headers }) }),
    loggerProvider: pick((o) => o.loggerProvider),
    resource: mergedResource(layers),
    cleanup: Object.freeze({ ...cleanup, logPatterns: Object.freeze([...cleanup.logPatterns]) as string[] }),
    onError: pick((o) => o.onError),
    strict: pick((o) => o.strict) ?? false,
  });
}

/** Every layer's resource merged, earliest layer's attributes winning (code over `OTEL_RESOURCE_ATTRIBUTES`). */
function mergedResource(layers: Layer[]): Resource | undefined {
  let out: Resource | undefined;
  for (const layer of [...layers].reverse()) {
    const resource = layer.options.resource;
    if (resource !== undefined) out = out === undefined ? resource : out.merge(resource);
  }
  return out;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateLayer({ options, file, keyOf = (path) => path }: Layer): void {
  const fail = (path: string, expected: string, actual: unknown): never => {
    throw new PerflogConfigError(keyOf(path), expected, actual, file);
  };
  if (!isPlainObject(options)) fail('options', 'an object', options);
  for (const key of Object.keys(options)) if (!TOP_KEYS.has(key)) fail(key, `one of the known options (${[...TOP_KEYS].join(', ')})`, key);
  const o = options;
  optional(o.baseDir, 'baseDir', (v) => typeof v === 'string' && v !== '', 'a non-empty string', fail);
  optional(o.logDir, 'logDir', (v) => typeof v === 'string' && v !== '', 'a non-empty string', fail);
  optional(o.strict, 'strict', isBoolean, 'a boolean', fail);
  optional(o.onError, 'onError', (v) => typeof v === 'function', 'a function', fail);
  optional(o.loggerProvider, 'loggerProvider', (v) => isObject(v) && typeof (v as { getLogger?: unknown }).getLogger === 'function', 'an OpenTelemetry LoggerProvider (with getLogger())', fail);
  optional(o.resource, 'resource', (v) => isObject(v) && isObject((v as { attributes?: unknown }).attributes) && typeof (v as { merge?: unknown }).merge === 'function', 'an OpenTelemetry Resource', fail);
  section(o.file, 'file', {
    enabled: [isBoolean, 'a boolean'],
    fileName: [isFileNameTemplate, `a file name without a directory, at most ${MAX_FILE_NAME_TEMPLATE_BYTES} bytes besides "{module}" (at most ${MAX_MODULE_PLACEHOLDERS} times)`],
    maxSizeMb: [(v) => isNumber(v) && v > 0, 'a number > 0'],
    rotateInterval: [(v) => v === 'none' || v === 'hourly' || v === 'daily', '"none", "hourly" or "daily"'],
    sync: [isBoolean, 'a boolean'],
  }, fail);
  section(o.otlp, 'otlp', {
    enabled: [isBoolean, 'a boolean'],
    endpoint: [isHttpUrl, 'an http(s) URL'],
    headers: [isPlainObject, 'an object of string values'],
    timeoutMillis: [(v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 2 ** 31 - 1, 'an integer in [1, 2147483647]'],
    genAiSemconv: [isBoolean, 'a boolean'],
  }, fail);
  for (const [name, value] of Object.entries(isPlainObject(o.otlp?.headers) ? o.otlp.headers : {})) {
    if (typeof value !== 'string') fail(`otlp.headers.${name}`, 'a string', value); // the error prints its type only
  }
  section(o.cleanup, 'cleanup', {
    enabled: [isBoolean, 'a boolean'],
    retentionDays: [(v) => isNumber(v) && v > 0, 'a number > 0'],
    logPatterns: [isPatternList, 'a non-empty list of glob patterns relative to baseDir (no absolute paths, no "..")'],
    dryRun: [isBoolean, 'a boolean'],
    checkIntervalHours: [(v) => isNumber(v) && v > 0 && v <= MAX_CHECK_INTERVAL_HOURS, `a number in (0, ${MAX_CHECK_INTERVAL_HOURS}]`],
  }, fail);
}

type Check = [(value: unknown) => boolean, string];
type Fail = (path: string, expected: string, actual: unknown) => never;

function section(value: unknown, name: string, checks: Record<string, Check>, fail: Fail): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) fail(name, 'an object', value);
  for (const [key, entry] of Object.entries(value)) {
    const check = checks[key];
    if (check === undefined) fail(`${name}.${key}`, `one of the known keys (${Object.keys(checks).join(', ')})`, key);
    else if (entry !== undefined && !check[0](entry)) fail(`${name}.${key}`, check[1], entry);
  }
}

function optional(value: unknown, path: string, ok: (value: unknown) => boolean, expected: string, fail: Fail): void {
  if (value !== undefined && !ok(value)) fail(path, expected, value);
}

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v) || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether `v` is an http(s) URL. */
export function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether a cleanup pattern stays inside the base directory. */
export function isSafePattern(pattern: string): boolean {
  if (pattern === '' || isAbsolute(pattern) || /^[a-zA-Z]:/.test(pattern) || pattern.startsWith('~')) return false;
  return !pattern.split(/[/\\]+/).some((part) => part === '..');
}

function isPatternList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string' && isSafePattern(p));
}
