import { describe, expect, it } from 'vitest';
import { parseRegistryPath, personalise, pulledAs, sha256 } from '../scripts/local/node/registry-front.js';

describe('the registry front (registry.example/* served by the stand-in image)', () => {
  const layers = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:aa', size: 10 }];
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', config: { Env: ['PATH=/usr/bin'], Cmd: ['node', '/app/server.mjs'] } }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length }, layers }));
  const type = 'application/vnd.oci.image.manifest.v1+json';

  it('gives each name a config naming it, and a manifest pointing at that config and the same layers', () => {
    const a = personalise(manifest, type, config, 'registry.example/web:1');
    const b = personalise(manifest, type, config, 'registry.example/web:2');
    const aConfig = JSON.parse(a.config.bytes.toString());
    expect(aConfig.config.Env).toEqual(['PATH=/usr/bin', 'YUNBANG_STAND_IN_IMAGE=registry.example/web:1']);
    expect(aConfig.config.Cmd).toEqual(['node', '/app/server.mjs']);
    expect(a.config.digest).toBe(sha256(a.config.bytes));
    const aManifest = JSON.parse(a.manifest.bytes.toString());
    expect(aManifest.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: a.config.digest, size: a.config.bytes.length });
    expect(aManifest.layers).toEqual(layers);
    expect(a.manifest.digest).toBe(sha256(a.manifest.bytes));
    expect(a.manifest.mediaType).toBe(type);
    expect(b.manifest.digest).not.toBe(a.manifest.digest);
    // The same name twice is the same image (a pull by digest after a resolve finds it).
    expect(personalise(manifest, type, config, 'registry.example/web:1').manifest.digest).toBe(a.manifest.digest);
  });

  it('reads the registry API\'s paths and the name containerd pulled', () => {
    expect(parseRegistryPath('/v2/')).toEqual({ kind: 'base' });
    expect(parseRegistryPath('/v2/team/web/manifests/1?ns=registry.example')).toEqual({ kind: 'manifests', name: 'team/web', ref: '1' });
    expect(parseRegistryPath('/v2/web/blobs/sha256:ab')).toEqual({ kind: 'blobs', name: 'web', ref: 'sha256:ab' });
    expect(parseRegistryPath('/v2/web/tags/list')).toBeNull();
    expect(pulledAs('/v2/team/web/manifests/1?ns=registry.example', 'team/web', '1')).toBe('registry.example/team/web:1');
    expect(pulledAs('/v2/web/manifests/sha256:ab', 'web', 'sha256:ab')).toBe('registry.example/web@sha256:ab');
  });
});
