import { expect } from 'chai';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KEY_MAP } from '../src/config.js';
import { CONFIG_SCHEMA_URL, renderConfigSchema } from '../src/config-schema.js';
import { DEFAULT_CLEANUP_CONFIG, loadMonitoringConfig } from '../src/index.js';
import { FORMATS } from '../src/option-rules.js';
import { DEFAULT_FILE_OPTIONS, DEFAULT_OTLP_OPTIONS, resolveOptions } from '../src/options.js';
import { acceptsConfig } from './helpers.js';

type SchemaNode = { properties?: Record<string, SchemaNode>; default?: unknown; description?: string };

const committed = (): SchemaNode => JSON.parse(readFileSync(CONFIG_SCHEMA_URL, 'utf8')) as SchemaNode;

/** The committed schema in ajv, strict (an unknown keyword or format fails), with the formats it names. */
function compileSchema() {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  for (const name of ['perflog-http-url', 'perflog-file-name'] as const) ajv.addFormat(name, { type: 'string', validate: FORMATS[name] });
  return ajv.compile(committed());
}

describe('configs/monitoring_logging.schema.json', () => {
  it('is exactly what the option rules generate (run `npm run schema` after changing a rule)', () => {
    expect(readFileSync(CONFIG_SCHEMA_URL, 'utf8')).to.equal(renderConfigSchema());
  });

  it('is a valid JSON Schema 2020-12 (ajv, strict mode)', () => {
    expect(compileSchema()).to.be.a('function');
  });

  it('lists exactly the keys of the one snake_case <-> camelCase table', () => {
    const keys = Object.entries(committed().properties!).flatMap(([section, node]) => Object.keys(node.properties!).map((key) => `${section}.${key}`));
    expect(keys.sort()).to.deep.equal(Object.keys(KEY_MAP).sort());
  });

  it('documents the same defaults as the code, and describes every key', () => {
    const defaults: Record<string, unknown> = {
      'log_cleanup.enabled': DEFAULT_CLEANUP_CONFIG.enabled, 'log_cleanup.retention_days': DEFAULT_CLEANUP_CONFIG.retentionDays,
      'log_cleanup.log_patterns': DEFAULT_CLEANUP_CONFIG.logPatterns, 'log_cleanup.dry_run': DEFAULT_CLEANUP_CONFIG.dryRun,
      'log_cleanup.check_interval_hours': DEFAULT_CLEANUP_CONFIG.checkIntervalHours,
      'metrics_log.enabled': DEFAULT_FILE_OPTIONS.enabled, 'metrics_log.directory': 'logs', 'metrics_log.file_name': DEFAULT_FILE_OPTIONS.fileName,
      'metrics_log.max_size_mb': DEFAULT_FILE_OPTIONS.maxSizeMb, 'metrics_log.rotate_interval': DEFAULT_FILE_OPTIONS.rotateInterval,
      'metrics_log.sync': DEFAULT_FILE_OPTIONS.sync, 'otlp.enabled': DEFAULT_OTLP_OPTIONS.enabled, 'otlp.headers': {},
      'otlp.timeout_millis': DEFAULT_OTLP_OPTIONS.timeoutMillis, 'otlp.gen_ai_semconv': DEFAULT_OTLP_OPTIONS.genAiSemconv,
    };
    for (const [section, node] of Object.entries(committed().properties!)) {
      for (const [key, leaf] of Object.entries(node.properties!)) {
        expect(leaf.description, `${section}.${key}`).to.be.a('string');
        if (`${section}.${key}` in defaults) expect(leaf.default, `${section}.${key}`).to.deep.equal(defaults[`${section}.${key}`]);
      }
    }
  });

  it('ships in the package', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).to.include('configs');
  });
});

