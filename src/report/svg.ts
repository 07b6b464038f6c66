/**
 * Hand-written inline SVG charts for the report. Chosen over inlining a charting library: a few hundred lines give
 * the line and bar charts the report needs, render without JavaScript (so the file reads in any browser, a mail
 * client's preview or with scripts blocked), weigh a few KB instead of 200+, and take their colours from CSS
 * variables, so light and dark schemes follow `prefers-color-scheme`. Tooltips are SVG `<title>`s.
 * @internal
 */

// Bidirectional controls reorder the text around them (U+202E shows "exe.txt" for "txt.exe"): shown as their code.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes text for HTML and SVG content and attributes; bidirectional control characters (U+202A-U+202E,
 * U+2066-U+2069, U+200E/F, U+061C) are replaced by their visible code (`<U+202E>`, escaped), so no text read from a
 * file can reorder what the page shows.
 */
export function escapeHtml(text: string): string {
  return text.replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line of a line chart: `null` y values leave a gap. */
export interface Series {
  name: string;
  /** A CSS colour, e.g. `var(--c1)`. */
  color: string;
  points: readonly (readonly [number, number | null])[];
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  series: readonly Series[];
  /** Formats x values (epoch seconds) for the axis. */
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  width?: number;
  height?: number;
}

const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

/** "Nice" tick values covering [0, max]. */
function ticks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001 + step; v += step) { out.push(v); if (v >= max) break; }
  return out;
}

/**
 * A line chart with a linear y axis from 0, x ticks, a legend and point tooltips. When the series hold one point in
 * time (or none), there is no line to draw: the chart is shown as its values.
 */
export function lineChart(options: LineChartOptions): string {
  const times = new Set(options.series.flatMap((s) => s.points.filter((p) => p[1] !== null).map((p) => p[0])));
  if (times.size <= 1) return valueFigure(options);
  const width = options.width ?? 560;
  const height = options.height ?? 220;
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null));
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const yTicks = ticks(Math.max(...ys, 0));
  const maxY = yTicks[yTicks.length - 1]! || 1;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + (maxX === minX ? plotW / 2 : ((x - minX) / (maxX - minX)) * plotW);
  const sy = (y: number): number => PAD.top + plotH - (y / maxY) * plotH;
  const parts: string[] = [];
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(options.formatY(t))}</text>`);
  }
  const xTickCount = Math.min(5, new Set(xs).size);
  for (let i = 0; i < xTickCount; i++) {
    const x = xTickCount === 1 ? minX : minX + ((maxX - minX) * i) / (xTickCount - 1);
    const anchor = i === 0 && xTickCount > 1 ? 'start' : i === xTickCount - 1 && xTickCount > 1 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${sx(x).toFixed(1)}" y="${height - 8}" text-anchor="${anchor}">${escapeHtml(options.formatX(x))}</text>`);
  }
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${width - PAD.right}" y1="${sy(0).toFixed(1)}" y2="${sy(0).toFixed(1)}"/>`);
  for (const s of options.series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      pen = true;
    }
    if (d === '') continue;
    const dash = s.dashed === true ? ' stroke-dasharray="5 3"' : '';
    parts.push(`<path class="line" d="${d}" stroke="${s.color}"${dash}><title>${escapeHtml(s.name)}</title></path>`);
    for (const [x, y] of s.points) {
      if (y === null) continue;
      parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${s.color}">`
        + `<title>${escapeHtml(`${s.name} ${options.formatX(x)}: ${options.formatY(y)}`)}</title></circle>`);
    }
  }
  return figure(options.title, width, height, parts.join(''), legend(options.series));
}

/** One bar of a horizontal bar chart, split in stacked segments. */
export interface Bar {
  label: string;
  segments: readonly { value: number; color: string; name: string }[];
}

/** A horizontal stacked bar chart (tokens per model, per provider). */
export function barChart(title: string, bars: readonly Bar[], formatValue: (v: number) => string, width = 560): string {
  const rowH = 26;
  const labelW = 150;
  const valueW = 90;
  const height = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.segments.reduce((sum, s) => sum + s.value, 0)));
  const plotW = width - labelW - valueW;
  const parts: string[] = [];
  bars.forEach((bar, i) => {
    const y = 4 + i * rowH;
    const label = bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label;
    parts.push(`<text class="label" x="${labelW - 8}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="middle">${escapeHtml(label)}`
      + `<title>${escapeHtml(bar.label)}</title></text>`);
    let x = labelW;
    let total = 0;
    for (const s of bar.segments) {
      const w = (s.value / max) * plotW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 4}" width="${Math.max(0, w).toFixed(1)}" height="${rowH - 8}" fill="${s.color}">`
        + `<title>${escapeHtml(`${bar.label} ${s.name}: ${formatValue(s.value)}`)}</title></rect>`);
      x += w;
      total += s.value;
    }
    parts.push(`<text class="tick" x="${(x + 6).toFixed(1)}" y="${y + rowH / 2}" dominant-baseline="middle">${escapeHtml(formatValue(total))}</text>`);
  });
  const names = bars[0]?.segments.map((s) => ({ name: s.name, color: s.color })) ?? [];
  return figure(title, width, height, parts.join(''), legend(names));
}

function valueFigure(options: LineChartOptions): string {
  const values = options.series.flatMap((s) => s.points.filter((p) => p[1] !== null)
    .map(([x, y]) => `<li><span class="muted">${escapeHtml(s.name)} · ${escapeHtml(options.formatX(x))}</span><b>${escapeHtml(options.formatY(y!))}</b></li>`));
  const body = values.length === 0 ? '<p class="muted">No data.</p>' : `<ul class="values">${values.join('')}</ul>`;
  return `<figure class="chart single"><figcaption>${escapeHtml(options.title)}</figcaption>${body}</figure>`;
}

function legend(items: readonly { name: string; color: string; dashed?: boolean }[]): string {
  return `<ul class="legend">${items.map((s) => `<li><span class="swatch${s.dashed === true ? ' dashed' : ''}" style="--swatch:${s.color}"></span>${escapeHtml(s.name)}</li>`).join('')}</ul>`;
}

function figure(title: string, width: number, height: number, body: string, legendHtml: string): string {
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>`
    + `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`
    + `${legendHtml}</figure>`;
}
