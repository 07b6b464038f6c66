/**
 * Defaults, validation and merging of factory options: validated once, frozen, never re-checked on the hot path.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import type { Resource } from '@opentelemetry/resources';
import { OPTIONS_RULE } from './option-rules.js';
import { CODE_NAMING, assertValid } from './rule-check.js';
import type {
  FileOptions, LogCleanupConfig, OtlpOptions, PerflogOptions, ResolvedPerflogOptions,
} from './interfaces.js';

export { MAX_CHECK_INTERVAL_HOURS, isHttpUrl, isSafePattern } from './option-rules.js';

/**
 * The cleaner's defaults (SPEC section 5). The patterns are only the files perflog itself writes, in the default
 * `logDir` (`logs`); options with another `logDir` and no patterns of their own get the same patterns in that folder.
 */
export const DEFAULT_CLEANUP_CONFIG: Readonly<LogCleanupConfig> = Object.freeze({
  enabled: true,
  retentionDays: 30,
  logPatterns: Object.freeze(ownFilePatterns('logs')) as string[],
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

type Layer = { options: PerflogOptions };

/**
 * Validates each layer against the rules of `option-rules.ts` and merges them, earliest first winning (code >
 * environment > file > defaults), into frozen options. Throws `PerflogConfigError` naming the option on the first bad
 * value (a configuration file was already checked against the same rules, naming its keys, when it was loaded).
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
  const logDir = resolve(baseDir, pick((o) => o.logDir) ?? 'logs');
  const cleanup = merged(DEFAULT_CLEANUP_CONFIG, (o) => o.cleanup);
  const logPatterns = pick((o) => o.cleanup?.logPatterns) === undefined ? defaultPatterns(baseDir, logDir) : cleanup.logPatterns;
  return Object.freeze({
    baseDir,
    logDir,
    file: Object.freeze(file),
    otlp: Object.freeze({ ...otlp, headers: Object.freeze({ ...otlp.headers }) }),
    loggerProvider: pick((o) => o.loggerProvider),
    resource: mergedResource(layers),
    cleanup: Object.freeze({ ...cleanup, logPatterns: Object.freeze([...logPatterns]) as string[] }),
    onError: pick((o) => o.onError),
    strict: pick((o) => o.strict) ?? false,
  });
}

/** perflog's own files in `dir` (relative to the base, a glob-escaped `/`-separated path): SPEC section 5. */
function ownFilePatterns(dir: string): string[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  return [`${prefix}*_metrics.log`, `${prefix}*_metrics.log.*`, `${prefix}otel/*.log`, `${prefix}otel/*.log.*`];
}

/**
 * The default patterns for `logDir`: perflog's own files there. A `logDir` outside the base directory cannot be
 * cleaned (nothing outside the base is ever deleted), so the patterns then stay those of `logs`.
 */
function defaultPatterns(baseDir: string, logDir: string): string[] {
  const rel = relative(baseDir, logDir);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return [...DEFAULT_CLEANUP_CONFIG.logPatterns];
  return ownFilePatterns(rel === '' ? '' : rel.split(sep).map((segment) => fg.escapePath(segment)).join('/'));
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

function validateLayer({ options }: Layer): void {
  assertValid(OPTIONS_RULE, options, CODE_NAMING);
}
