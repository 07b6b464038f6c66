/**
 * The one table of option rules: every option (its camelCase path, and its snake_case key in the configuration file)
 * with its rule, written in the JSON Schema keywords perflog uses. `rule-check.ts` applies these rules to options from
 * code and to configuration files; `config-schema.ts` writes the same rules out as
 * `configs/monitoring_logging.schema.json` for editors. What JSON Schema cannot say (a byte bound, a URL that parses,
 * an object with `getLogger()`) is a named `format`, checked by the predicate of `FORMATS`.
 */
import { isFileNameTemplate, MAX_FILE_NAME_TEMPLATE_BYTES, MAX_MODULE_PLACEHOLDERS } from './exporters/file-names.js';

/** Node fires a timer longer than 2^31 - 1 ms at once; this many hours stays below that. */
export const MAX_CHECK_INTERVAL_HOURS = 596;

/** A JSON type, as JSON Schema names it. */
export type RuleType = 'null' | 'boolean' | 'number' | 'integer' | 'string' | 'array' | 'object';

/** A rule: a subset of JSON Schema 2020-12 (with its meaning there), plus `meaning`, the words a message uses. */
export interface Rule {
  readonly description?: string;
  readonly type?: RuleType | readonly RuleType[];
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  /** In code points, as JSON Schema counts. */
  readonly minLength?: number;
  /** A regular expression with the `u` flag, unanchored unless it says `^`/`$`. */
  readonly pattern?: string;
  readonly format?: FormatName;
  readonly minItems?: number;
  readonly items?: Rule;
  readonly properties?: Readonly<Record<string, Rule>>;
  readonly additionalProperties?: false | Rule;
  readonly examples?: readonly unknown[];
  /** What the rule accepts, in words, when its keywords say too little ("an http(s) URL"). Not written to the schema. */
  readonly meaning?: string;
}

/** The URL rule of `otlp.endpoint`: the scheme in the pattern (editors check it), the rest by `new URL`. */
const HTTP_URL_PATTERN = '^https?://';
/**
 * A cleanup glob that stays inside the base directory: not absolute (`/`, `\`, `C:`), no `~`, no `..` segment.
 * `[\s\S]` rather than `.`, which would stop at a line break.
 */
const SAFE_GLOB_PATTERN = String.raw`^(?![/\\~]|[A-Za-z]:)(?!(?:[\s\S]*[/\\])?\.\.(?:[/\\]|$))[\s\S]+$`;
const SAFE_GLOB = new RegExp(SAFE_GLOB_PATTERN, 'u');

/** The checks JSON Schema cannot express, by the `format` name the schema carries. */
export const FORMATS = Object.freeze({
  /** A URL `new URL` accepts, with the scheme http or https. */
  'perflog-http-url': (value: unknown): boolean => typeof value === 'string' && /^https?:$/.test(parsedUrl(value)?.protocol ?? ''),
  /** `file.fileName`: at most `MAX_FILE_NAME_TEMPLATE_BYTES` UTF-8 bytes besides `{module}`, no NUL, no folder. */
  'perflog-file-name': (value: unknown): boolean => isFileNameTemplate(value),
  function: (value: unknown): boolean => typeof value === 'function',
  'logger-provider': (value: unknown): boolean => isObject(value) && typeof (value as { getLogger?: unknown }).getLogger === 'function',
  resource: (value: unknown): boolean => isObject(value) && isObject((value as { attributes?: unknown }).attributes)
    && typeof (value as { merge?: unknown }).merge === 'function',
});

/** A `format` name of `FORMATS`. */
export type FormatName = keyof typeof FORMATS;

/** One option: where it lives in code and in the file, and its rule. */
export interface OptionRow {
  /** The option path in code: `cleanup.retentionDays`. */
  readonly option: string;
  /** The key path in the configuration file: `log_cleanup.retention_days`; absent for options only code can set. */
  readonly yaml?: string;
  readonly rule: Rule;
}

const BOOLEAN = 'boolean';
const POSITIVE: Rule = { type: 'number', exclusiveMinimum: 0 };

