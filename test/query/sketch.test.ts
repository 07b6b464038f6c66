import { expect } from 'chai';
import fc from 'fast-check';
import { DurationSketch, SKETCH_RANGE } from '../../src/query/sketch.js';

describe('DurationSketch', () => {
  describe('add()', () => {
    it('holds at most ~2,900 bins (~23 KB) when durations span 1e-300 to 1e300', () => {
      const sketch = new DurationSketch();
      for (const value of [1e-300, 1e300, 5e-324, Number.MAX_VALUE, 0.001, 0]) sketch.add(value);
      // Before the clamp: ~70,000 bins, 560 KB, for one group.
      expect(sketch.binCount).to.be.at.most(2900);
      expect(sketch.count).to.equal(6);
      expect(sketch.quantile(0)).to.equal(0);
      expect(sketch.quantile(1)).to.be.closeTo(SKETCH_RANGE.max, SKETCH_RANGE.max * 0.01);
    });

    it('keeps percentiles within 1% for values inside SKETCH_RANGE', () => {
      fc.assert(fc.property(fc.array(fc.double({ min: SKETCH_RANGE.min, max: SKETCH_RANGE.max, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
          const sketch = new DurationSketch();
          for (const value of values) sketch.add(value);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
          expect(sketch.quantile(q)).to.be.closeTo(exact, exact * 0.01 + 1e-300);
          expect(sketch.binCount).to.be.at.most(2900);
        }));
    });
  });
});
