import { LOCAL_BUILD_CPU_REQUEST, type ExtraCluster, type RealNodeInfo } from '../../scripts/local/stack.js';
import { inject } from 'vitest';
/** What the platform needs on a real node's cluster: builds push to the node's registry, which pods reach at the node's address. */
export function realNodeEnv(node: RealNodeInfo | undefined): Record<string, string> {
  // Test git servers are reached at the node's address (helpers/git-server.ts); builds request what npm start's do.
  return node
    ? { YUNBANG_REGISTRY: node.registryInNode, YUNBANG_REGISTRY_CIDRS: `${node.nodeIp}/32`, YUNBANG_GIT_ALLOWED_HOSTS: `127.0.0.1,${node.nodeIp}`, YUNBANG_BUILD_CPU_REQUEST: LOCAL_BUILD_CPU_REQUEST }
    : {};
}

/** The platform on another local cluster than `local`: its identities there, and (simulated) no node registry. */
export function onCluster(c: ExtraCluster | undefined): Record<string, string> {
  if (!c) return {};
  return {
    KUBECONFIG: c.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: c.API_KUBECONFIG,
    ...(c.realNode ? realNodeEnv(c.realNode) : { YUNBANG_REGISTRY: 'registry.yunbang.local:5000', YUNBANG_REGISTRY_CIDRS: '', YUNBANG_GIT_ALLOWED_HOSTS: '127.0.0.1' }),
  };
}

/**
 * A simulated cluster of the test stack: `local` when it is simulated, else the first extra one.
 * For files that test the platform's own orchestration around builds (superseding, deadlines,
 * cancelling, credentials), where the simulated Kaniko answers in a second; the real executor's
 * builds (30–60 s each on this machine's 2 cores) are test/real-node-builds.test.ts's.
 */
export function simulatedCluster(): ExtraCluster | undefined {
  const stack = inject('stack');
  if (!stack.realNode) return undefined;
  const c = stack.extraClusters.find((x) => x.node === 'simulated');
  if (!c) throw new Error('the test stack has no simulated cluster (test/global-setup.ts)');
  return c;
}
