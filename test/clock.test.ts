import { expect } from 'chai';
import { monotonicMs } from '../src/clock.js';

describe('monotonicMs()', () => {
  it('runs with performance.now(): the time between two reads lies within the performance.now() readings around them', () => {
    // each monotonicMs() read is bracketed by two performance.now() reads: no assumption about the machine's speed
    const before1 = performance.now();
    const first = monotonicMs();
    const after1 = performance.now();
    let spin = 0;
    for (let i = 0; i < 1e6; i++) spin += i;
    const before2 = performance.now();
    const second = monotonicMs();
    const after2 = performance.now();
    expect(spin).to.be.above(0);
    const elapsed = second - first;
    // 1 µs of slack for the two clocks' own rounding
    expect(elapsed).to.be.within(before2 - after1 - 0.001, after2 - before1 + 0.001);
    expect(elapsed).to.be.above(0);
  });

  it('never goes backwards across many reads', () => {
    let last = monotonicMs();
    for (let i = 0; i < 10_000; i++) {
      const now = monotonicMs();
      expect(now).to.be.at.least(last);
      last = now;
    }
  });
});
