/**
 * Images a cluster's nodes serve from local stand-ins instead of the upstream image. The local
 * stack's real node serves `mysql:8.4` from MariaDB 10.11 built from Debian's packages, and its
 * simulated node serves every image from one stand-in HTTP server; each node says so in an
 * annotation, so the API, the console and `yb ps` can tell the app's owner what really runs.
 * Production nodes carry no such annotation, and nothing is shown.
 */
export const STAND_IN_ANNOTATION = 'yunbang.dev/stand-in-images';
/**
 * `none` on a node that pulls no image from outside (the local real node: only its own registry
 * and stand-ins), so an image it has no stand-in for can never start there.
 */
export const PULLS_ANNOTATION = 'yunbang.dev/pulls-images';

/**
 * Upstream reference (normalised) → what serves it locally; a key ending in `/*` covers every
 * image under that prefix (`registry.example/*`), and the key `*` every image.
 */
export type StandIns = Record<string, string>;

/** What a cluster's nodes declare: their stand-ins, and whether every one of them is offline. */
export interface LocalImages { images: StandIns; offline: boolean }

interface NodeLike { metadata?: { annotations?: Record<string, string> } }

/** The nodes' declarations, united; a malformed annotation is ignored (it is informative only). */
export function nodeStandIns(nodes: NodeLike[]): LocalImages {
  const out: StandIns = {};
  const offline = nodes.length > 0 && nodes.every((n) => n.metadata?.annotations?.[PULLS_ANNOTATION] === 'none');
  for (const n of nodes) {
    const raw = n.metadata?.annotations?.[STAND_IN_ANNOTATION];
    if (!raw) continue;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k.endsWith('*') ? k : normalizeImage(k)] = v.slice(0, 200);
    } catch { /* not JSON: ignored */ }
  }
  return { images: out, offline };
}

/**
 * One spelling per image, as containerd resolves it: `nginx`, `nginx:latest`,
 * `docker.io/library/nginx:latest` are all `nginx:latest`. A digest reference stays as written.
 */
export function normalizeImage(ref: string): string {
  let r = ref.trim();
  if (r.startsWith('docker.io/')) r = r.slice('docker.io/'.length);
  if (r.startsWith('index.docker.io/')) r = r.slice('index.docker.io/'.length);
  if (r.startsWith('library/') && r.split('/').length === 2) r = r.slice('library/'.length);
  if (r.includes('@')) return r;
  const lastSlash = r.lastIndexOf('/');
  return r.slice(lastSlash + 1).includes(':') ? r : `${r}:latest`;
}

/** What serves `image` on a cluster with these stand-ins; null where the image itself runs. */
export function servedBy(image: string | null, local: LocalImages): string | null {
  if (!image) return null;
  const name = normalizeImage(image);
  const prefix = Object.keys(local.images).find((k) => k.endsWith('/*') && name.startsWith(k.slice(0, -1)));
  return local.images[name] ?? (prefix ? local.images[prefix]! : undefined) ?? local.images['*'] ?? null;
}

/**
 * Why `image` cannot run on the cluster, if it cannot: its nodes pull nothing from outside and
 * serve no stand-in for it. Images in the platform's own registry (builds) always can.
 */
export function unavailableImage(image: string, local: LocalImages, ownRegistry?: string): string | null {
  if (!local.offline || servedBy(image, local) !== null || (ownRegistry && image.startsWith(`${ownRegistry}/`))) return null;
  return `${image} is not available on this cluster: its nodes pull no images from outside and serve no local stand-in for it`;
}