describe('the schema and the code (fast-check)', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'perflog-schema-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  // values of every kind, most of them right for their key, so that valid documents are common too
  const junk = fc.oneof(
    fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 4 }), fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }), fc.constantFrom(Number.NaN, Infinity, -Infinity, 1.5, -0),
  );
  /** Mostly valid values for a key, then edge cases around its rule, then values of any kind. */
  const likely = <T>(valid: fc.Arbitrary<T>, edges: fc.Arbitrary<unknown> = junk) =>
    fc.oneof({ weight: 30, arbitrary: valid }, { weight: 2, arbitrary: edges }, { weight: 1, arbitrary: junk });
  const number = likely(fc.oneof(fc.double({ min: 0.001, max: 500, noNaN: true }), fc.integer({ min: 1, max: 500 })), fc.oneof(
    fc.double({ min: -1, max: 700, noNaN: true }), fc.integer({ min: -2, max: 3_000_000_000 }),
    fc.constantFrom(0, 1e-9, 596, 596.0001, 597, 2 ** 31 - 1, 2 ** 31),
  ));
  const fileName = likely(fc.constantFrom('{module}_metrics.log', 'a.log', '...', `${'{module}'.repeat(4)}x`, 'é'.repeat(64), 'a'.repeat(128)), fc.oneof(
    fc.constantFrom('.', '..', 'a/b', 'a\\b', 'x\0y', 'a\nb', '{module}'.repeat(5), 'é'.repeat(65), 'a'.repeat(129)),
    fc.string({ maxLength: 10, unit: 'grapheme' }),
  ));
  const endpoint = likely(fc.oneof(fc.constantFrom('http://localhost:4318/v1/logs', 'https://c', 'https://user:pw@c/v1'), fc.webUrl()), fc.oneof(
    fc.constantFrom('HTTP://c', 'ftp://c', 'http://', 'http://[', 'http://a b', 'http://h:99999', ' http://c', 'localhost:4318', 'http://%zz'),
    fc.string({ maxLength: 8 }),
  ));
  const headers = likely(
    fc.dictionary(fc.constantFrom('Authorization', 'x-k', 'constructor'), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
    fc.dictionary(fc.constantFrom('Authorization', 'x-k'), fc.oneof(fc.integer(), fc.constant(null), fc.string()), { minKeys: 1, maxKeys: 2 }),
  );
  const segment = fc.constantFrom('logs', '*', '**', '*.log', 'a..b', '...');
  const badSegment = fc.constantFrom('..', '.', '~', 'C:', '', '\\', 'x\ny');
  const glob = likely(fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')), fc.oneof(
    fc.tuple(fc.array(fc.oneof(segment, badSegment), { minLength: 1, maxLength: 4 }), fc.constantFrom('/', '\\', '//')).map(([parts, sep]) => parts.join(sep)),
    fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`),
    fc.string({ maxLength: 6 }),
  ));
  const oneOf = (valid: string[], edges: string[]) => likely(fc.constantFrom(...valid), fc.constantFrom(...edges));
  const withUnknown = <T extends object>(known: fc.Arbitrary<T>) => fc.tuple(known, fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('bogus', 'toString', 'retention') }))
    .map(([body, extra]) => (extra === null ? body : { ...body, [extra]: true }));
  const section = <T extends object>(known: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: withUnknown(known) }, { weight: 1, arbitrary: junk });
  const bool = likely(fc.boolean(), fc.constantFrom('true', 'yes', 0, 1));
  const document = fc.oneof({ weight: 30, arbitrary: withUnknown(fc.record({
    metrics_log: section(fc.record({
      enabled: bool, directory: likely(fc.constantFrom('logs', 'var/metrics', 'é'), fc.constant('')), file_name: fileName, max_size_mb: number,
      rotate_interval: oneOf(['none', 'hourly', 'daily'], ['weekly', 'Daily', '']), sync: bool,
    }, { requiredKeys: [] })),
    otlp: section(fc.record({ enabled: bool, endpoint, headers, timeout_millis: number, gen_ai_semconv: bool }, { requiredKeys: [] })),
    log_cleanup: section(fc.record({
      enabled: bool, retention_days: number, log_patterns: likely(fc.array(glob, { minLength: 1, maxLength: 3 }), fc.constant([])), dry_run: bool, check_interval_hours: number,
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] })) }, { weight: 1, arbitrary: junk });

  /** The document as code options (snake_case keys through KEY_MAP; unknown ones kept, in their section's place). */
  const SECTION_OPTION: Record<string, string> = { metrics_log: 'file', otlp: 'otlp', log_cleanup: 'cleanup' };
  function asOptions(doc: Record<string, Record<string, unknown>>): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [name, body] of Object.entries(doc)) {
      if (!(name in SECTION_OPTION)) options[name] = body;
      for (const [key, value] of Object.entries(body)) {
        const [head, tail] = (KEY_MAP[`${name}.${key}`] ?? `${SECTION_OPTION[name] ?? name}.${key}`).split('.') as [string, string | undefined];
        if (tail === undefined) options[head] = value;
        else ((options[head] ??= {}) as Record<string, unknown>)[tail] = value;
      }
    }
    return options;
  }
  const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const accepts = (run: () => unknown): boolean => acceptsConfig(run);

  it('accept and reject exactly the same documents, in a file and as options in code', async () => {
    const validate = compileSchema();
    const seen = { accepted: 0, rejected: 0 };
    await fc.assert(fc.asyncProperty(document, async (generated) => {
      const text = stringify(generated);
      const file = join(dir, 'monitoring_logging.yaml');
      await writeFile(file, text);
      const data: unknown = parse(text);
      const bySchema = validate(data);
      const byCode = accepts(() => loadMonitoringConfig(file));
      expect(byCode, `${text}\najv: ${JSON.stringify(validate.errors)}`).to.equal(bySchema);
      seen[bySchema ? 'accepted' : 'rejected']++;
      // the same rules for options in code, where a section is an object (never null: there is no "empty section")
      if (isMapping(data) && Object.values(data).every(isMapping)) {
        expect(accepts(() => resolveOptions({ options: asOptions(data as Record<string, Record<string, unknown>>) })), text).to.equal(bySchema);
      }
    }), { numRuns: 200 });
    expect(seen.accepted, 'valid documents generated').to.be.greaterThan(25);
    expect(seen.rejected, 'invalid documents generated').to.be.greaterThan(25);
  });
});
