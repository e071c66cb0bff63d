import type { UsageRecord } from './api';
import { stackedBars, type Series } from './charts';
import { card, h, table } from './dom';
import { colorFor, tokens, usd } from './format';

export interface Range { id: string; label: string; seconds: number; bucket: number }

export const RANGES: Range[] = [
  { id: '1h', label: 'Last hour', seconds: 3600, bucket: 300 },
  { id: '24h', label: 'Last 24 hours', seconds: 86400, bucket: 3600 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 86400, bucket: 6 * 3600 },
  { id: '30d', label: 'Last 30 days', seconds: 30 * 86400, bucket: 86400 },
];

/** The first second of the oldest bucket shown for a range. */
export function rangeStart(r: Range, nowSeconds = Math.floor(Date.now() / 1000)): number {
  const end = Math.floor(nowSeconds / r.bucket) * r.bucket + r.bucket;
  return end - Math.ceil(r.seconds / r.bucket) * r.bucket;
}

interface ModelTotals { model: string; requests: number; prompt: number; completion: number; total: number; cost: number; charged: number }

/** Usage over time by model (tokens and cost) as stacked bars, and the totals per model. */
export function usageReport(records: UsageRecord[], r: Range): HTMLElement {
  const start = rangeStart(r);
  const n = Math.ceil(r.seconds / r.bucket);
  const labels = Array.from({ length: n }, (_, i) => bucketLabel(start + i * r.bucket, r));
  const byModel = new Map<string, ModelTotals>();
  const tokenSeries = new Map<string, number[]>();
  const costSeries = new Map<string, number[]>();
  for (const rec of records) {
    const i = Math.floor((rec.created_at - start) / r.bucket);
    if (i < 0 || i >= n) continue;
    const t = byModel.get(rec.model) ?? { model: rec.model, requests: 0, prompt: 0, completion: 0, total: 0, cost: 0, charged: 0 };
    t.requests++;
    t.prompt += rec.prompt_tokens;
    t.completion += rec.completion_tokens;
    t.total += rec.total_tokens;
    t.cost += rec.cost_micros;
    t.charged += rec.charged_micros;
    byModel.set(rec.model, t);
    bump(tokenSeries, rec.model, n, i, rec.total_tokens);
    bump(costSeries, rec.model, n, i, rec.cost_micros);
  }
  const models = [...byModel.values()].sort((a, b) => b.total - a.total);
  const series = (m: Map<string, number[]>): Series[] =>
    models.map((t) => ({ name: t.model, color: colorFor(t.model), values: m.get(t.model)! }));
  const sum = (f: (t: ModelTotals) => number) => models.reduce((a, t) => a + f(t), 0);
  return h('div', { class: 'stack' },
    h('div', { class: 'stats' },
      statBox('Requests', String(sum((t) => t.requests))),
      statBox('Tokens', tokens(sum((t) => t.total))),
      statBox('Cost', usd(sum((t) => t.cost))),
      statBox('Charged', usd(sum((t) => t.charged)))),
    h('div', { class: 'grid2' },
      card('Tokens by model', stackedBars({ labels, series: series(tokenSeries), format: (v) => tokens(Math.round(v)), integers: true, testid: 'chart-tokens' })),
      card('Cost by model', stackedBars({ labels, series: series(costSeries), format: (v) => usd(v), testid: 'chart-cost' }))),
    card('By model', table(['Model', 'Requests', 'Prompt tokens', 'Completion tokens', 'Total tokens', 'Cost', 'Charged'],
      models.map((t) => h('tr', { 'data-testid': 'usage-row', 'data-model': t.model },
        h('td', null, h('i', { class: 'swatch', style: { background: colorFor(t.model) } }), t.model),
        h('td', { class: 'num' }, String(t.requests)),
        h('td', { class: 'num' }, tokens(t.prompt)),
        h('td', { class: 'num' }, tokens(t.completion)),
        h('td', { class: 'num' }, tokens(t.total)),
        h('td', { class: 'num' }, usd(t.cost, 6)),
        h('td', { class: 'num' }, usd(t.charged, 6)))),
      'No usage in this range.')));
}

function bump(m: Map<string, number[]>, key: string, n: number, i: number, v: number) {
  let arr = m.get(key);
  if (!arr) m.set(key, (arr = new Array<number>(n).fill(0)));
  arr[i] += v;
}

function statBox(label: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('span', null, label), h('strong', null, value));
}

function bucketLabel(seconds: number, r: Range): string {
  const d = new Date(seconds * 1000);
  if (r.bucket >= 86400) return d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
  if (r.bucket >= 6 * 3600) return d.toLocaleString('en-GB', { day: '2-digit', month: 'short', hour: '2-digit' });
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function rangeSelect(current: Range, onChange: (r: Range) => void): HTMLSelectElement {
  const sel = h('select', { 'data-testid': 'usage-range', onchange: () => onChange(RANGES.find((r) => r.id === sel.value)!) },
    RANGES.map((r) => h('option', { value: r.id, selected: r.id === current.id }, r.label)));
  return sel;
}
