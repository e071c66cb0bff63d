import { h, replace } from '../dom';
import { ms } from '../format';
import { chatModels, modelSelect } from '../models';
import type { View } from './view';

interface Turn { role: 'user' | 'assistant'; content: string; meta?: string; error?: boolean }

// the conversation outlives a visit to another page, not the tab
let turns: Turn[] = [];

export const chatView: View = {
  id: 'chat',
  title: 'Chat',
  async render(ctx) {
    const models = await chatModels(ctx.api);
    const model = modelSelect(models, 'chat-model');
    const stream = h('input', { type: 'checkbox', checked: true, 'data-testid': 'chat-stream' });
    const thread = h('div', { class: 'thread', 'data-testid': 'chat-thread', 'aria-live': 'polite' });
    const input = h('textarea', { rows: 3, placeholder: 'Ask something… (Enter sends, Shift+Enter for a new line)', 'data-testid': 'chat-input' });
    const send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'chat-send' }, 'Send');
    let controller: AbortController | null = null;
    ctx.onCleanup(() => controller?.abort());

    const drawAll = () => replace(thread, turns.length ? turns.map(bubble) : h('p', { class: 'muted empty-thread' }, 'Your conversation shows here. Requests go to POST /v1/chat/completions with your key.'));
    drawAll();

    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    const form = h('form', { class: 'composer', onsubmit: async (ev: Event) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text || send.disabled) return;
      input.value = '';
      turns.push({ role: 'user', content: text });
      const answer: Turn = { role: 'assistant', content: '' };
      turns.push(answer);
      drawAll();
      const answerEl = thread.lastElementChild as HTMLElement;
      send.disabled = true;
      const started = performance.now();
      const messages = turns.filter((t) => t !== answer && !t.error).map((t) => ({ role: t.role, content: t.content }));
      try {
        controller = new AbortController();
        if (stream.checked) {
          const body = answerEl.querySelector('.bubble-text')!;
          const r = await ctx.api.streamChat({ model: model.value, messages }, (piece) => {
            answer.content += piece;
            body.textContent = answer.content;
            thread.scrollTop = thread.scrollHeight;
          }, controller.signal);
          answer.meta = meta(r.model, r.usage, performance.now() - started);
        } else {
          const r = await ctx.api.post<{ model: string; usage: Record<string, number>; choices: { message: { content: string | null } }[] }>(
            '/v1/chat/completions', { model: model.value, messages });
          answer.content = r.choices[0]?.message.content ?? '';
          answer.meta = meta(r.model, r.usage, performance.now() - started);
        }
      } catch (e) {
        answer.error = true;
        answer.content = (e as Error).message;
      } finally {
        send.disabled = false;
        controller = null;
        drawAll();
        thread.scrollTop = thread.scrollHeight;
      }
    } },
    input,
    h('div', { class: 'composer-bar' },
      h('label', { class: 'inline' }, 'Model ', model),
      h('label', { class: 'inline' }, stream, ' stream'),
      h('button', { type: 'button', class: 'ghost', onclick: () => { turns = []; drawAll(); } }, 'Clear'),
      send));

    replace(ctx.root,
      h('div', { class: 'page-head' }, h('h1', null, 'Chat'), h('p', { class: 'muted' }, ctx.role === 'admin'
        ? 'Talk to any model through the gateway, as the built-in admin user.'
        : 'Talk to the models your tier allows; each request is charged to your balance.')),
      h('section', { class: 'card chat' }, thread, form));
    input.focus();
  },
};

function bubble(t: Turn): HTMLElement {
  return h('div', { class: `bubble ${t.role} ${t.error ? 'error' : ''}`, 'data-testid': `chat-${t.role}` },
    h('div', { class: 'bubble-role' }, t.role === 'user' ? 'You' : 'Assistant'),
    h('div', { class: 'bubble-text' }, t.content || (t.role === 'assistant' && !t.error ? '…' : '')),
    t.meta ? h('div', { class: 'bubble-meta' }, t.meta) : null);
}

function meta(model: string | null, usage: Record<string, number> | null, elapsed: number): string {
  const parts = [model ?? 'unknown model'];
  if (usage) parts.push(`${usage.prompt_tokens ?? 0} in · ${usage.completion_tokens ?? 0} out tokens`);
  parts.push(ms(elapsed));
  return parts.join(' · ');
}
