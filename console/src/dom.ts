/** A tiny DOM builder: h('div', {class: 'x', onclick: f}, 'text', child). Text is always set as text, never as HTML. */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Record<string, string | number> | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function applyProps(el: HTMLElement, props?: Props | null) {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') {
      (el as unknown as Record<string, unknown>)[k] = v;
    } else if (k === 'style' && typeof v === 'object') {
      Object.assign(el.style, v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

export function append(parent: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(parent: Node, ...children: Child[]) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** A card with a title, optional actions on the right, and a body. */
export function card(title: string, body: Child, actions?: Child, props?: Props): HTMLElement {
  return h('section', { class: 'card', ...props },
    h('header', { class: 'card-head' }, h('h2', null, title), actions ? h('div', { class: 'card-actions' }, actions) : null),
    h('div', { class: 'card-body' }, body));
}

export function notAvailable(what: string, detail?: string): HTMLElement {
  return h('div', { class: 'na', 'data-testid': 'not-available' },
    h('strong', null, `${what}: not available`),
    detail ? h('span', null, detail) : null);
}

export function errorBox(e: unknown): HTMLElement {
  return h('div', { class: 'alert error', role: 'alert' }, e instanceof Error ? e.message : String(e));
}

export function pill(text: string, kind: string): HTMLElement {
  return h('span', { class: `pill pill-${kind}` }, text);
}

export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input, hint ? h('small', null, hint) : null);
}

export function table(headers: string[], rows: HTMLElement[], empty = 'Nothing yet.'): HTMLElement {
  return h('div', { class: 'table-wrap' },
    h('table', null,
      h('thead', null, h('tr', null, headers.map((t) => h('th', null, t)))),
      h('tbody', null, rows.length ? rows : h('tr', { class: 'empty' }, h('td', { colspan: headers.length }, empty)))));
}
