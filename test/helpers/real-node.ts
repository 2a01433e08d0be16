import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { inject } from 'vitest';
import { rest } from './clients.js';
import { makeTeam } from './fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './full.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { ADMIN } from './platform.js';

/**
 * The platform on the test stack's real-node cluster (`local-3`: containerd, runc, the kubelet and
 * kube-proxy in a network namespace of the stack's own), its gateway's nginx beside the pods, a
 * team of its own, and the admin's client of that cluster for the test's own assertions.
 */
export interface RealNodePlatform {
  p: FullPlatform;
  gw: TestGateway;
  admin: ReturnType<typeof rest>;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  team: string;
  cluster: ReturnType<typeof inject<'stack'>>['extraClusters'][number];
  /** Waits until the app's status (for its current generation) passes `want`. */
  status(app: string, want: (s: any) => boolean, timeoutMs?: number): Promise<any>;
  podsOf(app: string): Promise<k8s.V1Pod[]>;
  /** `kubectl exec`: runs a command in a container through the API server; resolves with its output and status. */
  exec(pod: string, command: string[], container?: string): Promise<{ out: string; status: string }>;
  close(): Promise<void>;
}

/** `local` when it has the real node (the default), otherwise (YUNBANG_TEST_NODE=simulated) the extra cluster that has it. */
function realCluster() {
  const stack = inject('stack');
  if (stack.realNode) {
    return {
      name: 'local', KUBECONFIG: stack.KUBECONFIG, WORKER_KUBECONFIG: stack.WORKER_KUBECONFIG, API_KUBECONFIG: stack.API_KUBECONFIG,
      appsDomain: 'localhost', apiserverPid: 0, node: 'real' as const, realNode: stack.realNode,
    };
  }
  const cluster = stack.extraClusters.find((c) => c.node === 'real');
  if (!cluster?.realNode) throw new Error('the test stack has no cluster with a real node (test/global-setup.ts)');
  return cluster as typeof cluster & { realNode: NonNullable<typeof cluster.realNode> };
}


/** The test stack's real node: its namespace, addresses and registry. */
export const realNodeOfStack = () => realCluster().realNode;

export async function startRealNodePlatform(extraEnv: Record<string, string> = {}): Promise<RealNodePlatform> {
  const cluster = realCluster();
  // The platform's own cluster is the real node's, with Yunbang's identities there; builds push
  // to the node's registry, which pods reach at the node's address (onCluster in node-env.ts).
  const p = await startFullPlatform(extraEnv, { cluster });
  const admin = rest(p.url, ADMIN);
  const { kc, core } = p; // the admin's: the test's own assertions only
  const gw = await startTestGateway({ realNode: cluster.realNode });
  const team = await makeTeam(p.url);
  const ns = `yb-${team}`;
  return {
    p, gw, admin, kc, core, team, cluster,
    status: (app, want, timeoutMs = 60_000) => eventually(`${team}/${app} status`, async () => {
      const a = (await admin('GET', `/teams/${team}/apps/${app}`)).body;
      if (a.status?.observedGeneration === a.generation && want(a.status)) return a;
      throw new Error(JSON.stringify(a.status));
    }, timeoutMs),
    podsOf: async (app) => (await core.listNamespacedPod({ namespace: ns, labelSelector: `yunbang.dev/app=${app}` })).items.filter((x) => !x.metadata?.deletionTimestamp),
    exec: async (pod, command, container = 'app') => {
      let out = '';
      const sink = new Writable({ write(c, _e, cb) { out += String(c); cb(); } });
      const result = await new Promise<k8s.V1Status>((resolve, reject) => {
        new k8s.Exec(kc).exec(ns, pod, container, command, sink, sink, null, false, resolve).catch(reject);
      });
      return { out, status: result.status ?? '' };
    },
    // p.close deletes its teams' namespaces: on 2 cores, what one file leaves running slows every later one.
    close: async () => { await gw.stop(); await p.close(); },
  };
}
