/** The gateway's HTTP API as the console uses it, with the key its user logged in with. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code: string | null) {
    super(message);
  }
}

/** What an optional route (one a gateway may not have) gives when it answered 404. */
export const NOT_AVAILABLE = Symbol('not available');
export type Maybe<T> = T | typeof NOT_AVAILABLE;

export interface List<T> { object: 'list'; data: T[]; has_more?: boolean; last_id?: string | number | null }
export interface User { id: string; name: string; tier: string; created_at: number }
export interface ApiKey { id: string; user_id: string; name: string | null; prefix: string; created_at: number; revoked_at: number | null; active: boolean; key?: string }
export interface Balance { user_id: string; unlimited: boolean; balance_micros: number; reserved_micros: number; available_micros: number }
export interface BalanceEntry { id: string; kind: string; amount_micros: number; balance_after_micros: number; reason: string | null; created_at: number }
export interface UsageRecord {
  id: string; request_id: string; user_id: string; model: string; deployment: string | null;
  prompt_tokens: number; completion_tokens: number; cached_tokens: number; total_tokens: number;
  cost_micros: number; charged_micros: number; latency_ms: number; status: number; stream: boolean; created_at: number;
}
export interface RecentRequest { id: number; time: string; method: string; route: string; status: number; model: string | null; duration_ms: number; user_id: string | null }
export interface RequestCounts { total: number; pending: number; running: number; completed: number; failed: number; cancelled: number }
export interface Batch {
  id: string; status: string; created_at: string | null; completed_at: string | null; created_by_id: string;
  total_duration_ns: number | null; metadata: { request_counts?: RequestCounts } & Record<string, unknown>;
}
export interface BatchMessage { id: string; role: string; agent_id: string | null; content: { type: string; text: string }[]; is_err: boolean; batch_item_id: string }
export interface Job {
  job_id: string; status: string; created_at: number; model: string; completed_at: number | null; attempts: number;
  result: { response_message: string } | null; error: string | null;
}
export interface Model { id: string; owned_by: string; type?: string }

export class Api {
  constructor(private readonly key: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'The gateway could not be reached.', null);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) throw errorOf(res.status, json, text);
    return json as T;
  }

  get<T>(path: string) { return this.request<T>('GET', path); }
  post<T>(path: string, body: unknown = {}) { return this.request<T>('POST', path, body); }
  del<T>(path: string) { return this.request<T>('DELETE', path); }
  patch<T>(path: string) { return this.request<T>('PATCH', path); }

  /** A route this gateway may not serve (added by a later version, or switched off): 404 means not available. */
  async optional<T>(path: string): Promise<Maybe<T>> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return NOT_AVAILABLE;
      throw e;
    }
  }

  /** Streams a chat completion, calling onText with each piece of content; resolves with the usage chunk if any. */
  async streamChat(body: Record<string, unknown>, onText: (t: string) => void, signal?: AbortSignal): Promise<{ usage: Record<string, number> | null; model: string | null }> {
    const res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
      signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text();
      let json: unknown = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      throw errorOf(res.status, json, text);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let usage: Record<string, number> | null = null;
    let model: string | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new ApiError(res.status, chunk.error.message ?? 'The stream failed.', chunk.error.code ?? null);
        model = chunk.model ?? model;
        if (chunk.usage) usage = chunk.usage;
        const piece = chunk.choices?.[0]?.delta?.content;
        if (piece) onText(piece);
      }
    }
    return { usage, model };
  }
}

function errorOf(status: number, json: unknown, text: string): ApiError {
  const j = json as { error?: { message?: string; code?: string }; message?: string; code?: string } | null;
  const message = j?.error?.message ?? j?.message ?? (text ? text.slice(0, 200) : `HTTP ${status}`);
  return new ApiError(status, message, j?.error?.code ?? j?.code ?? null);
}

export type Role = 'admin' | 'user';

/** Which view a key opens: the admin key reads /admin/v1; any other valid key is a user's. */
export async function roleOf(api: Api): Promise<Role> {
  try {
    await api.get('/admin/v1/users');
    return 'admin';
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return 'user';
    throw e;
  }
}

/** Follows `has_more`/`last_id` pages of a list route, up to maxPages. */
export async function allPages<T extends { id: string }>(api: Api, path: string, maxPages = 10): Promise<Maybe<T[]>> {
  const out: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page: Maybe<List<T>> = await api.optional<List<T>>(after ? `${path}${sep}after=${encodeURIComponent(after)}` : path);
    if (page === NOT_AVAILABLE) return i === 0 ? NOT_AVAILABLE : out;
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1].id;
  }
  return out;
}
