/**
 * Text tables for the CLI (the unit formatters are the report's, `report/format.ts`).
 * @internal
 */

/** Renders rows as an aligned text table: text columns left-aligned, the `numeric` ones right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells
    .map((cell, i) => (numeric[i] === true ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
