import { ApiError, NOT_AVAILABLE, type Batch, type BatchMessage, type Job, type List, type Maybe, type User } from '../api';
import { segmentedBar } from '../charts';
import { card, errorBox, field, h, notAvailable, pill, replace, table } from '../dom';
import { ago, dateTime, ms, short } from '../format';
import { chatModels, modelSelect } from '../models';
import type { View, ViewContext } from './view';

const JOBS_KEY = 'tokengate.console.jobs';
const ACTIVE = new Set(['created', 'running']);
let owner = 'mine';

export const batchesView: View = {
  id: 'batches',
  title: 'Batches & jobs',
  async render(ctx) {
    const models = await chatModels(ctx.api);
    const users = ctx.role === 'admin' ? (await ctx.api.get<List<User>>('/admin/v1/users')).data : [];
    const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading batches…'));
    const jobsBox = h('div');
    const ownerSel = ctx.role === 'admin' ? h('select', { 'data-testid': 'batch-owner', onchange: () => { owner = ownerSel!.value; loadBatches(); } },
      h('option', { value: 'mine' }, 'Mine (the admin user)'),
      users.map((u) => h('option', { value: u.id, selected: u.id === owner }, `${u.name} (${u.tier})`))) : null;
    replace(ctx.root,
      h('div', { class: 'page-head' },
        h('h1', null, 'Batches & jobs'),
        h('p', { class: 'muted' }, 'Message batches with their progress, and queued jobs. Active batches refresh every 2 s.'),
        ownerSel ? h('div', { class: 'toolbar' }, field('Owner', ownerSel)) : null),
      h('div', { class: 'split wide-left' },
        h('div', { class: 'stack' }, card('Message batches', listBox, h('button', { class: 'ghost', onclick: () => loadBatches() }, 'Refresh'))),
        h('div', { class: 'stack' }, newBatchCard(ctx, models, () => { owner = 'mine'; if (ownerSel) ownerSel.value = 'mine'; return loadBatches(); }))),
      h('div', { class: 'split wide-left' },
        h('div', { class: 'stack' }, card('Jobs', [lookupForm(ctx, () => loadJobs()), jobsBox])),
        h('div', { class: 'stack' }, newJobsCard(ctx, models, () => loadJobs()))));

    const openResults = new Set<string>();
    let anyActive = false;

    async function loadBatches() {
      try {
        const path = owner === 'mine' ? '/v1/messages/batches?limit=50' : `/admin/v1/users/${encodeURIComponent(owner)}/batches?limit=50`;
        const batches: Maybe<Batch[]> = owner === 'mine' ? await ctx.api.get<Batch[]>(path) : await ctx.api.optional<Batch[]>(path);
        if (batches === NOT_AVAILABLE) {
          replace(listBox, notAvailable("Other users' batches", 'This gateway has no GET /admin/v1/users/{id}/batches.'));
          return;
        }
        anyActive = batches.some((b) => ACTIVE.has(b.status));
        replace(listBox, table(['Batch', 'Created', 'Status', 'Progress', 'Duration', ''],
          batches.flatMap((b) => batchRows(ctx, b, owner === 'mine', openResults, loadBatches)), 'No batches yet.'));
      } catch (e) {
        replace(listBox, errorBox(e));
      }
    }

    async function loadJobs() {
      const ids = trackedJobs();
      const jobs = await Promise.all(ids.map((id) => ctx.api.get<{ data: Job }>(`/api/v1/jobs/${encodeURIComponent(id)}`)
        .then((r) => r.data).catch((e) => ({ job_id: id, status: e instanceof ApiError && e.status === 404 ? 'not found' : 'error' } as Job))));
      replace(jobsBox,
        table(['Job', 'Status', 'Model', 'Attempts', 'Created', 'Answer'], jobs.map((j) =>
          h('tr', { 'data-testid': 'job-row', 'data-job-id': j.job_id, 'data-status': j.status },
            h('td', { class: 'mono', title: j.job_id }, short(j.job_id, 16)),
            h('td', null, statusPill(j.status)),
            h('td', null, j.model ?? '–'),
            h('td', { class: 'num' }, j.attempts ?? '–'),
            h('td', { class: 'muted' }, ago(j.created_at)),
            h('td', { class: 'answer' }, j.result?.response_message ?? j.error ?? ''))),
        'No jobs tracked in this tab yet: queue some, or look one up by id.'));
      return jobs.some((j) => j.status === 'pending' || j.status === 'assigned');
    }

    await Promise.all([loadBatches(), loadJobs()]);
    let jobsActive = true;
    ctx.every(2000, async () => {
      if (anyActive) await loadBatches();
      if (jobsActive) jobsActive = await loadJobs();
    });
    // queueing or looking up jobs starts the job refresh again
    ctx.root.addEventListener('jobs-changed', () => { jobsActive = true; });
  },
};

