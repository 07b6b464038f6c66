import { expect } from 'chai';
import fc from 'fast-check';
import { epochSecondsText, numberText, secondsBetween } from '../src/number-text.js';

/** Whole nanoseconds as a number of seconds: the values the fast path builds from integers. */
const wholeNanos = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max }).map((nanos) => nanos / 1e9);

describe('number-text', () => {
  describe('numberText()', () => {
    it('is String(x) for any double, NaN, infinities and -0 included', () => {
      fc.assert(fc.property(fc.double(), (x) => {
        expect(numberText(x)).to.equal(String(x));
      }), { numRuns: 5000 });
    });

    it('is String(x) for whole nanoseconds across the fast path and its edges', () => {
      fc.assert(fc.property(fc.oneof(wholeNanos(2000), wholeNanos(2_000_000), wholeNanos(Number.MAX_SAFE_INTEGER)), (x) => {
        expect(numberText(x)).to.equal(String(x));
      }), { numRuns: 5000 });
      for (const x of [1e-6, 9.99e-7, 1e-7, 0.5, 0.05, 0.000001001, 0.1 + 0.2, 999_999.999999999, 1e6, 1e6 + 0.5, 123.000000001, 7]) {
        expect(numberText(x), String(x)).to.equal(String(x));
      }
    });
  });

  describe('epochSecondsText()', () => {
    it('is String(ms / 1000) for whole epoch milliseconds, and for other numbers', () => {
      fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.maxSafeInteger(), fc.double()), (ms) => {
        expect(epochSecondsText(ms)).to.equal(String(ms / 1000));
      }), { numRuns: 5000 });
      expect(epochSecondsText(1_764_500_000_000)).to.equal('1764500000');
      expect(epochSecondsText(1_764_500_000_120)).to.equal('1764500000.12');
    });
  });

  describe('secondsBetween()', () => {
    it('is the interval rounded to whole nanoseconds, printed as String prints it', () => {
      fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (startMs, elapsedMs) => {
        const seconds = secondsBetween(startMs, startMs + elapsedMs);
        expect(Math.abs(seconds - (startMs + elapsedMs - startMs) / 1000)).to.be.at.most(1e-9);
        expect(Number.isInteger(Math.round(seconds * 1e9))).to.equal(true);
        expect(numberText(seconds)).to.equal(String(seconds));
      }), { numRuns: 2000 });
    });
  });
});
