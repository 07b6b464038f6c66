import { expect } from 'chai';
import fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { KEY_MAP, environmentOptions, findConfigFile, resolveWithEnvironment } from '../src/config.js';
import { PerflogConfigError, loadMonitoringConfig } from '../src/index.js';
import { ALIAS_BOMB } from './helpers/files.js';

const SHIPPED = new URL('../configs/monitoring_logging.yaml', import.meta.url);

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined };

describe('loadMonitoringConfig()', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'perflog-config-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const load = async (text: string) => {
    const file = join(dir, 'monitoring_logging.yaml');
    await writeFile(file, text);
    return { file, load: () => loadMonitoringConfig(file) };
  };

  it('maps the shipped file to camelCase options, the log_cleanup section exactly as documented', () => {
    const options = loadMonitoringConfig(new URL(SHIPPED).pathname);
    expect(options.cleanup).to.deep.equal({
      enabled: true, retentionDays: 30, logPatterns: ['logs/*.log', 'logs/*.log.*', 'logs/*_metrics.log', 'logs/*_metrics.log.*'],
      dryRun: false, checkIntervalHours: 24,
    });
    expect(options).to.deep.include({ logDir: 'logs' });
    expect(options.file).to.deep.equal({ fileName: '{module}_metrics.log', maxSizeMb: 100, rotateInterval: 'daily', sync: false });
  });

  it('points editors at the schema from the shipped file', () => {
    expect(readFileSync(SHIPPED, 'utf8').split('\n')[0]).to.equal('# yaml-language-server: $schema=./monitoring_logging.schema.json');
  });

  it('reads an empty file and empty sections as "no settings"', async () => {
    expect((await load('')).load()).to.deep.equal({});
    expect((await load('log_cleanup:\notlp:\n')).load()).to.deep.equal({});
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['broken YAML', 'log_cleanup:\n  log_patterns: [a,\n', /: \(document\) must be valid YAML \(got '.*line/],
    ['a duplicate key', 'log_cleanup:\n  dry_run: true\n  dry_run: false\n', /: \(document\) must be valid YAML/],
    ['a document that is not a mapping', '- logs\n', /: \(document\) must be a mapping of sections \(got \[ 'logs' \]\)/],
    ['a wrong type', 'log_cleanup:\n  retention_days: thirty\n', /: log_cleanup\.retention_days must be a number > 0 \(got 'thirty'\)/],
    ['a wrong type (boolean)', 'log_cleanup:\n  dry_run: "yes"\n', /: log_cleanup\.dry_run must be a boolean \(got 'yes'\)/],
    ['a section that is not a mapping', 'log_cleanup: 7\n', /: log_cleanup must be a mapping \(got 7\)/],
    ['a negative number', 'log_cleanup:\n  retention_days: -3\n', /: log_cleanup\.retention_days must be a number > 0 \(got -3\)/],
    ['a zero number', 'log_cleanup:\n  check_interval_hours: 0\n', /: log_cleanup\.check_interval_hours must be a number in \(0, 596\] \(got 0\)/],
    ['an interval a timer cannot hold', 'log_cleanup:\n  check_interval_hours: 600\n', /check_interval_hours must be a number in \(0, 596\] \(got 600\)/],
    ['a zero size', 'metrics_log:\n  max_size_mb: 0\n', /: metrics_log\.max_size_mb must be a number > 0 \(got 0\)/],
    ['an unknown key', 'log_cleanup:\n  retention: 3\n', /: log_cleanup\.retention must be one of the known keys \(enabled, retention_days, log_patterns, dry_run, check_interval_hours\) \(got 'retention'\)/],
    ['an unknown section', 'cleanup:\n  retention_days: 3\n', /: cleanup must be one of the sections \(metrics_log, otlp, log_cleanup\) \(got 'cleanup'\)/],
    ['a pattern escaping the base directory (..)', 'log_cleanup:\n  log_patterns: ["logs/*.log", "../other/*.log"]\n', /: log_cleanup\.log_patterns\[1\] must be a glob relative to the base directory .* \(got '\.\.\/other\/\*\.log'\)/],
    ['a pattern escaping the base directory (absolute)', 'log_cleanup:\n  log_patterns: ["/var/log/*.log"]\n', /: log_cleanup\.log_patterns\[0\] must be a glob relative to the base directory/],
    ['a pattern escaping the base directory (inner ..)', 'log_cleanup:\n  log_patterns: ["logs/../../x/*.log"]\n', /log_patterns\[0\] must be a glob relative to the base directory/],
    ['an empty pattern list', 'log_cleanup:\n  log_patterns: []\n', /: log_cleanup\.log_patterns must be a non-empty list of globs/],
    ['an unknown rotate interval', 'metrics_log:\n  rotate_interval: weekly\n', /: metrics_log\.rotate_interval must be one of "none", "hourly", "daily" \(got 'weekly'\)/],
    ['an endpoint that is not http(s)', 'otlp:\n  endpoint: ftp://collector\n', /: otlp\.endpoint must be an http\(s\) URL/],
    ['a header that is not a string', 'otlp:\n  headers: { x-api-key: 1 }\n', /: otlp\.headers\.x-api-key must be a string \(got a number\)/],
    ['an alias bomb', ALIAS_BOMB, /: \(document\) must be valid YAML \(got 'Excessive alias count/],
  ];
  for (const [name, text, message] of invalid) {
    it(`fails naming the file, the key path and what was expected for ${name}`, async () => {
      const { file, load: run } = await load(text);
      let error: unknown;
      try { run(); } catch (caught) { error = caught; }
      expect(error).to.be.instanceOf(PerflogConfigError);
      expect((error as Error).message.startsWith(`${file}: `), (error as Error).message).to.equal(true);
      expect((error as Error).message).to.match(message);
      expect((error as PerflogConfigError).file).to.equal(file);
    });
  }

  it('fails naming the file when it cannot be read', () => {
    expect(() => loadMonitoringConfig(join(dir, 'missing.yaml'))).to.throw(PerflogConfigError, /missing\.yaml: \(file\) must be a readable YAML file/);
  });

  it('only ever throws PerflogConfigError, whatever the document (fast-check)', async () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double({ noNaN: true }), fc.boolean(), fc.string(), fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }), fc.constantFrom('../x/*.log', 'logs/*.log', '/abs/*.log', 'daily', 'http://h/v1/logs'));
    const keys = [...Object.keys(KEY_MAP), 'log_cleanup.bogus', 'bogus.key'];
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), async (flat) => {
      const doc: Record<string, Record<string, unknown>> = {};
      for (const [path, v] of Object.entries(flat)) {
        const [section, key] = path.split('.') as [string, string];
        (doc[section] ??= {})[key] = v;
      }
      const { load: run } = await load(stringify(doc));
      try {
        run();
      } catch (error) {
        expect(error).to.be.instanceOf(PerflogConfigError);
      }
    }), { numRuns: 150 });
  });
});

