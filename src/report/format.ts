/**
 * Human units for the CLI tables and the report: durations in ns/µs/ms/s/min/h with three significant digits,
 * bytes in B/KB/MB/GB/TB, counts with thousands separators. A value that rounds up to the next unit's size is shown
 * in that unit ("1.00 ms", never "1000 µs").
 * @internal
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234567` -> `"1,234,567"`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** Three significant digits of `value` in [1, 1000) (it may round to 1000), as fixed-point text. */
function threeDigits(value: number): string {
  return value >= 99.95 ? value.toFixed(0) : value >= 9.995 ? value.toFixed(1) : value.toFixed(2);
}

// [seconds per unit, name, the first value too big for the unit]; the last unit takes everything above.
const DURATION_UNITS: readonly (readonly [number, string, number])[] = [
  [1e-9, 'ns', 1000], [1e-6, 'µs', 1000], [1e-3, 'ms', 1000], [1, 's', 120], [60, 'min', 120], [3600, 'h', Infinity],
];

/** Seconds as `"850 µs"`, `"210 µs"`, `"49.3 ms"`, `"2.10 s"`, `"3.50 min"`; `null` as `"-"`; below 1 ns `"<1 ns"`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds === 0) return '0';
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 0.9995e-9) return '<1 ns';
  let unit = 0;
  while (unit < DURATION_UNITS.length - 1 && seconds >= DURATION_UNITS[unit]![2] * DURATION_UNITS[unit]![0]) unit++;
  for (; unit < DURATION_UNITS.length; unit++) {
    const [scale, name, limit] = DURATION_UNITS[unit]!;
    const value = seconds / scale;
    const text = value >= 1e6 ? value.toPrecision(3) : threeDigits(value);
    if (Number(text) < limit) return `${text} ${name}`;
  }
  return `${seconds} s`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Bytes as `"512 B"`, `"1.5 KB"`, `"30.9 MB"` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (unit < BYTE_UNITS.length - 1 && (value >= 1024 || Number(value.toFixed(1)) >= 1024)) { value /= 1024; unit++; }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A fraction as a percentage: `0.9912` -> `"99.1%"`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
