import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import dnsPacket from 'dns-packet';
import { clusterRecords, inClusterDomain, type Records } from './dns-records.js';

/**
 * The local node's cluster DNS, run inside the node's network namespace on the node's address
 * (the kubelet's clusterDNS), port 53, UDP and TCP. It watches Services and Endpoints through the
 * API server (reached inside the namespace through the portal) and answers from memory. Names
 * outside cluster.local are refused: pods have no other name server, nothing of theirs leaves.
 *
 * Usage: dns-main.ts <listen address> <kubeconfig>
 */
const [address, kubeconfig] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig!);

let services: k8s.V1Service[] = [];
let endpoints: k8s.V1Endpoints[] = [];
let records: Records = new Map();
const rebuild = () => { records = clusterRecords(services, endpoints); };

function watchAll<T extends k8s.KubernetesObject>(path: string, list: () => Promise<k8s.KubernetesListObject<T>>, set: (items: T[]) => void): Promise<void> {
  const informer = k8s.makeInformer(kc, path, list);
  const update = () => { set([...informer.list()]); rebuild(); };
  for (const ev of ['add', 'update', 'delete'] as const) informer.on(ev, update);
  informer.on('error', () => setTimeout(() => void informer.start(), 1000));
  return informer.start();
}

const core = kc.makeApiClient(k8s.CoreV1Api);
await watchAll('/api/v1/services', () => core.listServiceForAllNamespaces(), (items) => { services = items; });
await watchAll('/api/v1/endpoints', () => core.listEndpointsForAllNamespaces(), (items) => { endpoints = items; });

function answer(query: Buffer): Buffer {
  const q = dnsPacket.decode(query);
  const question = q.questions?.[0];
  const base = { id: q.id, type: 'response' as const, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions };
  if (!question) return dnsPacket.encode({ ...base, flags: base.flags | 1 }); // FORMERR
  if (!inClusterDomain(question.name)) return dnsPacket.encode({ ...base, flags: dnsPacket.RECURSION_DESIRED | 5 }); // REFUSED
  const ips = records.get(question.name.toLowerCase());
  if (!ips) return dnsPacket.encode({ ...base, flags: base.flags | 3 }); // NXDOMAIN
  const answers = question.type === 'A' ? ips.map((ip) => ({ type: 'A' as const, name: question.name, ttl: 5, data: ip })) : [];
  return dnsPacket.encode({ ...base, answers });
}

const udp = createSocket('udp4');
udp.on('message', (msg, rinfo) => {
  try { udp.send(answer(msg), rinfo.port, rinfo.address); } catch { /* not DNS: ignored */ }
});
udp.bind(53, address);

// TCP: each message is prefixed by its length (RFC 1035 4.2.2).
createServer((sock) => {
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const len = buf.readUInt16BE(0);
      try {
        const reply = answer(buf.subarray(2, 2 + len));
        const head = Buffer.alloc(2);
        head.writeUInt16BE(reply.length);
        sock.write(Buffer.concat([head, reply]));
      } catch { sock.destroy(); return; }
      buf = buf.subarray(2 + len);
    }
  });
  sock.on('error', () => sock.destroy());
}).listen(53, address, () => process.stdout.write(`cluster DNS on ${address}:53\n`));
