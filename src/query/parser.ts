/**
 * Parses metric lines straight from Buffer bytes. `tokenizeLine` is a strict tokenizer for the flat objects perflog
 * writes (string, number, boolean and null values); it never accepts a line `JSON.parse` would reject, and it never
 * produces a value `JSON.parse` would not: anything else (nesting, odd numbers) makes it give up, and the caller
 * falls back to `JSON.parse`. No allocation per line unless a value is read.
 * @internal
 */

/**
 * The range of `timestamp` values a record may have: epoch seconds from 1970 to the end of year 9999. A line
 * outside it (milliseconds or microseconds written as seconds, `1e300`, a negative time) is a bad line.
 */
export const TIMESTAMP_RANGE = Object.freeze({ min: 0, max: 253402300799.999 });

/** Kinds of value the tokenizer reports (`tokens.kind`). */
export const KIND_ASCII = 1;
export const KIND_UTF8 = 2;
export const KIND_ESCAPED = 3;
export const KIND_NUMBER = 4;
export const KIND_TRUE = 5;
export const KIND_FALSE = 6;
export const KIND_NULL = 7;
/** A number with more than 15 significant digits: `tokens.number` is within a few ulps; `tokenValue` is exact. */
export const KIND_NUMBER_APPROX = 8;

/** Most fields a line may have on the fast path; more falls back to `JSON.parse`. */
const MAX_FIELDS = 64;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22];
// Escapes JSON allows after a backslash: " \ / b f n r t u.
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPES[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Token positions of the last line `tokenizeLine` accepted; reused from line to line. */
export const tokens = {
  count: 0,
  keyStart: new Int32Array(MAX_FIELDS),
  keyEnd: new Int32Array(MAX_FIELDS),
  /** A cheap hash of the key bytes (`keyHash`), or -1 when the key has escapes (decode it to compare). */
  keyHash: new Int32Array(MAX_FIELDS),
  kind: new Uint8Array(MAX_FIELDS),
  valueStart: new Int32Array(MAX_FIELDS),
  valueEnd: new Int32Array(MAX_FIELDS),
  /** The value of a `KIND_NUMBER` token (exact), or of a `KIND_NUMBER_APPROX` one (close; NaN with an exponent). */
  number: new Float64Array(MAX_FIELDS),
  /** Where the object and the spaces after it end. */
  end: 0,
};

// Byte classes inside a string: 0 plain ASCII, 1 quote, 2 backslash, 3 control (invalid; `\n` among them), 4 non-ASCII.
const STRING_CLASS = new Uint8Array(256);
for (let c = 0; c < 32; c++) STRING_CLASS[c] = 3;
STRING_CLASS[34] = 1;
STRING_CLASS[92] = 2;
for (let c = 128; c < 256; c++) STRING_CLASS[c] = 4;

// Scans the rest of a string from `p` (after its opening quote) to its closing quote; returns the index of that
// quote, or -1 when the string is not valid JSON. `flags` gets 1 for non-ASCII bytes, 2 for escapes.
let flags = 0;
function scanString(buf: Buffer, p: number, end: number): number {
  let f = 0;
  for (;;) {
    let cls: number | undefined;
    while ((cls = STRING_CLASS[buf[p]!]) === 0) p++;
    if (p >= end) return -1;
    if (cls === 1) { flags = f; return p; }
    if (cls === 4) { f |= 1; p++; continue; }
    if (cls !== 2) return -1;
    f |= 2;
    const e = buf[p + 1]!;
    if (p + 1 >= end || ESCAPES[e] !== 1) return -1;
    if (e === 117) {
      if (p + 6 > end || HEX[buf[p + 2]!] !== 1 || HEX[buf[p + 3]!] !== 1 || HEX[buf[p + 4]!] !== 1 || HEX[buf[p + 5]!] !== 1) return -1;
      p += 6;
    } else {
      p += 2;
    }
  }
}

/**
 * Tokenizes the flat JSON object that starts at `buf[start]` (after spaces) and ends before `end` or the next `\n`,
 * into `tokens`; `tokens.end` is where it and the spaces after it end. Returns the number of fields, or -1 when
 * the text is not a flat JSON object of the kind the fast path reads (the caller then tries `JSON.parse`).
 */
export function tokenizeLine(buf: Buffer, start: number, end: number): number {
  // One function, locals only: the per-byte loops are the hot path of `queryMetrics`.
  let p = start;
  let c: number;
  while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
  if (p >= end || buf[p] !== 123) return -1;
  p++;
  while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
  let n = 0;
  if (p < end && buf[p] === 125) {
    p++;
  } else {
    for (;;) {
      if (n === MAX_FIELDS || p >= end || buf[p] !== 34) return -1;
      const keyStart = ++p;
      while ((c = buf[p]!) !== 34 && STRING_CLASS[c] === 0) p++;
      if (p >= end) return -1;
      let hash: number;
      if (c !== 34) {
        p = scanString(buf, keyStart, end);
        if (p < 0) return -1;
        hash = (flags & 2) !== 0 ? -1 : keyHashOf(buf, keyStart, p);
      } else {
        hash = keyHashOf(buf, keyStart, p);
      }
      tokens.keyStart[n] = keyStart;
      tokens.keyEnd[n] = p;
      tokens.keyHash[n] = hash;
      p++;
      while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
      if (p >= end || buf[p] !== 58) return -1;
      p++;
      while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
      if (p >= end) return -1;
      c = buf[p]!;
      if (c === 34) {
        tokens.valueStart[n] = ++p;
        while (STRING_CLASS[buf[p]!] === 0) p++;
        let kind = KIND_ASCII;
        if (buf[p] !== 34 || p >= end) {
          p = scanString(buf, p, end);
          if (p < 0) return -1;
          kind = (flags & 2) !== 0 ? KIND_ESCAPED : (flags & 1) !== 0 ? KIND_UTF8 : KIND_ASCII;
        }
        tokens.valueEnd[n] = p++;
        tokens.kind[n] = kind;
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; exact when <= 15 significant digits and no exponent.
        tokens.valueStart[n] = p;
        let negative = false;
        if (c === 45) { negative = true; c = ++p < end ? buf[p]! : -1; }
        let mantissa = 0;
        let digits = 0;
        if (c === 48) {
          p++;
          if (p < end && (c = buf[p]!) >= 48 && c <= 57) return -1;
        } else if (c >= 49 && c <= 57) {
          while (p < end && (c = buf[p]!) >= 48 && c <= 57) { mantissa = mantissa * 10 + (c - 48); digits++; p++; }
        } else {
          return -1;
        }
        let fraction = 0;
        if (p < end && buf[p] === 46) {
          const fractionStart = ++p;
          while (p < end && (c = buf[p]!) >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            if (mantissa !== 0) digits++;
            p++;
          }
          fraction = p - fractionStart;
          if (fraction === 0) return -1;
        }
        let kind = KIND_NUMBER;
        let value: number;
        if (p < end && ((c = buf[p]!) === 101 || c === 69)) {
          p++;
          if (p < end && ((c = buf[p]!) === 43 || c === 45)) p++;
          const expStart = p;
          while (p < end && (c = buf[p]!) >= 48 && c <= 57) p++;
          if (p === expStart) return -1;
          kind = KIND_NUMBER_APPROX;
          value = NaN;
        } else {
          // One correctly rounded division of two exact doubles: exact when the digits fit in 2^53 and 10^fraction is exact.
          if (digits > 15 || fraction > 22) kind = KIND_NUMBER_APPROX;
          value = fraction === 0 ? mantissa : mantissa / (fraction <= 22 ? POW10[fraction]! : 10 ** fraction);
          if (negative) value = -value;
        }
        tokens.valueEnd[n] = p;
        tokens.number[n] = value;
        tokens.kind[n] = kind;
      } else if (c === 116 && p + 4 <= end && buf[p + 1] === 114 && buf[p + 2] === 117 && buf[p + 3] === 101) {
        p += 4;
        tokens.kind[n] = KIND_TRUE;
      } else if (c === 102 && p + 5 <= end && buf[p + 1] === 97 && buf[p + 2] === 108 && buf[p + 3] === 115 && buf[p + 4] === 101) {
        p += 5;
        tokens.kind[n] = KIND_FALSE;
      } else if (c === 110 && p + 4 <= end && buf[p + 1] === 117 && buf[p + 2] === 108 && buf[p + 3] === 108) {
        p += 4;
        tokens.kind[n] = KIND_NULL;
      } else {
        return -1;
      }
      n++;
      while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
      if (p >= end) return -1;
      c = buf[p++]!;
      if (c === 125) break;
      if (c !== 44) return -1;
      while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
    }
  }
  while (p < end && ((c = buf[p]!) === 32 || c === 9 || c === 13)) p++;
  tokens.end = p;
  tokens.count = n;
  return n;
}

// Length, first and last byte: O(1), and distinct for the few names a query looks up; the caller compares bytes.
function keyHashOf(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  return length === 0 ? 0 : (length * 961 + buf[start]! * 31 + buf[end - 1]!) & 0x7fffffff;
}

/** The value of token `i` of the last tokenized line, as `JSON.parse` would give it. */
export function tokenValue(buf: Buffer, i: number): string | number | boolean | null {
  switch (tokens.kind[i]) {
    case KIND_ASCII: return buf.toString('latin1', tokens.valueStart[i], tokens.valueEnd[i]);
    case KIND_UTF8: return buf.toString('utf8', tokens.valueStart[i], tokens.valueEnd[i]);
    case KIND_ESCAPED: return JSON.parse(buf.toString('utf8', tokens.valueStart[i]! - 1, tokens.valueEnd[i]! + 1)) as string;
    case KIND_NUMBER: return tokens.number[i]!;
    case KIND_NUMBER_APPROX: return Number(buf.toString('latin1', tokens.valueStart[i], tokens.valueEnd[i]));
    case KIND_TRUE: return true;
    case KIND_FALSE: return false;
    default: return null;
  }
}

/** The key of token `i` of the last tokenized line. */
export function tokenKey(buf: Buffer, i: number): string {
  const start = tokens.keyStart[i]!;
  const end = tokens.keyEnd[i]!;
  if (tokens.keyHash[i] !== -1) return buf.toString('utf8', start, end);
  return JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string;
}

/** Hash of a key as `tokenizeLine` computes it (for keys without escapes). */
export function keyHash(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  return keyHashOf(bytes, 0, bytes.length);
}

/** One parsed line: a flat JSON object. Values of lines read through the `JSON.parse` fallback may be anything. */
export type ParsedLine = Record<string, unknown>;

/**
 * Parses one line on the fast path only: the object `JSON.parse` would build, or `undefined` when the fast path
 * does not take the line (which does not mean it is invalid). `__proto__` becomes an own key, as with `JSON.parse`.
 */
export function parseLineFast(buf: Buffer, start: number, end: number): ParsedLine | undefined {
  const n = tokenizeLine(buf, start, end);
  if (n < 0 || tokens.end !== end) return undefined;
  const record: ParsedLine = {};
  for (let i = 0; i < n; i++) {
    const key = tokenKey(buf, i);
    const value = tokenValue(buf, i);
    if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
    else record[key] = value;
  }
  return record;
}

/** Parses one line: the fast path, else `JSON.parse`; `undefined` when the line is not a JSON object. */
export function parseLine(buf: Buffer, start: number, end: number): ParsedLine | undefined {
  const fast = parseLineFast(buf, start, end);
  if (fast !== undefined) return fast;
  try {
    const value: unknown = JSON.parse(buf.toString('utf8', start, end));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as ParsedLine : undefined;
  } catch {
    return undefined;
  }
}
