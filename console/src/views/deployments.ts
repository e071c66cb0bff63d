import { NOT_AVAILABLE, type List, type Model } from '../api';
import { card, h, notAvailable, pill, replace, table } from '../dom';
import { ms } from '../format';
import { stat } from './users';
import type { View } from './view';

type Row = Record<string, unknown>;
const FIRST = ['id', 'name', 'model', 'provider', 'upstream_model', 'healthy', 'health', 'status', 'state', 'circuit'];
const HEALTH_KEYS = new Set(['healthy', 'health', 'status', 'state', 'circuit', 'circuit_state']);

export const deploymentsView: View = {
  id: 'deployments',
  title: 'Deployments',
  async render(ctx) {
    const gatewayBox = h('div', { class: 'stats' });
    const deploymentsBox = h('div');
    const upstreamBox = h('div');
    const modelsBox = h('div');
    replace(ctx.root,
      h('div', { class: 'page-head' }, h('h1', null, 'Deployments'),
        h('p', { class: 'muted' }, 'Gateway health, the upstream deployments behind each model, and how their calls went since start. Refreshed every 5 s.')),
      gatewayBox,
      card('Deployment health', deploymentsBox),
      h('div', { class: 'grid2' }, card('Upstream calls since start', upstreamBox), card('Models', modelsBox)));

    async function load() {
      const [health, ready, metrics, deployments] = await Promise.all([
        fetch('/health').then((r) => r.ok).catch(() => false),
        fetch('/ready').then((r) => r.ok).catch(() => false),
        fetch('/metrics').then((r) => (r.ok ? r.text() : '')).catch(() => ''),
        ctx.api.optional<List<Row> | Row[]>('/admin/v1/deployments'),
      ]);
      const m = parseMetrics(metrics);
      replace(gatewayBox,
        stat('Liveness (/health)', health ? 'ok' : 'down', 'health'),
        stat('Storage (/ready)', ready ? 'ready' : 'unreachable', 'ready'),
        stat('Requests in flight', m.inFlight === null ? '–' : String(m.inFlight)),
        stat('Requests since start', String(m.requests)));
      if (deployments === NOT_AVAILABLE) {
        replace(deploymentsBox, notAvailable('Deployment health', 'This gateway has no GET /admin/v1/deployments; the upstream call counts below come from /metrics.'));
      } else {
        replace(deploymentsBox, genericTable(Array.isArray(deployments) ? deployments : deployments.data));
      }
      replace(upstreamBox, table(['Deployment', 'Calls', 'Errors', 'Mean latency'], [...m.upstream.entries()].map(([name, u]) =>
        h('tr', { 'data-testid': 'upstream-row' },
          h('td', { class: 'mono' }, name),
          h('td', { class: 'num' }, String(u.calls)),
          h('td', { class: 'num' }, u.errors ? pill(String(u.errors), 'bad') : '0'),
          h('td', { class: 'num' }, u.calls ? ms((1000 * u.seconds) / u.calls) : '–'))), 'No upstream calls yet.'));
    }

    const models = (await ctx.api.get<List<Model>>('/v1/models')).data;
    replace(modelsBox, table(['Model', 'Owned by'], models.map((mo) => h('tr', null, h('td', { class: 'mono' }, mo.id), h('td', null, mo.owned_by)))));
    await load();
    ctx.every(5000, load);
  },
};

function genericTable(rows: Row[]): HTMLElement {
  const keys = new Set<string>();
  rows.forEach((r) => Object.keys(r).forEach((k) => keys.add(k)));
  keys.delete('object');
  const cols = [...FIRST.filter((k) => keys.has(k)), ...[...keys].filter((k) => !FIRST.includes(k))];
  return table(cols.map(title), rows.map((r) => h('tr', { 'data-testid': 'deployment-row' }, cols.map((k) => h('td', null, cell(k, r[k]))))),
    'No deployments reported.');
}

function cell(key: string, v: unknown): Node | string {
  if (v === null || v === undefined) return '–';
  if (HEALTH_KEYS.has(key)) {
    const text = typeof v === 'boolean' ? (v ? 'healthy' : 'unhealthy') : String(v);
    const good = v === true || /^(ok|up|healthy|closed|ready|available)$/i.test(text);
    const bad = v === false || /^(down|unhealthy|open|failing|error|unavailable)$/i.test(text);
    return pill(text, good ? 'ok' : bad ? 'bad' : 'warn');
  }
  if (typeof v === 'object') return h('code', { class: 'small' }, JSON.stringify(v));
  return String(v);
}

function title(k: string): string {
  return k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

interface Parsed { inFlight: number | null; requests: number; upstream: Map<string, { calls: number; errors: number; seconds: number }> }

/** The few series of our Prometheus text the page shows. */
export function parseMetrics(text: string): Parsed {
  const out: Parsed = { inFlight: null, requests: 0, upstream: new Map() };
  const up = (name: string) => {
    let u = out.upstream.get(name);
    if (!u) out.upstream.set(name, (u = { calls: 0, errors: 0, seconds: 0 }));
    return u;
  };
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? ([0-9.eE+-]+)$/.exec(line);
    if (!m) continue;
    const [, name, labels = '', value] = m;
    const n = Number(value);
    const deployment = /deployment="((?:[^"\\]|\\.)*)"/.exec(labels)?.[1];
    if (name === 'tokengate_requests_in_flight') out.inFlight = n;
    else if (name === 'tokengate_requests_total') out.requests += n;
    else if (deployment !== undefined && name === 'tokengate_upstream_duration_seconds_count') up(deployment).calls += n;
    else if (deployment !== undefined && name === 'tokengate_upstream_duration_seconds_sum') up(deployment).seconds += n;
    else if (deployment !== undefined && name === 'tokengate_upstream_errors_total') up(deployment).errors += n;
  }
  return out;
}
