import { createServer, type ServerResponse } from 'node:http';
import { parseRegistryPath, personalise, pulledAs, type Blob } from './registry-front.js';

/**
 * The registry front's server, inside the node's namespace: containerd's hosts.toml sends
 * `registry.example` here. Manifests and configs made per name are kept in memory (a few KiB
 * each); layers are streamed from the node's registry.
 *
 * Usage: registry-front-main.ts <listen address:port> <registry address:port> <stand-in repository>
 */
const [listen, registry, repository] = process.argv.slice(2) as [string, string, string];
const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
const made = new Map<string, Blob>();
let base: { manifest: Buffer; type: string; config: Buffer } | undefined;

async function standIn() {
  if (base) return base;
  const m = await fetch(`http://${registry}/v2/${repository}/manifests/latest`, { headers: { accept: ACCEPT } });
  if (!m.ok) throw new Error(`the stand-in image ${repository}:latest: the registry answered ${m.status}`);
  const manifest = Buffer.from(await m.arrayBuffer());
  const type = m.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json';
  const digest = (JSON.parse(manifest.toString('utf8')) as { config: { digest: string } }).config.digest;
  const c = await fetch(`http://${registry}/v2/${repository}/blobs/${digest}`);
  if (!c.ok) throw new Error(`the stand-in's config: the registry answered ${c.status}`);
  base = { manifest, type, config: Buffer.from(await c.arrayBuffer()) };
  return base;
}

function send(res: ServerResponse, head: boolean, blob: Blob) {
  res.writeHead(200, { 'content-type': blob.mediaType, 'content-length': blob.bytes.length, 'docker-content-digest': blob.digest });
  res.end(head ? undefined : blob.bytes);
}

const server = createServer((req, res) => {
  const head = req.method === 'HEAD';
  const path = req.url ?? '/';
  const route = parseRegistryPath(path);
  void (async () => {
    if (!route || (req.method !== 'GET' && !head)) { res.writeHead(404).end(); return; }
    if (route.kind === 'base') { res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' }).end(); return; }
    const known = made.get(route.ref);
    if (known) { send(res, head, known); return; }
    if (route.kind === 'manifests') {
      if (route.ref.startsWith('sha256:')) { res.writeHead(404).end(); return; }
      const s = await standIn();
      const own = personalise(s.manifest, s.type, s.config, pulledAs(path, route.name, route.ref));
      made.set(own.manifest.digest, own.manifest);
      made.set(own.config.digest, own.config);
      send(res, head, own.manifest);
      return;
    }
    // A layer: the stand-in's own, from the registry.
    const upstream = await fetch(`http://${registry}/v2/${repository}/blobs/${route.ref}`, { method: req.method });
    res.writeHead(upstream.status, Object.fromEntries(['content-type', 'content-length', 'docker-content-digest'].flatMap((h) => (upstream.headers.get(h) ? [[h, upstream.headers.get(h)!]] : []))));
    if (head || !upstream.body) { res.end(); return; }
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  })().catch((err: Error) => {
    process.stderr.write(`${req.method} ${path}: ${err.message}\n`);
    if (!res.headersSent) res.writeHead(502).end(); else res.destroy();
  });
});
const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];
server.listen(port, host, () => process.stdout.write(`registry front on ${listen}\n`));
