/** A one-line account of an error from the Kubernetes API, etcd or the network. */
export function describe(err: unknown): string {
  const e = err as { code?: number | string; body?: unknown; message?: string };
  let body = '';
  if (typeof e.body === 'string') {
    try { body = (JSON.parse(e.body) as { message?: string }).message ?? ''; } catch { body = e.body.slice(0, 200); }
  } else if (e.body && typeof e.body === 'object') {
    body = (e.body as { message?: string }).message ?? '';
  }
  const text = body || e.message || String(err);
  return e.code !== undefined && typeof e.code === 'number' ? `HTTP ${e.code}: ${text}` : text;
}
