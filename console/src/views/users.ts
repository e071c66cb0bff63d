import { NOT_AVAILABLE, type ApiKey, type Balance, type BalanceEntry, type List, type Maybe, type User } from '../api';
import { card, errorBox, field, h, notAvailable, pill, replace, table } from '../dom';
import { dateTime, short, usd } from '../format';
import type { View, ViewContext } from './view';

const TIERS = ['user_free', 'user_go', 'user_pro', 'user_max'];
let selectedId: string | null = null;

export const usersView: View = {
  id: 'users',
  title: 'Users & keys',
  async render(ctx) {
    const listBody = h('div', null, h('p', { class: 'muted' }, 'Loading users…'));
    const detail = h('div', { class: 'stack' });
    replace(ctx.root,
      h('div', { class: 'page-head' }, h('h1', null, 'Users & keys'),
        h('p', { class: 'muted' }, 'Create users, hand out API keys (shown once), revoke them, and top up balances.')),
      h('div', { class: 'split' }, h('div', { class: 'stack' }, card('Users', listBody), createUserCard(ctx, reload)), detail));

    async function reload(select?: string) {
      if (select) selectedId = select;
      const users = (await ctx.api.get<List<User>>('/admin/v1/users')).data;
      const balances = await balancesOf(ctx, users);
      replace(listBody, usersTable(users, balances, (u) => {
        selectedId = u.id;
        reload();
      }));
      const chosen = users.find((u) => u.id === selectedId);
      if (chosen) await renderDetail(ctx, detail, chosen, () => reload());
      else replace(detail, card('User', h('p', { class: 'muted' }, 'Pick a user to see their keys and balance.')));
    }
    await reload();
  },
};

async function balancesOf(ctx: ViewContext, users: User[]): Promise<Maybe<Map<string, Balance>>> {
  const out = new Map<string, Balance>();
  for (let i = 0; i < users.length; i += 8) {
    const part = await Promise.all(users.slice(i, i + 8).map((u) =>
      ctx.api.optional<Balance>(`/admin/v1/users/${encodeURIComponent(u.id)}/balance`).catch(() => null)));
    for (let j = 0; j < part.length; j++) {
      const b = part[j];
      if (b === NOT_AVAILABLE) return NOT_AVAILABLE;
      if (b) out.set(users[i + j].id, b);
    }
  }
  return out;
}

function usersTable(users: User[], balances: Maybe<Map<string, Balance>>, onPick: (u: User) => void): HTMLElement {
  const rows = users.map((u) => h('tr', {
    class: `clickable ${u.id === selectedId ? 'selected' : ''}`,
    'data-testid': 'user-row',
    'data-user-id': u.id,
    'data-user-name': u.name,
    onclick: () => onPick(u),
  },
  h('td', null, h('strong', null, u.name)),
  h('td', null, pill(u.tier, 'neutral')),
  h('td', { class: 'mono' }, short(u.id, 18)),
  h('td', { class: 'num' }, balanceText(balances, u.id)),
  h('td', { class: 'muted' }, dateTime(u.created_at))));
  return table(['Name', 'Tier', 'Id', 'Balance', 'Created'], rows, 'No users yet.');
}

function balanceText(balances: Maybe<Map<string, Balance>>, id: string): string {
  if (balances === NOT_AVAILABLE) return 'n/a';
  const b = balances.get(id);
  if (!b) return '–';
  return b.unlimited ? 'unlimited' : usd(b.available_micros, 2);
}

function createUserCard(ctx: ViewContext, reload: (select?: string) => Promise<void>): HTMLElement {
  const name = h('input', { name: 'name', required: true, placeholder: 'alice', maxlength: 200, 'data-testid': 'new-user-name' });
  const tier = h('input', { name: 'tier', value: 'user_free', list: 'tiers', 'data-testid': 'new-user-tier' });
  const msg = h('div');
  const form = h('form', { class: 'inline-form', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    replace(msg);
    try {
      const u = await ctx.api.post<User>('/admin/v1/users', { name: name.value.trim(), tier: tier.value.trim() || undefined });
      name.value = '';
      await reload(u.id);
    } catch (e) {
      replace(msg, errorBox(e));
    }
  } },
  field('Name', name),
  field('Tier', tier),
  h('datalist', { id: 'tiers' }, TIERS.map((t) => h('option', { value: t }))),
  h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-user' }, 'Create user'));
  return card('New user', [form, msg]);
}

async function renderDetail(ctx: ViewContext, root: HTMLElement, user: User, reloadAll: () => Promise<void>) {
  const keysBody = h('div');
  const secretBox = h('div');
  const balanceBody = h('div');
  replace(root,
    h('section', { class: 'card user-head', 'data-testid': 'user-detail', 'data-user-id': user.id },
      h('div', null, h('h2', null, user.name), h('div', { class: 'mono muted' }, user.id)),
      h('div', { class: 'user-meta' }, pill(user.tier, 'neutral'), h('span', { class: 'muted' }, `since ${dateTime(user.created_at)}`))),
    card('API keys', [secretBox, keysBody, newKeyForm(ctx, user, secretBox, loadKeys)]),
    card('Balance', balanceBody));

  async function loadKeys() {
    const keys = (await ctx.api.get<List<ApiKey>>(`/admin/v1/users/${encodeURIComponent(user.id)}/keys`)).data;
    replace(keysBody, table(['Name', 'Prefix', 'Created', 'Status', ''], keys.map((k) => keyRow(ctx, user, k, loadKeys)), 'No keys yet.'));
  }

  await Promise.all([loadKeys(), renderBalance(ctx, balanceBody, user, reloadAll)]);
}

