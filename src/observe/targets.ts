/**
 * Prometheus' HTTP service discovery answer for the kubelets of a cluster: one group per node, its
 * target the node's name, labelled with the node and the cluster (the admin's resources view asks
 * by both). How a node is reached is the scrape job's business (the install's goes through the API
 * server's node proxy, relabelling the target into the path). Pure.
 */
export interface TargetGroup { targets: string[]; labels: Record<string, string> }

export function kubeletTargetGroups(cluster: string, nodes: string[]): TargetGroup[] {
  return [...nodes].sort().map((node) => ({ targets: [node], labels: { cluster, node } }));
}
