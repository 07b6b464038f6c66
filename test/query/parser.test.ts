import { expect } from 'chai';
import fc from 'fast-check';
import { encodeString } from '../../src/record-encoder.js';
import { KIND_NUMBER, parseLine, parseLineFast, tokenValue, tokenizeLine, tokens } from '../../src/query/parser.js';

/** A line as `ModuleMetricWriter` writes it: keys in order, numbers as JS prints them, strings escaped by the encoder. */
function writeLine(fields: readonly (readonly [string, string | number | boolean])[]): string {
  return `{${fields.map(([key, value]) => `${encodeString(key)}:${typeof value === 'string' ? encodeString(value) : String(value)}`).join(',')}}`;
}

const BASE_KEYS = new Set(['timestamp', 'metric_type', 'operation', 'duration', 'value', 'size', 'success', 'module', 'error', 'trace_id', 'span_id']);
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }),
  fc.constantFrom('__proto__', 'constructor', 'a"b\\c', '\u2028\u2029', '\ud800', 'é', '\u0000\u001f'));
const anyNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.nat(),
  fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, -0, 1e21, 1e-7, 123456789012345680000, 5e-324));
const anyValue = fc.oneof(anyString, anyNumber, fc.boolean());
const perflogLine = fc.tuple(
  fc.double({ min: 1e9, max: 2e9, noNaN: true }), fc.constantFrom('timer', 'counter', 'gauge'), anyString,
  fc.double({ min: 0, max: 1e4, noNaN: true }), fc.boolean(), anyString,
  // Attributes as perflog writes them: unique keys, none of the record's own (the encoder refuses those).
  fc.uniqueArray(fc.tuple(anyString, anyValue), { maxLength: 12, selector: ([key]) => key })
    .map((attributes) => attributes.filter(([key]) => !BASE_KEYS.has(key))),
).map(([timestamp, metricType, operation, duration, success, module, attributes]) => {
  const fields: [string, string | number | boolean][] = [
    ['timestamp', timestamp], ['metric_type', metricType], ['operation', operation], ['duration', duration],
    ['success', success], ['module', module], ...attributes,
  ];
  // The oracle is what was written, not JSON.parse: V8's JSON.parse, in a warm process, has been seen to mishandle
  // lone-surrogate keys. Numbers are expected as their printed text reads back (-0 prints as 0).
  const expected = Object.fromEntries(fields.map(([key, value]) => [key, typeof value === 'number' ? Number(String(value)) : value]));
  return { line: writeLine(fields), expected };
});
const perflogText = perflogLine.map(({ line }) => line);

function parseFast(line: string): Record<string, unknown> | undefined {
  const buf = Buffer.from(line, 'utf8');
  return parseLineFast(buf, 0, buf.length);
}

function jsonParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

describe('parser', () => {
  describe('parseLineFast()', () => {
    it('returns exactly the fields of any line perflog could write (and takes it)', () => {
      fc.assert(fc.property(perflogLine, ({ line, expected }) => {
        const fast = parseFast(line);
        expect(fast).to.not.equal(undefined);
        expect(Object.keys(fast!)).to.deep.equal(Object.keys(expected));
        for (const [key, value] of Object.entries(expected)) expect(Object.is(fast![key], value), JSON.stringify(key)).to.equal(true);
      }), { numRuns: Number(process.env['PERFLOG_FC_RUNS'] ?? 2000) });
    });

    it('on garbage either agrees with JSON.parse or falls back, never accepts what JSON.parse rejects', () => {
      const mutated = fc.tuple(perflogText, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([line, at, byte, cut]) => {
        const buf = Buffer.from(line, 'utf8');
        const i = at % buf.length;
        if (cut) return buf.subarray(0, i);
        buf[i] = byte;
        return buf;
      });
      const garbage = fc.oneof(mutated, fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
        fc.string().map((s) => Buffer.from(`{"a":${s}}`)), fc.json().map((s) => Buffer.from(s)),
        fc.constantFrom(...['{}', ' { } ', '{"a":01}', '{"a":1.}', '{"a":-}', '{"a":.5}', '{"a":1e}', '{"a":tru}', '{"a":"\\x"}',
          '{"a":"\\u12"}', '{"a":1,}', '{,}', '{"a" 1}', '{"a":1}x', '{"a":[1]}', '{"a":{"b":1}}', '{"a":"\t"}', '{"a":1e400}',
          '{"a":-0.0}', '{"a":0.30000000000000004}', '{"a":1E+2}'].map((s) => Buffer.from(s))));
      fc.assert(fc.property(garbage, (buf) => {
        const fast = parseLineFast(buf, 0, buf.length);
        if (fast !== undefined) expect(fast).to.deep.equal(jsonParse(buf.toString('utf8')));
      }), { numRuns: 5000 });
    });

    it('keeps "__proto__" an own key and leaves the prototype alone', () => {
      const record = parseFast('{"__proto__":{"polluted":1}}') ?? parseLine(Buffer.from('{"__proto__":{"polluted":1}}'), 0, 28);
      expect(Object.getPrototypeOf(record)).to.equal(Object.prototype);
      const flat = parseFast('{"__proto__":"x","a":1}')!;
      expect(Object.hasOwn(flat, '__proto__')).to.equal(true);
      expect(Object.getPrototypeOf(flat)).to.equal(Object.prototype);
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    });
  });

  describe('tokenizeLine()', () => {
    it('reads numbers exactly as JSON.parse does', () => {
      fc.assert(fc.property(anyNumber, (value) => {
        const buf = Buffer.from(`{"n":${String(value)}}`);
        expect(tokenizeLine(buf, 0, buf.length)).to.equal(1);
        expect(Object.is(tokenValue(buf, 0), JSON.parse(String(value)))).to.equal(true);
        if (tokens.kind[0] === KIND_NUMBER) expect(Object.is(tokens.number[0], JSON.parse(String(value)))).to.equal(true);
      }), { numRuns: 5000 });
    });

    it('stops at the end of the line, before the newline', () => {
      const buf = Buffer.from('{"a":1} \n{"b":2}\n');
      expect(tokenizeLine(buf, 0, buf.length)).to.equal(1);
      expect(tokens.end).to.equal(8);
      expect(tokenizeLine(Buffer.from('{"a":"x\ny"}'), 0, 11)).to.equal(-1);
    });
  });

  describe('parseLine()', () => {
    it('falls back to JSON.parse and refuses what is not an object', () => {
      const parse = (text: string): unknown => parseLine(Buffer.from(text), 0, Buffer.byteLength(text));
      expect(parse('{"a":{"b":[1,2]}}')).to.deep.equal({ a: { b: [1, 2] } });
      expect(parse('{"timestamp": 1704110400.0, "module": "checkpoint"}')).to.deep.equal({ timestamp: 1704110400, module: 'checkpoint' });
      for (const text of ['[1]', '42', 'null', '"x"', '', 'garbage', '{"timestamp":1,"metr']) expect(parse(text)).to.equal(undefined);
    });
  });
});
