import { expect } from 'chai';
import fc from 'fast-check';
import { formatBytes, formatDuration } from '../../src/report/format.js';

const SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, 'µs': 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600 };

/** Reads a formatted duration back to seconds. */
function parseDuration(text: string): { seconds: number; number: number; unit: string } {
  const match = /^(\d+(?:\.\d+)?(?:e[+-]\d+)?) (ns|µs|ms|s|min|h)$/.exec(text);
  expect(match, text).to.not.equal(null);
  const number = Number(match![1]);
  return { seconds: number * SECONDS[match![2]!]!, number, unit: match![2]! };
}

describe('format', () => {
  describe('formatDuration()', () => {
    it('keeps the zeros of whole numbers (210 µs, 500 µs, 100 µs)', () => {
      expect(formatDuration(210e-6)).to.equal('210 µs');
      expect(formatDuration(500e-6)).to.equal('500 µs');
      expect(formatDuration(100e-6)).to.equal('100 µs');
      expect(formatDuration(850e-6)).to.equal('850 µs');
      expect(formatDuration(0.0493)).to.equal('49.3 ms');
      expect(formatDuration(2.1)).to.equal('2.10 s');
      expect(formatDuration(null)).to.equal('-');
      expect(formatDuration(0)).to.equal('0');
    });

    it('moves to the next unit at every boundary, also when rounding reaches it', () => {
      const cases: [number, string][] = [
        [1e-9, '1.00 ns'], [999e-9, '999 ns'], [999.6e-9, '1.00 µs'], [1e-6, '1.00 µs'], [9.996e-6, '10.0 µs'],
        [99.96e-6, '100 µs'], [999.4e-6, '999 µs'], [999.6e-6, '1.00 ms'], [1e-3, '1.00 ms'], [999.6e-3, '1.00 s'],
        [1, '1.00 s'], [119.4, '119 s'], [119.6, '1.99 min'], [119.8, '2.00 min'], [120, '2.00 min'], [7100, '118 min'], [7199, '2.00 h'],
        [7200, '2.00 h'], [3.6e9, '1.00e+6 h'], [1e-12, '<1 ns'],
      ];
      for (const [seconds, text] of cases) expect(formatDuration(seconds), String(seconds)).to.equal(text);
    });

    it('is within 0.5% of the value, with three significant digits below 1000 of its unit', () => {
      fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e7, noNaN: true }), (seconds) => {
        const { seconds: back, number, unit } = parseDuration(formatDuration(seconds));
        expect(Math.abs(back - seconds) / seconds).to.be.at.most(0.005 + 1e-9);
        expect(number).to.be.at.least(1);
        if (unit !== 'h') expect(number).to.be.below(unit === 's' || unit === 'min' ? 120 : 1000);
      }), { numRuns: 2000 });
    });
  });

  describe('formatBytes()', () => {
    it('moves to the next unit at every boundary, also when rounding reaches it', () => {
      const cases: [number, string][] = [
        [0, '0 B'], [1023, '1023 B'], [1024, '1.0 KB'], [1536, '1.5 KB'], [1024 * 1024 - 1, '1.0 MB'],
        [1024 ** 2, '1.0 MB'], [1024 ** 3 - 1, '1.0 GB'], [1024 ** 4, '1.0 TB'], [5 * 1024 ** 5, '5120.0 TB'],
      ];
      for (const [bytes, text] of cases) expect(formatBytes(bytes), String(bytes)).to.equal(text);
    });

    it('is within 5% of the value', () => {
      fc.assert(fc.property(fc.integer({ min: 1024, max: 2 ** 49 }), (bytes) => {
        const match = /^(\d+\.\d) (KB|MB|GB|TB)$/.exec(formatBytes(bytes))!;
        const back = Number(match[1]) * 1024 ** (['KB', 'MB', 'GB', 'TB'].indexOf(match[2]!) + 1);
        expect(Math.abs(back - bytes) / bytes).to.be.below(0.05);
        expect(Number(match[1])).to.be.below(1024);
      }));
    });
  });
});
