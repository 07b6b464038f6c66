/**
 * The record path's number text, without V8's double-to-text conversion where it can: that conversion is fast in a
 * tight loop (about 0.1 µs) but costs about 1 µs where records are written between other work, as an LLM call's
 * record is (its code and tables are then out of the CPU's caches). Durations measured by perflog are whole
 * nanoseconds (`secondsBetween`), so their text is built from integers; the text is always exactly `String(x)`.
 */

/** "000" to "999", and the same without trailing zeros ("1" for 100, "" for 0). */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const THREE_DIGITS_TRIMMED = THREE_DIGITS.map((digits) => digits.replace(/0+$/, ''));

/**
 * `String(x)`, for any number: integers and values outside the fast path take `String`. The fast
 * path covers whole nanoseconds from 1e-6 up to 1e6, where `String` prints the same digits in plain notation: no
 * other decimal of at most nine places maps to the same double there, so the shortest text is this one.
 */
export function numberText(x: number): string {
  if (!(x >= 1e-6 && x < 1e6) || Number.isInteger(x)) return `${x}`;
  const nanos = Math.round(x * 1e9);
  if (nanos / 1e9 !== x) return `${x}`;
  const whole = Math.floor(x);
  const fraction = nanos - whole * 1e9;
  const millis = Math.floor(fraction / 1e6);
  const micros = Math.floor(fraction / 1e3) % 1000;
  const rest = fraction % 1000;
  if (rest !== 0) return `${whole}.${THREE_DIGITS[millis]!}${THREE_DIGITS[micros]!}${THREE_DIGITS_TRIMMED[rest]!}`;
  if (micros !== 0) return `${whole}.${THREE_DIGITS[millis]!}${THREE_DIGITS_TRIMMED[micros]!}`;
  return `${whole}.${THREE_DIGITS_TRIMMED[millis]!}`;
}

/** Below this many ms (the year 2223), doubles lie far closer than 0.001 s: `ms / 1000` prints its 3 decimals. */
const PLAIN_MILLIS_LIMIT = 8e12;

/** `String(ms / 1000)` for any number; built from integers for whole epoch milliseconds (`Date.now()`): the `timestamp`. */
export function epochSecondsText(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= PLAIN_MILLIS_LIMIT) return `${ms / 1000}`;
  const whole = Math.floor(ms / 1000);
  const fraction = ms - whole * 1000;
  return fraction === 0 ? `${whole}` : `${whole}.${THREE_DIGITS_TRIMMED[fraction]!}`;
}

/**
 * Seconds from `startMs` to `endMs` (both in ms on one monotonic clock: `performance.now()`, `monotonicMs()`), rounded
 * to whole nanoseconds: finer than the clock, and `numberText` then prints it without the double conversion.
 */
export function secondsBetween(startMs: number, endMs: number): number {
  return Math.round((endMs - startMs) * 1e6) / 1e9;
}
