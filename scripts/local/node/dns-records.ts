import type * as k8s from '@kubernetes/client-node';

/**
 * The cluster's DNS names, as CoreDNS's kubernetes plugin answers them (CoreDNS is not in Debian,
 * so the local node serves these itself): a pure function of the Services and Endpoints.
 *  - `<service>.<namespace>.svc.<domain>`: the ClusterIP, or for a headless Service every ready
 *    address of its Endpoints;
 *  - `<hostname>.<service>.<namespace>.svc.<domain>`: a StatefulSet pod behind a headless Service.
 */
export type Records = Map<string, string[]>;

export function clusterRecords(services: k8s.V1Service[], endpoints: k8s.V1Endpoints[], domain = 'cluster.local'): Records {
  const out: Records = new Map();
  const add = (name: string, ip: string) => {
    const key = name.toLowerCase();
    const list = out.get(key) ?? [];
    if (!list.includes(ip)) list.push(ip);
    out.set(key, list.sort());
  };
  const byName = new Map(endpoints.map((e) => [`${e.metadata?.namespace}/${e.metadata?.name}`, e]));
  for (const s of services) {
    const ns = s.metadata?.namespace;
    const name = s.metadata?.name;
    if (!ns || !name) continue;
    const fqdn = `${name}.${ns}.svc.${domain}`;
    const ip = s.spec?.clusterIP;
    if (ip && ip !== 'None') { add(fqdn, ip); continue; }
    for (const subset of byName.get(`${ns}/${name}`)?.subsets ?? []) {
      for (const a of subset.addresses ?? []) {
        add(fqdn, a.ip);
        if (a.hostname) add(`${a.hostname}.${fqdn}`, a.ip);
      }
    }
  }
  return out;
}

/** Is the name one the cluster's DNS answers for (NXDOMAIN for the rest of cluster.local, REFUSED outside it)? */
export const inClusterDomain = (name: string, domain = 'cluster.local') => name.toLowerCase() === domain || name.toLowerCase().endsWith(`.${domain}`);
