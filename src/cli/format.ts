/**
 * Human units for tables and the report: durations in µs/ms/s, bytes in KB/MB/GB, counts with thousands separators.
 * @internal
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234567` -> `"1,234,567"`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** Seconds as `"850 µs"`, `"49.3 ms"`, `"2.10 s"`; `null` as `"-"`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds === 0) return '0';
  if (seconds < 1e-3) return `${(seconds * 1e6).toPrecision(3).replace(/\.?0+$/, '')} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
  if (seconds < 120) return `${seconds.toFixed(2)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

/** Bytes as `"512 B"`, `"1.5 KB"`, `"30.9 MB"` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A fraction as a percentage: `0.9912` -> `"99.1%"`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Renders rows as an aligned text table: text columns left-aligned, the `numeric` ones right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells
    .map((cell, i) => (numeric[i] === true ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
