import { execFile } from 'node:child_process';
import { inject } from 'vitest';
import { LOCAL_ADDRESS_MAP, mapAddress, parseAddressMap } from '../../gateway/address-map.js';
import { nsenter } from '../../scripts/local/node/netns.js';
import type { RealNodeInfo } from '../../scripts/local/stack.js';

/** `local`'s real node, when the run gave it one (the default as root; test/global-setup.ts). */
export const localRealNode = (): RealNodeInfo | undefined => inject('stack').realNode;

/**
 * The first line a `registry.example/*` stand-in logs: the simulated node prints its own, the real
 * node's container its server's (scripts/local/node/image-files/stand-in-app.mjs).
 */
export const STAND_IN_STARTED = /simulated container app started from |stand-in \S+ listening on \d+/;

/**
 * GET a pod's port from the test process, as a client inside the cluster would: a simulated pod
 * listens on loopback at its mapped address, a real node's pod only inside the node's network
 * namespace (curl runs there; nothing leaves the machine). `node`: the pod's real node, null for a
 * simulated one (by default `local`'s).
 */
export async function getFromPod(podIP: string, port: number, path: string, node: RealNodeInfo | null = localRealNode() ?? null): Promise<{ status: number; body: string }> {
  if (!node) {
    const r = await fetch(`http://${mapAddress(podIP, parseAddressMap(LOCAL_ADDRESS_MAP))}:${port}${path}`);
    return { status: r.status, body: await r.text() };
  }
  const [cmd, ...prefix] = nsenter({ path: node.netns });
  const out = await new Promise<string>((resolve, reject) => execFile(cmd!, [...prefix, 'curl', '-sS', '--max-time', '10', '-w', '\n%{http_code}', `http://${podIP}:${port}${path}`],
    (err, stdout, stderr) => (err ? reject(new Error(`curl to ${podIP}:${port}${path} in the node's namespace: ${stderr || err.message}`)) : resolve(stdout))));
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}
