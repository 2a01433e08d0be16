import type { RealNodeInfo } from '../../scripts/local/stack.js';
/** What the platform needs on a real node's cluster: builds push to the node's registry, which pods reach at the node's address. */
export function realNodeEnv(node: RealNodeInfo | undefined): Record<string, string> {
  // Test git servers are reached at the node's address (helpers/git-server.ts).
  return node ? { YUNBANG_REGISTRY: node.registryInNode, YUNBANG_REGISTRY_CIDRS: `${node.nodeIp}/32`, YUNBANG_GIT_ALLOWED_HOSTS: `127.0.0.1,${node.nodeIp}` } : {};
}
