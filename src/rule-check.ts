/**
 * Applies the rules of `option-rules.ts` to a value (options from code, a parsed configuration file), with JSON
 * Schema's meaning for each keyword, and says what is wrong in the user's terms: the key path, what was expected,
 * what was found.
 */
import { PerflogConfigError } from './errors.js';
import type { Rule, RuleType } from './option-rules.js';
import { FORMATS } from './option-rules.js';

/** How a message names things: in code (`options`, "an object") or in a configuration file (`(document)`, "a mapping"). */
export interface Naming {
  /** The key that names the whole value: `options`, `(document)`. */
  readonly root: string;
  /** What the whole value must be: "an object", "a mapping of sections". */
  readonly rootExpected: string;
  /** What the top-level keys are called in an unknown-key message: "known options", "sections". */
  readonly rootKeys: string;
  /** An object, in words: "an object", "a mapping". */
  readonly mapping: string;
}

/** Naming for options passed in code. */
export const CODE_NAMING: Naming = Object.freeze({ root: 'options', rootExpected: 'an object', rootKeys: 'known options', mapping: 'an object' });
/** Naming for a configuration file. */
export const FILE_NAMING: Naming = Object.freeze({ root: '(document)', rootExpected: 'a mapping of sections', rootKeys: 'sections', mapping: 'a mapping' });

/** One rule violation, in the user's terms. */
export interface ConfigProblem {
  /** The key path: `log_cleanup.retention_days`, `cleanup.logPatterns[1]`, or the naming's root. */
  readonly key: string;
  /** What the rule accepts there, in words: `a number > 0`. */
  readonly expected: string;
  /** The value found (for an unknown key: the key). */
  readonly actual: unknown;
}

/** The first problem of `value` under `rule` (keys in their order in `value`), or `undefined` when it is valid. */
export function findProblem(rule: Rule, value: unknown, naming: Naming): ConfigProblem | undefined {
  return visit(rule, value, '', naming);
}

/**
 * Throws the first problem of `value` under `rule` as a `PerflogConfigError` (naming `file` when given).
 * @throws {PerflogConfigError} when `value` breaks the rule.
 */
export function assertValid(rule: Rule, value: unknown, naming: Naming, file?: string): void {
  const problem = findProblem(rule, value, naming);
  if (problem !== undefined) throw new PerflogConfigError(problem.key, problem.expected, problem.actual, file);
}

function visit(rule: Rule, value: unknown, key: string, naming: Naming): ConfigProblem | undefined {
  if (!passesOwnKeywords(rule, value)) {
    return key === '' ? { key: naming.root, expected: naming.rootExpected, actual: value } : { key, expected: describeRule(rule, naming), actual: value };
  }
  if (Array.isArray(value) && rule.items !== undefined) {
    for (const [index, item] of value.entries()) {
      const problem = visit(rule.items, item, `${key}[${index}]`, naming);
      if (problem !== undefined) return problem;
    }
  }
  if (isPlainObject(value) && (rule.properties !== undefined || rule.additionalProperties !== undefined)) {
    for (const [name, item] of Object.entries(value)) {
      const path = key === '' ? name : `${key}.${name}`;
      // own keys only: `toString` or `constructor` in a file is an unknown key, not a rule found on Object.prototype
      const known = rule.properties !== undefined && Object.hasOwn(rule.properties, name) ? rule.properties[name] : undefined;
      const extra = rule.additionalProperties;
      if (known === undefined && extra === false) return unknownKey(rule, name, key, naming);
      // an option set to undefined is an option not set (JSON Schema's `properties` skips it the same way)
      if (known !== undefined && item === undefined) continue;
      const child = known ?? extra;
      const problem = child === undefined || child === false ? undefined : visit(child, item, path, naming);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function unknownKey(rule: Rule, name: string, key: string, naming: Naming): ConfigProblem {
  const known = Object.keys(rule.properties ?? {}).join(', ');
  return key === ''
    ? { key: name, expected: `one of the ${naming.rootKeys} (${known})`, actual: name }
    : { key: `${key}.${name}`, expected: `one of the known keys (${known})`, actual: name };
}

/** The keywords that look at the value itself (not at its items or properties). */
function passesOwnKeywords(rule: Rule, value: unknown): boolean {
  if (rule.type !== undefined && !([] as RuleType[]).concat(rule.type).some((type) => hasType(type, value))) return false;
  if (rule.enum !== undefined && !rule.enum.includes(value as string)) return false;
  if (typeof value === 'number') {
    if (rule.minimum !== undefined && !(value >= rule.minimum)) return false;
    if (rule.exclusiveMinimum !== undefined && !(value > rule.exclusiveMinimum)) return false;
    if (rule.maximum !== undefined && !(value <= rule.maximum)) return false;
  }
  if (typeof value === 'string') {
    if (rule.minLength !== undefined && [...value].length < rule.minLength) return false;
    if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(value)) return false;
  }
  if (Array.isArray(value) && rule.minItems !== undefined && value.length < rule.minItems) return false;
  return rule.format === undefined || FORMATS[rule.format](value);
}

function hasType(type: RuleType, value: unknown): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'array': return Array.isArray(value);
    case 'object': return isPlainObject(value);
  }
}

/** What `rule` accepts, in words: "a number in (0, 596]", "one of "none", "hourly", "daily"". */
function describeRule(rule: Rule, naming: Naming): string {
  if (rule.meaning !== undefined) return rule.meaning;
  if (rule.enum !== undefined) return `one of ${rule.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const types = ([] as RuleType[]).concat(rule.type ?? []);
  if (types.includes('object')) {
    const values = rule.additionalProperties;
    return values === undefined || values === false ? naming.mapping : `${naming.mapping} of ${describeRule(values, naming).replace(/^an? /, '')} values`;
  }
  if (types.includes('array')) {
    const items = rule.items === undefined ? 'values' : plural(describeRule(rule.items, naming));
    return `${(rule.minItems ?? 0) > 0 ? 'a non-empty' : 'a'} list of ${items}`;
  }
  if (types.includes('number') || types.includes('integer')) return `${types.includes('integer') ? 'an integer' : 'a number'}${range(rule)}`;
  if (types.includes('boolean')) return 'a boolean';
  if (types.includes('string')) return (rule.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
  return 'a valid value';
}

function range(rule: Rule): string {
  const low = rule.exclusiveMinimum !== undefined ? `(${rule.exclusiveMinimum}` : rule.minimum !== undefined ? `[${rule.minimum}` : undefined;
  const high = rule.maximum !== undefined ? `${rule.maximum}]` : undefined;
  if (low !== undefined && high !== undefined) return ` in ${low}, ${high}`;
  if (low !== undefined) return `${low.startsWith('(') ? ' >' : ' >='} ${low.slice(1)}`;
  return high !== undefined ? ` <= ${high.slice(0, -1)}` : '';
}

function plural(description: string): string {
  return description.replace(/^an? /, '').replace(/^([\w-]+)/, '$1s');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
