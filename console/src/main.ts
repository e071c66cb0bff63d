import './style.css';
import { Api, ApiError, roleOf, type Role } from './api';
import { h, replace, errorBox } from './dom';
import type { View, ViewContext } from './views/view';
import { usersView } from './views/users';
import { usageView } from './views/usage';
import { requestsView } from './views/requests';
import { batchesView } from './views/batches';
import { deploymentsView } from './views/deployments';
import { chatView } from './views/chat';
import { overviewView } from './views/overview';

// sessionStorage: the key lives as long as this tab, and no other tab or later visit sees it
const KEY = 'tokengate.console.key';
const ROLE = 'tokengate.console.role';

const VIEWS: Record<Role, View[]> = {
  admin: [usersView, usageView, requestsView, batchesView, deploymentsView, chatView],
  user: [overviewView, batchesView, chatView],
};

const app = document.getElementById('app')!;
let cleanups: (() => void)[] = [];

function session(): { api: Api; role: Role } | null {
  const key = sessionStorage.getItem(KEY);
  const role = sessionStorage.getItem(ROLE) as Role | null;
  return key && role ? { api: new Api(key), role } : null;
}

function stopView() {
  cleanups.forEach((f) => f());
  cleanups = [];
}

function route() {
  stopView();
  const s = session();
  if (!s) {
    renderLogin();
    return;
  }
  const views = VIEWS[s.role];
  const wanted = location.hash.replace(/^#\/?/, '');
  const view = views.find((v) => v.id === wanted) ?? views[0];
  if (view.id !== wanted) history.replaceState(null, '', `#/${view.id}`);
  renderShell(s.api, s.role, views, view);
}

function renderShell(api: Api, role: Role, views: View[], current: View) {
  const main = h('main', { class: 'content', 'data-testid': `view-${current.id}` });
  const health = h('span', { class: 'health', title: 'Gateway health' }, h('i', null), 'checking');
  replace(app,
    h('div', { class: 'shell' },
      h('header', { class: 'topbar' },
        h('a', { class: 'brand', href: '#/' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'Tokengate', h('small', null, 'console')),
        h('nav', null, views.map((v) =>
          h('a', { href: `#/${v.id}`, class: v === current ? 'active' : '', 'data-testid': `nav-${v.id}` }, v.title))),
        h('div', { class: 'topbar-right' },
          health,
          h('span', { class: `role role-${role}`, 'data-testid': 'role' }, role === 'admin' ? 'admin' : 'user'),
          h('button', { class: 'ghost', 'data-testid': 'logout', onclick: logout }, 'Sign out'))),
      main));
  checkHealth(health);
  const ctx: ViewContext = {
    api,
    role,
    root: main,
    onCleanup: (f) => cleanups.push(f),
    every: (ms, f) => {
      // a tick is skipped while the previous one is still waiting for the gateway
      let running = false;
      const t = window.setInterval(async () => {
        if (running) return;
        running = true;
        try {
          await f();
        } finally {
          running = false;
        }
      }, ms);
      cleanups.push(() => window.clearInterval(t));
    },
  };
  Promise.resolve(current.render(ctx)).catch((e) => {
    if (e instanceof ApiError && e.status === 401) {
      logout();
      return;
    }
    replace(main, errorBox(e));
  });
}

async function checkHealth(el: HTMLElement) {
  try {
    const r = await fetch('/ready');
    el.className = `health ${r.ok ? 'ok' : 'bad'}`;
    replace(el, h('i', null), r.ok ? 'ready' : 'storage unreachable');
  } catch {
    el.className = 'health bad';
    replace(el, h('i', null), 'unreachable');
  }
}

function logout() {
  // everything the console kept in this tab belongs to the person signing out
  sessionStorage.clear();
  history.replaceState(null, '', location.pathname);
  route();
}

function renderLogin() {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', placeholder: 'tg-… or the admin key', required: true, 'data-testid': 'login-key' });
  const error = h('div', { class: 'login-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'login-card', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    replace(error);
    try {
      const role = await roleOf(new Api(key));
      sessionStorage.setItem(KEY, key);
      sessionStorage.setItem(ROLE, role);
      history.replaceState(null, '', role === 'admin' ? '#/users' : '#/overview');
      route();
    } catch (e) {
      replace(error, e instanceof ApiError && e.status === 401 ? 'That key was not accepted.' : (e as Error).message);
      button.disabled = false;
    }
  } },
    h('div', { class: 'login-brand' }, h('img', { src: '/console/favicon.svg', alt: '' }), h('h1', null, 'Tokengate console')),
    h('p', null, 'Sign in with the admin key to manage users, keys, balances and the gateway, or with your own API key to see your usage, batches and chat.'),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'API key'), input),
    button,
    error,
    h('p', { class: 'muted small' }, 'The key stays in this browser tab only (session storage) and is sent to this gateway alone.'));
  replace(app, h('div', { class: 'login' }, form));
  input.focus();
}

window.addEventListener('hashchange', route);
route();
