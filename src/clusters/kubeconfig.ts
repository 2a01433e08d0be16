import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { Invalid } from '../errors.js';

/**
 * Reads a kubeconfig the admin gives to register a cluster, refusing what would let a kubeconfig
 * act on the machine that reads it rather than on the cluster: `exec` and `auth-provider` run
 * commands or plugins, and file references (`certificate-authority`, `client-key`, `tokenFile`...)
 * read the API host's files. Only inline credentials are taken: a token, or a client certificate
 * and key, with the server's CA inline. One context (the current one) is used.
 */
const FILE_FIELDS = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile', 'token-file'];

export interface ParsedKubeconfig { config: k8s.KubeConfig; server: string }

export function parseKubeconfig(text: string, field = 'kubeconfig'): ParsedKubeconfig {
  const bad = (message: string) => Invalid.field(field, message);
  let doc: unknown;
  try { doc = parseYaml(text); } catch (err) { throw bad(`is not YAML: ${(err as Error).message.split('\n')[0]}`); }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('is not a kubeconfig (expected a YAML mapping with clusters, users and contexts)');
  const d = doc as { clusters?: { cluster?: Record<string, unknown> }[]; users?: { user?: Record<string, unknown> }[] };
  for (const c of d.clusters ?? []) {
    for (const f of FILE_FIELDS) if (c.cluster && f in c.cluster) throw bad(`refers to a file (${f}); give the data inline (${f}-data)`);
  }
  for (const u of d.users ?? []) {
    const user = u.user ?? {};
    if ('exec' in user) throw bad('uses an exec credential plugin, which would run a command on Yunbang\'s host; give a token of Yunbang\'s service account');
    if ('auth-provider' in user) throw bad('uses an auth-provider plugin; give a token of Yunbang\'s service account');
    for (const f of FILE_FIELDS) if (f in user) throw bad(`refers to a file (${f}); give the data inline`);
  }
  const config = new k8s.KubeConfig();
  try { config.loadFromString(text); } catch (err) { throw bad(`cannot be read: ${(err as Error).message}`); }
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  if (!config.getCurrentContext() || !cluster) throw bad('names no current context with a cluster');
  if (!user || (!user.token && !(user.certData && user.keyData))) throw bad('has no credentials: give a token, or a client certificate and key');
  let server: URL;
  try { server = new URL(cluster.server); } catch { throw bad(`has a server that is not a URL: ${cluster.server}`); }
  if (server.protocol !== 'https:') throw bad(`must reach the API server over https (got ${server.protocol.replace(':', '')})`);
  if (cluster.skipTLSVerify) throw bad('must verify the API server\'s certificate (insecure-skip-tls-verify is set)');
  return { config, server: cluster.server };
}
