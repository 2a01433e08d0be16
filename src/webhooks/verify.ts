import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Git hosts' webhook signatures, checked over the raw body before anything is parsed, in
 * constant time. Pure functions.
 */
export type Provider = 'github' | 'gitlab' | 'gitea' | 'generic';

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** The sender, from the path when it names one, else from the headers each host sends. */
export function providerOf(h: IncomingHttpHeaders, fromPath?: string): Provider | undefined {
  if (fromPath) return (['github', 'gitlab', 'gitea', 'generic'] as const).find((p) => p === fromPath);
  if (header(h, 'x-gitea-event')) return 'gitea'; // Gitea also sends X-GitHub-Event for compatibility
  if (header(h, 'x-github-event')) return 'github';
  if (header(h, 'x-gitlab-event')) return 'gitlab';
  return 'generic';
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hmac = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

export function verify(provider: Provider, h: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  switch (provider) {
    case 'github': { const s = header(h, 'x-hub-signature-256'); return !!s && equal(s, `sha256=${hmac(secret, body)}`); }
    case 'gitea': { const s = header(h, 'x-gitea-signature'); return !!s && equal(s, hmac(secret, body)); }
    case 'gitlab': { const s = header(h, 'x-gitlab-token'); return !!s && equal(s, secret); }
    case 'generic': { const s = header(h, 'x-yunbang-signature'); return !!s && equal(s, `sha256=${hmac(secret, body)}`); }
  }
}

export interface Push { branch: string | null; tag: string | null; commit: string; author: string | null; message: string | null }
export type Delivery = { kind: 'ping' } | { kind: 'push'; push: Push } | { kind: 'other'; event: string };

/** What a verified delivery asks for. Throws on a body that is not the JSON the host sends. */
export function parseDelivery(provider: Provider, h: IncomingHttpHeaders, body: Buffer): Delivery {
  const json = JSON.parse(body.toString('utf8')) as Record<string, any>;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SyntaxError('not a JSON object');
  const event = provider === 'github' ? header(h, 'x-github-event') : provider === 'gitea' ? header(h, 'x-gitea-event')
    : provider === 'gitlab' ? header(h, 'x-gitlab-event') : (json.event as string | undefined) ?? 'push';
  if (event === 'ping' || (provider === 'gitlab' && json.object_kind === 'ping')) return { kind: 'ping' };
  const isPush = provider === 'gitlab' ? json.object_kind === 'push' || json.object_kind === 'tag_push' : event === 'push';
  if (!isPush) return { kind: 'other', event: String(event) };
  const ref = String(json.ref ?? '');
  const commit = String((provider === 'gitlab' ? json.checkout_sha ?? json.after : json.after ?? json.commit) ?? '');
  const head = provider === 'gitlab' ? (json.commits as any[] | undefined)?.at(-1) : json.head_commit;
  return {
    kind: 'push',
    push: {
      branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
      tag: ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null,
      commit,
      author: head?.author?.name ?? json.user_name ?? json.pusher?.name ?? null,
      message: typeof head?.message === 'string' ? head.message.split('\n')[0].slice(0, 500) : null,
    },
  };
}

/** The host's id of this delivery (retries reuse it), if it sends one. */
export function deliveryId(provider: Provider, h: IncomingHttpHeaders): string | undefined {
  const name = { github: 'x-github-delivery', gitea: 'x-gitea-delivery', gitlab: 'x-gitlab-event-uuid', generic: 'x-yunbang-delivery' }[provider];
  return header(h, name)?.slice(0, 200);
}
