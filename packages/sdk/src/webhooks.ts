/**
 * Checks a webhook's HMAC-SHA256 signature as GitHub, Gitea and Yunbang's generic sender sign them
 * (`sha256=<hex>` or bare hex of HMAC(secret, raw body)), in constant time. The body must be the
 * exact bytes received, before any JSON parsing. Uses Web Crypto, so it runs in Node and browsers.
 */
export async function verifyWebhookSignature(o: { secret: string; body: string | Uint8Array; signature: string | null | undefined }): Promise<boolean> {
  const given = (o.signature ?? '').trim().replace(/^sha256=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(o.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const body = typeof o.body === 'string' ? enc.encode(o.body) : o.body;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, body as Uint8Array<ArrayBuffer>));
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= mac[i]! ^ parseInt(given.slice(i * 2, i * 2 + 2), 16);
  return diff === 0;
}