function keyRow(ctx: ViewContext, user: User, k: ApiKey, reload: () => Promise<void>): HTMLElement {
  const revoke = h('button', { class: 'danger small', 'data-testid': 'revoke-key' }, 'Revoke');
  let armed = false;
  revoke.addEventListener('click', async () => {
    // a second click confirms, so a stray click never cuts a user off
    if (!armed) {
      armed = true;
      revoke.textContent = 'Confirm revoke';
      return;
    }
    revoke.disabled = true;
    await ctx.api.del(`/admin/v1/users/${encodeURIComponent(user.id)}/keys/${encodeURIComponent(k.id)}`);
    await reload();
  });
  return h('tr', { 'data-testid': 'key-row', 'data-key-id': k.id },
    h('td', null, k.name ?? h('span', { class: 'muted' }, 'unnamed')),
    h('td', { class: 'mono' }, `${k.prefix}…`),
    h('td', { class: 'muted' }, dateTime(k.created_at)),
    h('td', null, k.active ? pill('active', 'ok') : pill(`revoked ${dateTime(k.revoked_at)}`, 'muted')),
    h('td', { class: 'right' }, k.active ? revoke : null));
}

function newKeyForm(ctx: ViewContext, user: User, secretBox: HTMLElement, reload: () => Promise<void>): HTMLElement {
  const name = h('input', { name: 'key-name', placeholder: 'laptop, ci, …', maxlength: 200, 'data-testid': 'new-key-name' });
  return h('form', { class: 'inline-form', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    try {
      const created = await ctx.api.post<ApiKey>(`/admin/v1/users/${encodeURIComponent(user.id)}/keys`, name.value.trim() ? { name: name.value.trim() } : {});
      name.value = '';
      showSecret(secretBox, created.key ?? '');
      await reload();
    } catch (e) {
      replace(secretBox, errorBox(e));
    }
  } }, field('New key name (optional)', name), h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-key' }, 'Create key'));
}

function showSecret(box: HTMLElement, secret: string) {
  const copy = h('button', { class: 'small', type: 'button', onclick: async () => {
    await navigator.clipboard?.writeText(secret).catch(() => undefined);
    copy.textContent = 'Copied';
  } }, 'Copy');
  replace(box, h('div', { class: 'alert success' },
    h('div', null, h('strong', null, 'New key: '), 'copy it now, it is not shown again.'),
    h('div', { class: 'secret' }, h('code', { 'data-testid': 'new-key-secret' }, secret), copy)));
}

async function renderBalance(ctx: ViewContext, root: HTMLElement, user: User, reloadAll: () => Promise<void>) {
  const base = `/admin/v1/users/${encodeURIComponent(user.id)}/balance`;
  const balance = await ctx.api.optional<Balance>(base);
  if (balance === NOT_AVAILABLE) {
    replace(root, notAvailable('Balances', 'This gateway has no balance routes (GET /admin/v1/users/{id}/balance answered 404).'));
    return;
  }
  const entries = await ctx.api.optional<List<BalanceEntry>>(`${base}/entries?limit=8`).catch((): typeof NOT_AVAILABLE => NOT_AVAILABLE);
  const amount = h('input', { name: 'amount', inputmode: 'decimal', placeholder: '10.00', required: true, pattern: '\\d+(\\.\\d{1,6})?', 'data-testid': 'topup-amount' });
  const reason = h('input', { name: 'reason', placeholder: 'invoice 42', maxlength: 500 });
  const msg = h('div');
  replace(root,
    h('div', { class: 'stats' },
      stat('Balance', balance.unlimited ? 'unlimited' : usd(balance.balance_micros, 6), 'balance'),
      stat('Held by requests in flight', usd(balance.reserved_micros, 6)),
      stat('Available', balance.unlimited ? 'unlimited' : usd(balance.available_micros, 6), 'available')),
    h('form', { class: 'inline-form', onsubmit: async (ev: Event) => {
      ev.preventDefault();
      replace(msg);
      try {
        await ctx.api.post(`${base}/topup`, { amount_usd: amount.value.trim(), reason: reason.value.trim() || undefined });
        await reloadAll();
      } catch (e) {
        replace(msg, errorBox(e));
      }
    } }, field('Top up (USD)', amount), field('Reason', reason), h('button', { type: 'submit', class: 'primary', 'data-testid': 'topup' }, 'Top up')),
    msg,
    entries === NOT_AVAILABLE || entries.data.length === 0 ? null : table(['When', 'Kind', 'Amount', 'Balance after', 'Reason'],
      entries.data.map((e) => h('tr', { 'data-testid': 'balance-entry', 'data-kind': e.kind, 'data-amount-micros': e.amount_micros },
        h('td', { class: 'muted' }, dateTime(e.created_at)),
        h('td', null, e.kind),
        h('td', { class: 'num' }, usd(e.amount_micros, 6)),
        h('td', { class: 'num' }, usd(e.balance_after_micros, 6)),
        h('td', null, e.reason ?? '')))));
}

export function stat(label: string, value: string, testid?: string): HTMLElement {
  return h('div', { class: 'stat', 'data-testid': testid ? `stat-${testid}` : undefined }, h('span', null, label), h('strong', null, value));
}
