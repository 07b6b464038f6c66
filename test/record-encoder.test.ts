import { expect } from 'chai';
import fc from 'fast-check';
import { encodeAttributes, encodeString, reservedFields } from '../src/record-encoder.js';

describe('record-encoder', () => {
  describe('encodeString()', () => {
    it('round-trips any string through JSON.parse and never emits a raw line terminator', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), (value) => {
        const encoded = encodeString(value);
        expect(encoded).not.to.match(/[\n\r\u2028\u2029]/);
        const decoded = JSON.parse(encoded) as string;
        // lone surrogates survive as the same code units
        expect(decoded).to.equal(value);
      }), { numRuns: 2000 });
    });

    it('escapes quotes, backslashes, control characters, U+2028/U+2029 and lone surrogates', () => {
      expect(encodeString('plain')).to.equal('"plain"');
      expect(encodeString('a"b\\c\n\u0001')).to.equal('"a\\"b\\\\c\\n\\u0001"');
      expect(encodeString('\u2028\u2029')).to.equal('"\\u2028\\u2029"');
      expect(encodeString('\ud800x')).to.equal('"\\ud800x"');
      expect(encodeString('😀')).to.equal('"😀"');
    });
  });

  describe('encodeAttributes()', () => {
    const reserved = reservedFields(['model']);

    it('encodes string, finite number and boolean values in insertion order and leaves out undefined and null', () => {
      const encoded = encodeAttributes({ b: 'x', a: 1.5, c: false, d: undefined, e: null }, reserved);
      expect(encoded).to.equal(',"b":"x","a":1.5,"c":false');
    });

    it('refuses NaN, Infinity, objects, bigints and reserved names', () => {
      for (const bad of [{ n: Number.NaN }, { n: Infinity }, { o: {} }, { b: 1n }, { success: true }, { model: 'x' }, { timestamp: 1 }]) {
        expect(encodeAttributes(bad as never, reserved), JSON.stringify(Object.keys(bad))).to.have.property('reason');
      }
    });

    it('returns the key, reason and value of the first bad attribute', () => {
      expect(encodeAttributes({ ok: 1, n: Number.NaN }, reserved)).to.deep.equal({ key: 'n', reason: 'out_of_range', value: Number.NaN });
      expect(encodeAttributes({ model: 'x' }, reserved)).to.deep.equal({ key: 'model', reason: 'reserved_attribute', value: 'x' });
      expect(encodeAttributes({ o: [1] } as never, reserved)).to.deep.include({ key: 'o', reason: 'invalid_type' });
    });

    it('lifts success and error into the object given, and collects the written pairs', () => {
      const lifted = { success: undefined, error: undefined };
      const pairs: Array<string | number | boolean> = [];
      expect(encodeAttributes({ a: 1, success: false, error: 'E', b: 'x' }, reserved, lifted, pairs)).to.equal(',"a":1,"b":"x"');
      expect(lifted).to.deep.equal({ success: false, error: 'E' });
      expect(pairs).to.deep.equal(['a', 1, 'b', 'x']);
    });

    it('treats an own "__proto__" key as a plain field', () => {
      const attributes = JSON.parse('{"__proto__":"x","ok":1}') as Record<string, string>;
      const encoded = encodeAttributes(attributes, reserved) as string;
      expect(JSON.parse(`{${encoded.slice(1)}}`)).to.deep.equal(attributes);
    });
  });
});
