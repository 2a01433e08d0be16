import { createHmac, randomUUID } from 'node:crypto';

/** Sends a GitHub-style push delivery, signed with `secret` (or with the given headers instead). */
export async function githubPush(webhookUrl: string, secret: string, p: { branch?: string; commit: string; message?: string },
  opts: { delivery?: string; signature?: string | null; event?: string; body?: string } = {}) {
  const body = opts.body ?? JSON.stringify({
    ref: `refs/heads/${p.branch ?? 'main'}`, after: p.commit,
    head_commit: { id: p.commit, message: p.message ?? 'change', author: { name: 'Ada' } }, pusher: { name: 'ada' },
  });
  const signature = opts.signature === undefined ? `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` : opts.signature;
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-github-event': opts.event ?? 'push', 'x-github-delivery': opts.delivery ?? randomUUID(),
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
    body,
  });
  return { status: res.status, body: await res.json().catch(() => undefined) as any };
}
