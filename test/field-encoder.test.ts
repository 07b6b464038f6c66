import { expect } from 'chai';
import fc from 'fast-check';
import { FieldEncoder } from '../src/field-encoder.js';
import type { FieldValue } from '../src/field-encoder.js';

/** What `encode` must give: each defined value as `,"name":<JSON>`, in the order of the names. */
function reference(names: readonly string[], values: readonly FieldValue[]): string {
  return values.map((value, i) => (value === undefined ? '' : `,${JSON.stringify(names[i])}:${JSON.stringify(value)}`)).join('');
}

describe('FieldEncoder', () => {
  it('encodes each defined value as ,"name":value in the order of the names, leaving undefined ones out', () => {
    const encoder = new FieldEncoder(['model', 'tokens', 'stream', 'ttft']);
    expect(encoder.encode(['gpt "4"', 12, true, undefined])).to.equal(',"model":"gpt \\"4\\"","tokens":12,"stream":true');
    expect(encoder.encode([undefined, 0, undefined, 0.25])).to.equal(',"tokens":0,"ttft":0.25');
  });

  it('property: a run of records, values repeating or changing type from one record to the next, encodes as JSON does', () => {
    const names = ['model', 'provider', 'prompt_tokens', 'duration'];
    // few distinct values, so that most records repeat a slot's last value (the cached text) and some change it
    const value = fc.oneof(
      fc.constantFrom<FieldValue>(undefined, 0, -0, 1, 1.5, 'a', 'é"\n', '', true, false),
      fc.integer({ min: 0, max: 3 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    fc.assert(fc.property(fc.array(fc.array(value, { minLength: 4, maxLength: 4 }), { maxLength: 30 }), (records) => {
      const encoder = new FieldEncoder(names);
      for (const values of records) expect(encoder.encode(values)).to.equal(reference(names, values));
    }), { numRuns: 300 });
  });
});
