import { expect } from 'chai';
import fc from 'fast-check';
import type { PendingCall } from '../src/pending-calls.js';
import { PendingCalls } from '../src/pending-calls.js';

const call = (): PendingCall => ({ settle: () => {}, pendingSlot: -1 });

describe('PendingCalls', () => {
  it('holds exactly what a Set would, for any sequence of adds and deletes, across two lists', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(19), fc.boolean()), { maxLength: 300 }), (steps) => {
      const calls = Array.from({ length: 20 }, call);
      const lists = [new PendingCalls(), new PendingCalls()] as const;
      const models = [new Set<PendingCall>(), new Set<PendingCall>()] as const;
      for (const [isAdd, index, second] of steps) {
        const list = second ? 1 : 0;
        const subject = calls[index]!;
        if (isAdd) {
          // a call lives in one list at a time: a second list leaves it where it is
          if (!models[1 - list]!.has(subject)) models[list].add(subject);
          lists[list].add(subject);
        } else {
          models[list].delete(subject);
          lists[list].delete(subject);
        }
        const indices = (held: Iterable<PendingCall>): number[] => [...held].map((one) => calls.indexOf(one)).sort((a, b) => a - b);
        for (const i of [0, 1]) expect(indices(lists[i]!.snapshot())).to.deep.equal(indices(models[i]!));
      }
    }), { numRuns: 300 });
  });

  it('gives a snapshot that settling (which deletes) cannot disturb', () => {
    const list = new PendingCalls();
    const settled: number[] = [];
    const calls = [0, 1, 2, 3].map((n) => {
      const pending: PendingCall = { settle: () => { settled.push(n); list.delete(pending); }, pendingSlot: -1 };
      list.add(pending);
      return pending;
    });
    for (const pending of list.snapshot()) pending.settle(false);
    expect(settled.sort()).to.deep.equal([0, 1, 2, 3]);
    expect(list.snapshot()).to.deep.equal([]);
    expect(calls.every((pending) => pending.pendingSlot === -1)).to.equal(true);
  });
});
