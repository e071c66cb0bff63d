import { NOT_AVAILABLE, allPages, type Balance, type UsageRecord } from '../api';
import { card, errorBox, field, h, notAvailable, replace } from '../dom';
import { usd } from '../format';
import { RANGES, rangeSelect, rangeStart, usageReport, type Range } from '../usage';
import { stat } from './users';
import type { View } from './view';

let range: Range = RANGES[1];

/** A user's own page: balance and usage. */
export const overviewView: View = {
  id: 'overview',
  title: 'Overview',
  async render(ctx) {
    const balanceBox = h('div');
    const usageBox = h('div', null, h('p', { class: 'muted' }, 'Loading usage…'));
    replace(ctx.root,
      h('div', { class: 'page-head' }, h('h1', null, 'Your account'),
        h('p', { class: 'muted' }, 'Your balance and what your requests used.'),
        h('div', { class: 'toolbar' }, field('Range', rangeSelect(range, (r) => { range = r; loadUsage(); })))),
      card('Balance', balanceBox),
      usageBox);

    async function loadUsage() {
      try {
        const records = await allPages<UsageRecord>(ctx.api, `/v1/usage?from=${rangeStart(range)}&limit=1000`);
        replace(usageBox, records === NOT_AVAILABLE
          ? card('Usage', notAvailable('Usage', 'This gateway has no GET /v1/usage.'))
          : usageReport(records, range));
      } catch (e) {
        replace(usageBox, errorBox(e));
      }
    }

    const balance = await ctx.api.optional<Balance>('/v1/balance');
    replace(balanceBox, balance === NOT_AVAILABLE
      ? notAvailable('Balance', 'This gateway has no GET /v1/balance.')
      : h('div', { class: 'stats' },
        stat('Balance', balance.unlimited ? 'unlimited' : usd(balance.balance_micros, 6), 'balance'),
        stat('Held by requests in flight', usd(balance.reserved_micros, 6)),
        stat('Available', balance.unlimited ? 'unlimited' : usd(balance.available_micros, 6), 'available')));
    await loadUsage();
  },
};
