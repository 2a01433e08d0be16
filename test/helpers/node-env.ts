import { LOCAL_BUILD_CPU_REQUEST, type ExtraCluster, type RealNodeInfo } from '../../scripts/local/stack.js';
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
