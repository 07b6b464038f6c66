/**
 * `configs/monitoring_logging.schema.json`, generated from the option rules (`option-rules.ts`) for editors:
 * `npm run schema` writes it, and a test checks the committed file is what this module generates. perflog itself
 * never reads it: it checks files with the same rules directly (`rule-check.ts`).
 */
import type { Rule } from './option-rules.js';
import { CONFIG_DOCUMENT_RULE, OPTION_ROWS } from './option-rules.js';
import { DEFAULT_CLEANUP_CONFIG, DEFAULT_FILE_OPTIONS, DEFAULT_OTLP_OPTIONS } from './options.js';

/** The schema shipped in the package (`configs` is in `files`); this path works from `src/` and `dist/` alike. */
export const CONFIG_SCHEMA_URL = new URL('../configs/monitoring_logging.schema.json', import.meta.url);

/** The defaults the schema documents, by option path: the code's own. */
const DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  logDir: 'logs', file: DEFAULT_FILE_OPTIONS, otlp: DEFAULT_OTLP_OPTIONS, cleanup: DEFAULT_CLEANUP_CONFIG,
});

const HEADER = Object.freeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/perflog/perflog/configs/monitoring_logging.schema.json',
  title: 'perflog configuration (configs/monitoring_logging.yaml)',
  description: 'Configuration of perflog\'s metric files, OTLP export and retention cleanup. Relative paths resolve against the base directory (the working directory by default). Precedence: options in code > environment > this file > defaults.',
});

/** The JSON Schema (2020-12) of a configuration file: the rules, with each key's description and default. */
export function buildConfigSchema(): Record<string, unknown> {
  const defaultOf = new Map(OPTION_ROWS.flatMap((row) => (row.yaml === undefined ? [] : [[row.yaml, defaultFor(row.option)]])));
  return { ...HEADER, ...toSchema(CONFIG_DOCUMENT_RULE, '', defaultOf) };
}

/** The schema file's text, as committed: two-space JSON and a final newline. */
export function renderConfigSchema(): string {
  return `${JSON.stringify(buildConfigSchema(), null, 2)}\n`;
}

function toSchema(rule: Rule, path: string, defaults: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const { meaning: _meaning, properties, items, additionalProperties, examples, ...keywords } = rule;
  const out: Record<string, unknown> = { ...keywords };
  if (items !== undefined) out['items'] = toSchema(items, `${path}[]`, defaults);
  if (additionalProperties !== undefined) out['additionalProperties'] = additionalProperties === false ? false : toSchema(additionalProperties, `${path}.*`, defaults);
  if (properties !== undefined) {
    out['properties'] = Object.fromEntries(Object.entries(properties).map(([name, child]) => {
      const childPath = path === '' ? name : `${path}.${name}`;
      return [name, toSchema(child, childPath, defaults)];
    }));
  }
  const value = defaults.get(path);
  if (value !== undefined) out['default'] = value;
  if (examples !== undefined) out['examples'] = examples;
  return out;
}

function defaultFor(option: string): unknown {
  let value: unknown = DEFAULTS;
  for (const part of option.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}
