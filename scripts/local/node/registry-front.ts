import { createHash } from 'node:crypto';

/**
 * The registry front: serves the stand-in image (image-recipes.ts STAND_IN_REPOSITORY) under any
 * `registry.example/<name>:<tag>`, as a registry would serve distinct images. Each name gets a
 * config of its own (the stand-in's, plus YUNBANG_STAND_IN_IMAGE naming what was pulled, so the
 * server can answer with it), hence a manifest of its own; the layers are the stand-in's.
 * Pure: the server (registry-front-main.ts) fetches and serves what this computes.
 */
export interface Blob { digest: string; bytes: Buffer; mediaType: string }

export const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Manifest { mediaType?: string; config: { mediaType: string; digest: string; size: number }; layers: unknown[] }
interface ImageConfig { config?: { Env?: string[] } }

/** The manifest and config for `image`, made from the stand-in's manifest and config. */
export function personalise(manifestBytes: Buffer, manifestType: string, configBytes: Buffer, image: string): { manifest: Blob; config: Blob } {
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  const env = (config.config?.Env ?? []).filter((e) => !e.startsWith('YUNBANG_STAND_IN_IMAGE='));
  const ownConfig = Buffer.from(JSON.stringify({ ...config, config: { ...config.config, Env: [...env, `YUNBANG_STAND_IN_IMAGE=${image}`] } }));
  const configBlob: Blob = { digest: sha256(ownConfig), bytes: ownConfig, mediaType: manifest.config.mediaType };
  const ownManifest = Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: configBlob.digest, size: ownConfig.length } }));
  return { manifest: { digest: sha256(ownManifest), bytes: ownManifest, mediaType: manifestType }, config: configBlob };
}

/** A registry API path: `/v2/<name>/manifests/<ref>` or `/v2/<name>/blobs/<digest>`. */
export function parseRegistryPath(path: string): { kind: 'manifests' | 'blobs'; name: string; ref: string } | { kind: 'base' } | null {
  const p = path.split('?')[0]!;
  if (p === '/v2/' || p === '/v2') return { kind: 'base' };
  const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(p);
  return m ? { kind: m[2] as 'manifests' | 'blobs', name: m[1]!, ref: m[3]! } : null;
}

/** The image as it was asked for: containerd names the registry it mirrors in `?ns=`. */
export function pulledAs(path: string, name: string, ref: string): string {
  const ns = new URLSearchParams(path.split('?')[1] ?? '').get('ns') ?? 'registry.example';
  return `${ns}/${name}${ref.startsWith('sha256:') ? '@' : ':'}${ref}`;
}
