/**
 * Validates a parsed configuration file against `configs/monitoring_logging.schema.json` (the same schema editors
 * use) with ajv, and turns ajv's first error into "<key.path> must be <expected> (got <value>)".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/** The schema shipped in the package (`configs` is in `files`); this path works from `src/` and `dist/` alike. */
export const CONFIG_SCHEMA_URL = new URL('../configs/monitoring_logging.schema.json', import.meta.url);

/** What a `pattern` stands for, by YAML key: a regex means nothing to a user. */
const PATTERN_MEANING: Readonly<Record<string, string>> = Object.freeze({
  'metrics_log.file_name': 'a file name without a folder',
  'otlp.endpoint': 'an http(s) URL',
  'log_cleanup.log_patterns[]': 'a glob relative to the base directory (not absolute, no ".." segment, no "~")',
});

/** One schema violation, in the user's terms. */
export interface ConfigProblem {
  /** The YAML key path: `log_cleanup.retention_days`, `log_cleanup.log_patterns[1]`, or `(document)`. */
  readonly key: string;
  /** What the schema accepts there, in words: `a number > 0`. */
  readonly expected: string;
  /** The value found. */
  readonly actual: unknown;
}

let validate: ValidateFunction | undefined;

/** The first problem of a parsed document, or `undefined` when it is valid. */
export function validateConfigDocument(data: unknown): ConfigProblem | undefined {
  validate ??= compile();
  if (validate(data)) return undefined;
  const error = validate.errors?.[0];
  return error === undefined ? { key: '(document)', expected: 'a valid configuration', actual: data } : toProblem(error);
}

function compile(): ValidateFunction {
  // ajv (a CommonJS package) is loaded on the first configuration file only: an app without one never pays for it
  const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_URL, 'utf8')) as object;
  // verbose: errors carry the failing value and its (sub)schema, from which the message is built
  const ajv = new Ajv({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

type SchemaNode = Record<string, unknown>;

function toProblem(error: ErrorObject): ConfigProblem {
  const key = keyPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys((parent['properties'] ?? {})).join(', ');
    return key === ''
      ? { key: extra, expected: `one of the sections (${known})`, actual: extra }
      : { key: `${key}.${extra}`, expected: `one of the known keys (${known})`, actual: extra };
  }
  return { key: key === '' ? '(document)' : key, expected: describe(parent, key), actual: error.data };
}

/** `/log_cleanup/log_patterns/1` -> `log_cleanup.log_patterns[1]`. */
function keyPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/** What a schema node accepts, in words: "a number in (0, 596]", "one of "none", "hourly", "daily"". */
function describe(node: SchemaNode, key: string): string {
  if (Array.isArray(node['enum'])) return `one of ${node['enum'].map((v) => JSON.stringify(v)).join(', ')}`;
  const types = ([] as unknown[]).concat(node['type'] ?? []);
  if (types.includes('object')) return key === '' ? 'a mapping of sections' : 'a mapping';
  if (types.includes('array')) {
    const items = describe((node['items'] ?? {}) as SchemaNode, `${key}[]`);
    return `${typeof node['minItems'] === 'number' && node['minItems'] > 0 ? 'a non-empty' : 'a'} list of ${plural(items)}`;
  }
  if (types.includes('number') || types.includes('integer')) return `${types.includes('integer') ? 'an integer' : 'a number'}${range(node)}`;
  if (types.includes('boolean')) return 'a boolean';
  if (types.includes('string')) {
    const meaning = PATTERN_MEANING[key.replace(/\[\d+\]$/, '[]')];
    if (meaning !== undefined) return meaning;
    return typeof node['minLength'] === 'number' && node['minLength'] > 0 ? 'a non-empty string' : 'a string';
  }
  return 'a valid value';
}

function range(node: SchemaNode): string {
  const low = typeof node['exclusiveMinimum'] === 'number' ? `(${node['exclusiveMinimum']}` : typeof node['minimum'] === 'number' ? `[${node['minimum']}` : undefined;
  const high = typeof node['maximum'] === 'number' ? `${node['maximum']}]` : undefined;
  if (low !== undefined && high !== undefined) return ` in ${low}, ${high}`;
  if (low !== undefined) return `${low.startsWith('(') ? ' >' : ' >='} ${low.slice(1)}`;
  return high !== undefined ? ` <= ${high.slice(0, -1)}` : '';
}

function plural(description: string): string {
  return description.replace(/^an? /, '').replace(/^(\w+)/, '$1s');
}
