import { type List, type RecentRequest, type User } from '../api';
import { stackedBars } from '../charts';
import { card, errorBox, h, pill, replace, table } from '../dom';
import { clock, ms } from '../format';
import type { View } from './view';

const KEEP = 500;
const SHOW = 200;
const BUCKET_S = 10;
const WINDOW_S = 300;

export const requestsView: View = {
  id: 'requests',
  title: 'Requests',
  async render(ctx) {
    const names = new Map((await ctx.api.get<List<User>>('/admin/v1/users')).data.map((u) => [u.id, u.name]));
    let entries: RecentRequest[] = [];
    let lastId = 0;
    let paused = false;
    let filter = '';
    const chartBox = h('div');
    const statsBox = h('div', { class: 'stats' });
    const tableBox = h('div');
    const errorSlot = h('div');
    const pause = h('button', { class: 'ghost', 'data-testid': 'pause', onclick: () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
      live.className = paused ? 'live paused' : 'live';
    } }, 'Pause');
    const live = h('span', { class: 'live' }, h('i'), 'live');
    const search = h('input', { type: 'search', placeholder: 'Filter: route, model, user, status', 'data-testid': 'request-filter',
      oninput: () => { filter = search.value.trim().toLowerCase(); draw(); } });
    replace(ctx.root,
      h('div', { class: 'page-head' },
        h('h1', null, 'Requests ', live),
        h('p', { class: 'muted' }, `The last ${KEEP} requests this gateway answered, refreshed every 1.5 s. Routes only: no keys, bodies or query strings.`),
        h('div', { class: 'toolbar' }, search, pause)),
      errorSlot,
      statsBox,
      card('Requests per 10 s (last 5 minutes)', chartBox),
      card('Log', h('div', { class: 'log-scroll' }, tableBox)));

    async function poll() {
      if (paused) return;
      try {
        const page = await ctx.api.get<List<RecentRequest>>(`/admin/v1/requests/recent?after=${lastId}&limit=${KEEP}`);
        replace(errorSlot);
        const fresh = page.data.filter((e) => e.id > lastId);
        if (fresh.length) {
          entries = [...fresh, ...entries].slice(0, KEEP);
          lastId = Number(page.last_id ?? lastId);
        }
        draw();
      } catch (e) {
        replace(errorSlot, errorBox(e));
      }
    }

    function draw() {
      const now = Date.now();
      const n = WINDOW_S / BUCKET_S;
      const start = Math.floor(now / 1000 / BUCKET_S) * BUCKET_S - (n - 1) * BUCKET_S;
      const ok = new Array<number>(n).fill(0);
      const clientErr = new Array<number>(n).fill(0);
      const serverErr = new Array<number>(n).fill(0);
      for (const e of entries) {
        const i = Math.floor((Date.parse(e.time) / 1000 - start) / BUCKET_S);
        if (i < 0 || i >= n) continue;
        (e.status >= 500 ? serverErr : e.status >= 400 ? clientErr : ok)[i]++;
      }
      const labels = Array.from({ length: n }, (_, i) => clock(new Date((start + i * BUCKET_S) * 1000)));
      replace(chartBox, stackedBars({ labels, height: 180, width: 1100, labelEvery: 6, integers: true, format: (v) => String(Math.round(v)), testid: 'chart-requests', series: [
        { name: '2xx/3xx', color: '#16a34a', values: ok },
        { name: '4xx', color: '#f59e0b', values: clientErr },
        { name: '5xx', color: '#dc2626', values: serverErr },
      ] }));

      const lastMinute = entries.filter((e) => now - Date.parse(e.time) < 60_000);
      const durations = entries.map((e) => e.duration_ms).sort((a, b) => a - b);
      const pct = (p: number) => (durations.length ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] : null);
      const errors = entries.filter((e) => e.status >= 500).length;
      replace(statsBox,
        h('div', { class: 'stat' }, h('span', null, 'Last minute'), h('strong', null, `${lastMinute.length} req`)),
        h('div', { class: 'stat' }, h('span', null, '5xx share'), h('strong', null, entries.length ? `${((100 * errors) / entries.length).toFixed(1)} %` : '–')),
        h('div', { class: 'stat' }, h('span', null, 'p50 latency'), h('strong', null, ms(pct(0.5)))),
        h('div', { class: 'stat' }, h('span', null, 'p95 latency'), h('strong', null, ms(pct(0.95)))));

      const shown = entries.filter((e) => !filter || [e.route, e.model ?? '', e.user_id ?? '', names.get(e.user_id ?? '') ?? '', String(e.status), e.method]
        .some((x) => x.toLowerCase().includes(filter))).slice(0, SHOW);
      replace(tableBox, table(['Time', 'Method', 'Route', 'Status', 'Model', 'Duration', 'User'], shown.map((e) =>
        h('tr', { 'data-testid': 'request-row', 'data-route': e.route, 'data-model': e.model ?? '', 'data-user-id': e.user_id ?? '', 'data-status': e.status },
          h('td', { class: 'mono muted' }, clock(e.time)),
          h('td', { class: 'mono' }, e.method),
          h('td', { class: 'mono' }, e.route),
          h('td', null, pill(String(e.status), e.status >= 500 ? 'bad' : e.status >= 400 ? 'warn' : 'ok')),
          h('td', null, e.model ?? h('span', { class: 'muted' }, '–')),
          h('td', { class: 'num' }, ms(e.duration_ms)),
          h('td', { title: e.user_id ?? '' }, e.user_id ? names.get(e.user_id) ?? e.user_id : h('span', { class: 'muted' }, '–')))),
        'No requests yet.'));
    }

    await poll();
    ctx.every(1500, poll);
  },
};