/** The configuration file's sections, in order, with what each holds. */
export const CONFIG_SECTIONS: Readonly<Record<string, string>> = Object.freeze({
  metrics_log: 'The local JSON-lines files, one per module: <directory>/<file_name>.',
  otlp: 'Shipping records to an OpenTelemetry Collector over OTLP/HTTP.',
  log_cleanup: 'The retention cleaner: deletes matched files whose modification time is older than retention_days.',
});

/** Every option, in the order messages list them. */
export const OPTION_ROWS: readonly OptionRow[] = Object.freeze([
  { option: 'baseDir', rule: { type: 'string', minLength: 1 } },
  { option: 'file.enabled', yaml: 'metrics_log.enabled', rule: { description: 'Write the local JSON-lines files.', type: BOOLEAN } },
  {
    option: 'logDir', yaml: 'metrics_log.directory',
    rule: { description: 'Folder of the metric files, relative to the base directory.', type: 'string', minLength: 1 },
  },
  {
    option: 'file.fileName', yaml: 'metrics_log.file_name',
    rule: {
      description: `File name inside the directory; {module} is replaced by the module (checkpoint, llm, ...). At most ${MAX_FILE_NAME_TEMPLATE_BYTES} UTF-8 bytes besides {module}, which may appear at most ${MAX_MODULE_PLACEHOLDERS} times.`,
      type: 'string', pattern: String.raw`^(?!\.\.?$)[^/\\\u0000]+$`, format: 'perflog-file-name',
      meaning: `a file name without a directory, at most ${MAX_FILE_NAME_TEMPLATE_BYTES} bytes besides "{module}" (at most ${MAX_MODULE_PLACEHOLDERS} times)`,
    },
  },
  {
    option: 'file.maxSizeMb', yaml: 'metrics_log.max_size_mb',
    rule: { description: 'Rotate the active file once it reaches this size, in MiB.', ...POSITIVE },
  },
  {
    option: 'file.rotateInterval', yaml: 'metrics_log.rotate_interval',
    rule: { description: 'Rotate at UTC hour or day boundaries, or never by time.', enum: ['none', 'hourly', 'daily'] },
  },
  { option: 'file.sync', yaml: 'metrics_log.sync', rule: { description: 'Write every record with its own write(2) instead of buffering.', type: BOOLEAN } },
  { option: 'otlp.enabled', yaml: 'otlp.enabled', rule: { description: 'Export every record over OTLP/HTTP as well.', type: BOOLEAN } },
  {
    option: 'otlp.endpoint', yaml: 'otlp.endpoint',
    rule: {
      description: 'The full logs URL, as in OTEL_EXPORTER_OTLP_LOGS_ENDPOINT. Without it the standard OTEL_EXPORTER_OTLP_* variables apply.',
      type: 'string', pattern: HTTP_URL_PATTERN, format: 'perflog-http-url', examples: ['http://localhost:4318/v1/logs'], meaning: 'an http(s) URL',
    },
  },
  {
    option: 'otlp.headers', yaml: 'otlp.headers',
    rule: { description: 'Extra HTTP headers of every export request.', type: 'object', additionalProperties: { type: 'string' } },
  },
  {
    option: 'otlp.timeoutMillis', yaml: 'otlp.timeout_millis',
    rule: { description: 'Timeout of one export request, in milliseconds.', type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 },
  },
  { option: 'otlp.genAiSemconv', yaml: 'otlp.gen_ai_semconv', rule: { description: 'Add the OpenTelemetry GenAI attributes to LLM records.', type: BOOLEAN } },
  {
    option: 'cleanup.enabled', yaml: 'log_cleanup.enabled',
    rule: { description: 'Run the periodic cleanup (perflog cleanup and forceLogCleanup() run whatever this says).', type: BOOLEAN },
  },
  {
    option: 'cleanup.retentionDays', yaml: 'log_cleanup.retention_days',
    rule: { description: 'Files whose modification time is older than this many days are deleted.', ...POSITIVE },
  },
  {
    option: 'cleanup.logPatterns', yaml: 'log_cleanup.log_patterns',
    rule: {
      description: "Globs (fast-glob syntax) relative to the base directory; absolute paths, '~' and '..' segments are rejected.",
      type: 'array', minItems: 1,
      items: { type: 'string', pattern: SAFE_GLOB_PATTERN, meaning: 'a glob relative to the base directory (not absolute, no ".." segment, no "~")' },
    },
  },
  { option: 'cleanup.dryRun', yaml: 'log_cleanup.dry_run', rule: { description: 'Report what would be deleted, delete nothing.', type: BOOLEAN } },
  {
    option: 'cleanup.checkIntervalHours', yaml: 'log_cleanup.check_interval_hours',
    rule: {
      description: `Hours between periodic runs (at most ${MAX_CHECK_INTERVAL_HOURS}: longer timers overflow).`,
      ...POSITIVE, maximum: MAX_CHECK_INTERVAL_HOURS,
    },
  },
  { option: 'loggerProvider', rule: { format: 'logger-provider', meaning: 'an OpenTelemetry LoggerProvider (with getLogger())' } },
  { option: 'resource', rule: { format: 'resource', meaning: 'an OpenTelemetry Resource' } },
  { option: 'onError', rule: { format: 'function', meaning: 'a function' } },
  { option: 'strict', rule: { type: BOOLEAN } },
] satisfies OptionRow[]);

