import { expect } from 'chai';
import fc from 'fast-check';
import { RateLimit } from '../src/rate-limit.js';

describe('RateLimit', () => {
  it('lets the first event through, holds back and counts the rest of the interval', () => {
    const limit = new RateLimit(3_600_000); // an hour: no second event can pass during the test
    expect(limit.allows()).to.equal(true);
    for (let i = 0; i < 5; i++) expect(limit.allows()).to.equal(false);
    expect(limit.takeSuppressed()).to.equal(5);
    expect(limit.takeSuppressed()).to.equal(0);
  });

  it('lets every event through with a zero interval, holding back none', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), (events) => {
      const limit = new RateLimit(0);
      for (let i = 0; i < events; i++) expect(limit.allows()).to.equal(true);
      expect(limit.takeSuppressed()).to.equal(0);
    }));
  });
});