function batchRows(ctx: ViewContext, b: Batch, own: boolean, open: Set<string>, reload: () => Promise<void>): HTMLElement[] {
  const c = b.metadata.request_counts ?? { total: 0, pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  const done = c.completed + c.failed + c.cancelled;
  const cancel = own && ACTIVE.has(b.status) ? h('button', { class: 'danger small', onclick: async () => {
    await ctx.api.patch(`/v1/messages/batches/${encodeURIComponent(b.id)}/cancel`);
    await reload();
  } }, 'Cancel') : null;
  const results = own ? h('button', { class: 'small', onclick: async () => {
    if (open.has(b.id)) open.delete(b.id); else open.add(b.id);
    await reload();
  } }, open.has(b.id) ? 'Hide' : 'Results') : null;
  const row = h('tr', { 'data-testid': 'batch-row', 'data-batch-id': b.id, 'data-status': b.status, 'data-done': done, 'data-total': c.total },
    h('td', { class: 'mono', title: b.id }, short(b.id, 18)),
    h('td', { class: 'muted' }, dateTime(b.created_at)),
    h('td', null, statusPill(b.status)),
    h('td', null, h('div', { class: 'progress-cell' },
      segmentedBar([
        { value: c.completed, cls: 'ok', label: 'completed' },
        { value: c.failed, cls: 'bad', label: 'failed' },
        { value: c.cancelled, cls: 'muted', label: 'cancelled' },
        { value: c.running, cls: 'run', label: 'running' },
      ], c.total),
      h('small', { 'data-testid': 'batch-progress' }, `${done}/${c.total} done`,
        c.failed ? ` · ${c.failed} failed` : '', c.cancelled ? ` · ${c.cancelled} cancelled` : '', c.running ? ` · ${c.running} running` : ''))),
    h('td', { class: 'num' }, b.total_duration_ns === null ? '–' : ms(b.total_duration_ns / 1e6)),
    h('td', { class: 'right nowrap' }, results, ' ', cancel));
  if (!open.has(b.id)) return [row];
  const detail = h('td', { colspan: 6 }, h('p', { class: 'muted' }, 'Loading results…'));
  ctx.api.get<{ messages: BatchMessage[] }>(`/v1/messages/batches/${encodeURIComponent(b.id)}/messages?order=asc&limit=200`).then((r) => {
    replace(detail, h('ol', { class: 'results' }, r.messages.filter((m) => m.role === 'assistant').map((m) =>
      h('li', { class: m.is_err ? 'err' : '' }, m.content.map((p) => p.text).join('')))));
  }).catch((e) => replace(detail, errorBox(e)));
  return [row, h('tr', { class: 'detail-row' }, detail)];
}

function statusPill(status: string): HTMLElement {
  const kind = status === 'completed' ? 'ok' : status === 'failed' || status === 'error' || status === 'not found' ? 'bad'
    : status === 'cancelled' || status === 'expired' ? 'muted' : 'run';
  return pill(status, kind);
}

function newBatchCard(ctx: ViewContext, models: string[], after: () => Promise<void>): HTMLElement {
  const model = modelSelect(models, 'batch-model');
  const prompts = h('textarea', { rows: 4, required: true, 'data-testid': 'batch-prompts', placeholder: 'One request per line' },
    'Name three moons of Jupiter.\nWhat is 17 times 23?\nWrite a haiku about queues.');
  const msg = h('div');
  return card('New batch', h('form', { class: 'stack-form', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    replace(msg);
    const lines = prompts.value.split('\n').map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return;
    try {
      await ctx.api.post('/v1/messages/batches', { requests: lines.map((content, i) => ({
        agent_id: `console-${i + 1}`, model: model.value, messages: [{ role: 'user', content }] })) });
      await after();
    } catch (e) {
      replace(msg, errorBox(e));
    }
  } }, field('Model', model), field('Requests', prompts, 'Each line becomes one request of the batch.'),
  h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-batch' }, 'Create batch'), msg));
}

function newJobsCard(ctx: ViewContext, models: string[], after: () => Promise<unknown>): HTMLElement {
  const model = modelSelect(models, 'job-model');
  const prompts = h('textarea', { rows: 3, required: true, 'data-testid': 'job-prompts', placeholder: 'One job per line' }, 'How many planets are in our solar system?');
  const msg = h('div');
  return card('Queue jobs', h('form', { class: 'stack-form', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    replace(msg);
    const lines = prompts.value.split('\n').map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return;
    try {
      const r = await ctx.api.post<{ data: { jobs: { job_id: string }[] } }>('/api/v1/jobs/messages/batches',
        lines.map((content) => ({ model: model.value, response_format: { format: 'text' }, messages: [{ role: 'user', content }] })));
      track(r.data.jobs.map((j) => j.job_id));
      ctx.root.dispatchEvent(new Event('jobs-changed'));
      await after();
    } catch (e) {
      replace(msg, errorBox(e));
    }
  } }, field('Model', model), field('Prompts', prompts, 'Queued through the job API (POST /api/v1/jobs/messages/batches); your tier caps how many at once.'),
  h('button', { type: 'submit', class: 'primary', 'data-testid': 'queue-jobs' }, 'Queue jobs'), msg));
}

function lookupForm(ctx: ViewContext, after: () => Promise<unknown>): HTMLElement {
  const id = h('input', { placeholder: 'job id', 'data-testid': 'job-lookup' });
  return h('form', { class: 'inline-form', onsubmit: async (ev: Event) => {
    ev.preventDefault();
    if (!id.value.trim()) return;
    track([id.value.trim()]);
    ctx.root.dispatchEvent(new Event('jobs-changed'));
    await after();
  } }, id, h('button', { type: 'submit', class: 'small' }, 'Look up'));
}

function trackedJobs(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(JOBS_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

function track(ids: string[]) {
  const all = [...ids, ...trackedJobs().filter((x) => !ids.includes(x))].slice(0, 50);
  sessionStorage.setItem(JOBS_KEY, JSON.stringify(all));
}
