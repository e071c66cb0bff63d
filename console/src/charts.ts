import { h, s } from './dom';

export interface Series { name: string; color: string; values: number[] }

export interface BarChartOptions {
  labels: string[];
  series: Series[];
  format: (n: number) => string;
  testid?: string;
  height?: number;
  /** Label every nth bar; by default about eight labels in all. */
  labelEvery?: number;
  /** The drawing's width in CSS pixels at which its text has its natural size; it scales to its box. */
  width?: number;
  /** Counts: tick steps are whole numbers. */
  integers?: boolean;
}

const LEFT = 64;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 26;

/** Stacked bars, one per label, in plain SVG with a legend and a tooltip per segment. */
export function stackedBars(o: BarChartOptions): HTMLElement {
  const WIDTH = o.width ?? 600;
  const height = o.height ?? 220;
  const totals = o.labels.map((_, i) => o.series.reduce((sum, se) => sum + (se.values[i] ?? 0), 0));
  const ticks = 4;
  const step = niceCeiling(Math.max(0, ...totals) / ticks);
  const max = (o.integers && step > 0 ? Math.max(1, step) : step) * ticks;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = height - TOP - BOTTOM;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'chart', role: 'img', preserveAspectRatio: 'none' });

  for (let t = 0; t <= ticks; t++) {
    const y = TOP + plotH - (plotH * t) / ticks;
    svg.append(s('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, class: t === 0 ? 'axis' : 'grid' }));
    svg.append(s('text', { x: LEFT - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, max === 0 ? (t === 0 ? '0' : '') : o.format((max * t) / ticks)));
  }

  const n = o.labels.length;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(2, Math.min(42, slot * 0.7));
  const every = o.labelEvery ?? Math.max(1, Math.ceil(n / 8));
  o.labels.forEach((label, i) => {
    const x = LEFT + slot * i + (slot - barW) / 2;
    let y = TOP + plotH;
    for (const se of o.series) {
      const v = se.values[i] ?? 0;
      if (v <= 0 || max === 0) continue;
      const bh = (plotH * v) / max;
      y -= bh;
      svg.append(s('rect', { x, y, width: barW, height: Math.max(bh, 0.5), fill: se.color, rx: 1.5 },
        s('title', null, `${label} · ${se.name}: ${o.format(v)}`)));
    }
    if (i % every === 0) {
      svg.append(s('text', { x: LEFT + slot * i + slot / 2, y: height - 8, 'text-anchor': 'middle', class: 'tick' }, label));
    }
  });

  const empty = totals.every((t) => t === 0);
  return h('figure', { class: 'chart-box', 'data-testid': o.testid },
    svg,
    empty ? h('figcaption', { class: 'chart-empty' }, 'No data in this range.') : null,
    h('div', { class: 'legend' }, o.series.map((se) =>
      h('span', { class: 'legend-item' }, h('i', { style: { background: se.color } }), se.name))));
}

/** 1, 2 or 5 times a power of ten, at least n: a tick step that reads well. */
export function niceCeiling(n: number): number {
  if (n <= 0) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(n)));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/** A horizontal bar split into coloured parts, e.g. a batch's completed, failed, running and pending requests. */
export function segmentedBar(parts: { value: number; cls: string; label: string }[], total: number): HTMLElement {
  const bar = h('div', { class: 'segbar', role: 'progressbar' });
  if (total > 0) {
    for (const p of parts) {
      if (p.value <= 0) continue;
      bar.append(h('span', { class: `seg ${p.cls}`, style: { width: `${(100 * p.value) / total}%` }, title: `${p.label}: ${p.value}` }));
    }
  }
  return bar;
}
