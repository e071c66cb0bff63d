/** Money arrives in integer micro-dollars; times in Unix seconds or ISO-8601. */
export function usd(micros: number | null | undefined, digits = 4): string {
  if (micros === null || micros === undefined) return '–';
  const dollars = micros / 1_000_000;
  if (dollars !== 0 && Math.abs(dollars) < 0.0001) return '<$0.0001';
  return '$' + dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits });
}

export function tokens(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n >= 1_000_000) return (n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1) + 'M';
  if (n >= 10_000) return (n / 1000).toFixed(0) + 'k';
  if (n >= 1000) return (n / 1000).toFixed(1) + 'k';
  return String(n);
}

export function toDate(t: number | string | null | undefined): Date | null {
  if (t === null || t === undefined) return null;
  return typeof t === 'number' ? new Date(t * 1000) : new Date(t);
}

export function dateTime(t: number | string | null | undefined): string {
  const d = toDate(t);
  if (!d || isNaN(d.getTime())) return '–';
  return d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function clock(t: number | string | Date): string {
  const d = t instanceof Date ? t : toDate(t)!;
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ago(t: number | string | null | undefined): string {
  const d = toDate(t);
  if (!d) return '–';
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n >= 1000) return (n / 1000).toFixed(n >= 10_000 ? 0 : 1) + ' s';
  return (n >= 10 ? n.toFixed(0) : n.toFixed(1)) + ' ms';
}

export function short(id: string | null | undefined, keep = 14): string {
  if (!id) return '–';
  return id.length <= keep ? id : id.slice(0, keep) + '…';
}

/** A stable colour for a series name (a model), from a palette that reads well on white. */
const PALETTE = ['#4f46e5', '#0891b2', '#16a34a', '#ea580c', '#db2777', '#7c3aed', '#ca8a04', '#0d9488', '#dc2626', '#2563eb'];
export function colorFor(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}