describe('resolveWithEnvironment()', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perflog-config-'));
    saved = process.env['PERFLOG_CONFIG'];
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env['PERFLOG_CONFIG'];
    else process.env['PERFLOG_CONFIG'] = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('lets code win over the file, and the file over the defaults', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'log_cleanup:\n  retention_days: 7\n  dry_run: true\n');
    const resolved = resolveWithEnvironment({ baseDir: dir, cleanup: { dryRun: false } }, file);
    expect(resolved.cleanup).to.include({ retentionDays: 7, dryRun: false, checkIntervalHours: 24 });
  });

  it('finds PERFLOG_CONFIG first, else configs/monitoring_logging.yaml under the working directory', async () => {
    delete process.env['PERFLOG_CONFIG'];
    expect(findConfigFile(dir)).to.equal(undefined);
    await mkdir(join(dir, 'configs'));
    await writeFile(join(dir, 'configs/monitoring_logging.yaml'), '');
    expect(findConfigFile(dir)).to.equal(join(dir, 'configs/monitoring_logging.yaml'));
    process.env['PERFLOG_CONFIG'] = 'other.yaml';
    expect(findConfigFile(dir)).to.equal(join(dir, 'other.yaml'));
  });
});

describe('environmentOptions()', () => {
  it('names a malformed header by its key only, and an endpoint without its credentials, in diag warnings', () => {
    const warnings: string[] = [];
    diag.setLogger({ ...silent, warn: (message: string) => warnings.push(message) }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      environmentOptions({
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%ZZs3cr3t,Bearer s3cr3t',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'ftp://user:s3cr3t@collector/v1/logs',
      });
    } finally {
      diag.disable();
    }
    expect(warnings).to.have.length(3);
    expect(warnings.join('\n')).not.to.include('s3cr3t');
    expect(warnings.join('\n')).to.include('the entry for key "Authorization" in OTEL_EXPORTER_OTLP_HEADERS');
    expect(warnings.join('\n')).to.include('entry 2 in OTEL_EXPORTER_OTLP_HEADERS');
    expect(warnings.join('\n')).to.include('ftp://***@collector');
  });
});
