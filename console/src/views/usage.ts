import { NOT_AVAILABLE, allPages, type List, type UsageRecord, type User } from '../api';
import { errorBox, field, h, notAvailable, replace } from '../dom';
import { RANGES, rangeSelect, rangeStart, usageReport, type Range } from '../usage';
import type { View } from './view';

let range: Range = RANGES[1];
let who = 'all';

export const usageView: View = {
  id: 'usage',
  title: 'Usage',
  async render(ctx) {
    const users = (await ctx.api.get<List<User>>('/admin/v1/users')).data;
    const body = h('div', null, h('p', { class: 'muted' }, 'Loading usage…'));
    const userSel = h('select', { 'data-testid': 'usage-user', onchange: () => { who = userSel.value; load(); } },
      h('option', { value: 'all' }, 'All users'),
      users.map((u) => h('option', { value: u.id, selected: u.id === who }, `${u.name} (${u.tier})`)));
    replace(ctx.root,
      h('div', { class: 'page-head' },
        h('h1', null, 'Usage'),
        h('p', { class: 'muted' }, 'Tokens and cost by model over time, from the usage ledger.'),
        h('div', { class: 'toolbar' }, field('User', userSel), field('Range', rangeSelect(range, (r) => { range = r; load(); })),
          h('button', { class: 'ghost', onclick: () => load() }, 'Refresh'))),
      body);

    async function load() {
      replace(body, h('p', { class: 'muted' }, 'Loading usage…'));
      try {
        const from = rangeStart(range);
        const ids = who === 'all' ? users.map((u) => u.id) : [who];
        const records: UsageRecord[] = [];
        for (const id of ids) {
          const got = await allPages<UsageRecord>(ctx.api, `/admin/v1/users/${encodeURIComponent(id)}/usage?from=${from}&limit=1000`);
          if (got === NOT_AVAILABLE) {
            replace(body, notAvailable('Usage', 'This gateway has no usage routes (GET /admin/v1/users/{id}/usage answered 404). The Requests page still shows live traffic.'));
            return;
          }
          records.push(...got);
        }
        replace(body, usageReport(records, range));
      } catch (e) {
        replace(body, errorBox(e));
      }
    }
    await load();
  },
};