const BY_OPTION = new Map(OPTION_ROWS.map((row) => [row.option, row.rule]));

/** The rule of one option path (`file.maxSizeMb`). */
export function ruleOf(option: string): Rule {
  const rule = BY_OPTION.get(option);
  if (rule === undefined) throw new Error(`perflog: no option ${option}`);
  return rule;
}

/** The rule of a whole options object (`PerflogOptions`): sections are objects, unknown keys are errors. */
export const OPTIONS_RULE: Rule = tree(OPTION_ROWS.map((row) => [row.option, row.rule]), 'object');

/** The rule of a whole configuration file (the schema's): the document and its sections may be empty (null). */
export const CONFIG_DOCUMENT_RULE: Rule = tree(
  OPTION_ROWS.flatMap((row): Array<[string, Rule]> => (row.yaml === undefined ? [] : [[row.yaml, row.rule]])),
  ['object', 'null'],
  CONFIG_SECTIONS,
);

/** An object rule from `path -> rule` entries (`section.key` paths make sections), keys in the order first seen. */
function tree(entries: ReadonlyArray<[string, Rule]>, type: NonNullable<Rule['type']>, descriptions: Readonly<Record<string, string>> = {}): Rule {
  const properties = new Map<string, Rule | Map<string, Rule>>();
  for (const [path, rule] of entries) {
    const dot = path.indexOf('.');
    if (dot === -1) {
      properties.set(path, rule);
      continue;
    }
    const name = path.slice(0, dot);
    const section = properties.get(name) ?? new Map<string, Rule>();
    (section as Map<string, Rule>).set(path.slice(dot + 1), rule);
    properties.set(name, section);
  }
  const object = (props: Map<string, Rule | Map<string, Rule>>, description?: string): Rule => Object.freeze({
    ...(description === undefined ? {} : { description }),
    type,
    additionalProperties: false,
    properties: Object.freeze(Object.fromEntries([...props].map(([name, value]) => [name, value instanceof Map ? object(value, descriptions[name]) : value]))),
  });
  return object(properties);
}

/** Whether `value` is an http(s) URL: the rule of `otlp.endpoint`. */
export function isHttpUrl(value: unknown): boolean {
  return typeof value === 'string' && new RegExp(HTTP_URL_PATTERN, 'u').test(value) && FORMATS['perflog-http-url'](value);
}

/** Whether a cleanup pattern stays inside the base directory: the rule of each `cleanup.logPatterns` entry. */
export function isSafePattern(pattern: string): boolean {
  return SAFE_GLOB.test(pattern);
}

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
