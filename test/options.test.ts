import { expect } from 'chai';
import fc from 'fast-check';
import { PerflogConfigError } from '../src/index.js';
import { DEFAULT_CLEANUP_CONFIG, isSafePattern, resolveOptions } from '../src/options.js';

describe('resolveOptions()', () => {
  it('merges layers, the earliest winning, over frozen defaults', () => {
    const resolved = resolveOptions(
      { options: { baseDir: '/srv/app', file: { sync: true } } },
      { options: { file: { maxSizeMb: 5, sync: false }, logDir: 'metrics' } },
    );
    expect(resolved.baseDir).to.equal('/srv/app');
    expect(resolved.logDir).to.equal('/srv/app/metrics');
    expect(resolved.file).to.deep.equal({ enabled: true, fileName: '{module}_metrics.log', maxSizeMb: 5, rotateInterval: 'daily', sync: true });
    // with no patterns given, the cleaner's defaults are perflog's own files, in the logDir in use
    const ownFiles = ['metrics/*_metrics.log', 'metrics/*_metrics.log.*', 'metrics/otel/*.log', 'metrics/otel/*.log.*'];
    expect(resolved.cleanup).to.deep.equal({ ...DEFAULT_CLEANUP_CONFIG, logPatterns: ownFiles });
    expect(Object.isFrozen(resolved) && Object.isFrozen(resolved.file)).to.equal(true);
  });

  it('defaults the cleanup patterns to perflog\'s own files in logDir, and keeps patterns that are given', () => {
    expect(DEFAULT_CLEANUP_CONFIG.logPatterns).to.deep.equal(['logs/*_metrics.log', 'logs/*_metrics.log.*', 'logs/otel/*.log', 'logs/otel/*.log.*']);
    expect(resolveOptions({ options: { baseDir: '/srv/app' } }).cleanup.logPatterns).to.deep.equal(DEFAULT_CLEANUP_CONFIG.logPatterns);
    expect(resolveOptions({ options: { baseDir: '/srv/app', logDir: 'var/[perf]' } }).cleanup.logPatterns[0]).to.equal('var/\\[perf\\]/*_metrics.log');
    expect(resolveOptions({ options: { baseDir: '/srv/app', logDir: '/srv/app' } }).cleanup.logPatterns[0]).to.equal('*_metrics.log');
    // a logDir outside the base cannot be cleaned: the patterns stay those of logs/
    expect(resolveOptions({ options: { baseDir: '/srv/app', logDir: '/var/log/app' } }).cleanup.logPatterns).to.deep.equal(DEFAULT_CLEANUP_CONFIG.logPatterns);
    const given = resolveOptions({ options: { logDir: 'metrics' } }, { options: { cleanup: { logPatterns: ['logs/*.log'] } } });
    expect(given.cleanup.logPatterns).to.deep.equal(['logs/*.log']);
  });

  it('names the option, what was expected and what was given', () => {
    const cases: [object, RegExp][] = [
      [{ file: { rotateInterval: 'weekly' } }, /file\.rotateInterval must be one of "none", "hourly", "daily" \(got 'weekly'\)/],
      [{ cleanup: { checkIntervalHours: 10_000 } }, /cleanup\.checkIntervalHours must be a number in \(0, 596\]/],
      [{ otlp: { endpoint: 'ftp://x' } }, /otlp\.endpoint must be an http\(s\) URL/],
      [{ otlp: { timeoutMillis: 0 } }, /otlp\.timeoutMillis/],
      [{ file: { fileName: '../x.log' } }, /file\.fileName must be a file name without a directory/],
      [{ strict: 'yes' }, /strict must be a boolean/],
      [{ file: { colour: 'red' } }, /file\.colour must be one of the known keys/],
    ];
    for (const [options, message] of cases) expect(() => resolveOptions({ options: options })).to.throw(PerflogConfigError, message);
  });
});

describe('resolveOptions() and secrets', () => {
  const messageOf = (options: object): string => {
    try {
      resolveOptions({ options });
    } catch (error) {
      expect(error).to.be.instanceOf(PerflogConfigError);
      return (error as Error).message;
    }
    return expect.fail('no error');
  };

  it('names a bad header by its key and never prints a header value', () => {
    const message = messageOf({ otlp: { headers: { Authorization: 'Bearer s3cr3t', 'x-retries': 5 } } });
    expect(message).to.equal('otlp.headers.x-retries must be a string (got a number)');
    expect(messageOf({ otlp: { headers: ['Authorization: Bearer s3cr3t'] } })).to.equal('otlp.headers must be an object of string values (got an array)');
  });

  it('prints a bad endpoint without its credentials', () => {
    for (const endpoint of ['ftp://user:s3cr3t@collector/v1/logs', 'user:s3cr3t@collector:4318']) {
      const message = messageOf({ otlp: { endpoint } });
      expect(message).to.match(/^otlp\.endpoint must be an http\(s\) URL \(got '(ftp:\/\/)?\*\*\*@collector/);
      expect(message).not.to.include('s3cr3t');
    }
  });
});

describe('isSafePattern()', () => {
  it('rejects absolute paths and any ".." segment, whatever surrounds them', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('logs', '*', '**', '*.log', '..', 'a.b', '.'), { minLength: 1, maxLength: 5 }), (parts) => {
      const pattern = parts.join('/');
      expect(isSafePattern(pattern)).to.equal(!parts.includes('..'));
      expect(isSafePattern(`/${pattern}`)).to.equal(false);
    }));
    expect(isSafePattern('logs/*.log')).to.equal(true);
    expect(isSafePattern('C:/logs/*.log')).to.equal(false);
  });
});
