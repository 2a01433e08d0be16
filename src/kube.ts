import { Agent } from 'node:https';
import * as k8s from '@kubernetes/client-node';

/** The Kubernetes API clients the worker uses. */
export interface Kube {
  config: k8s.KubeConfig;
  objects: k8s.KubernetesObjectApi;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
}

type AgentFactory = (cluster: k8s.Cluster | null, options: Record<string, unknown>) => unknown;
const pooled = new WeakSet<k8s.KubeConfig>();

/**
 * Makes a KubeConfig share one agent per cluster and context. client-node 1.4 builds a new
 * https.Agent for every request, so every call makes a full TLS handshake on both sides (a
 * server-side apply took ~160 ms that way on this machine); one shared agent resumes the TLS
 * session instead. It does not keep connections alive: node-fetch 2.7 (client-node's) fails a
 * chunked response read from a kept-alive socket with "Premature close" when the body arrives in
 * several reads, as it does through the cluster's Service address: in-cluster, 29 of 60 discovery
 * reads of apps/v1 failed that way, every reconcile of a Deployment with them (2026-12-07).
 * Anything else (a proxy, plain http) is left to client-node. `keepAlive` is for the benchmark's
 * strict baseline only, which talks to a local API server over loopback.
 */
export function sharedAgent(config: k8s.KubeConfig, o: { keepAlive?: boolean } = {}): k8s.KubeConfig {
  if (pooled.has(config)) return config;
  pooled.add(config);
  const target = config as unknown as { createAgent: AgentFactory };
  const original = target.createAgent.bind(config);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    if (!cluster?.server.startsWith('https:') || cluster.proxyUrl) return original(cluster, options);
    // The options follow from the cluster and the user of the current context: those are the key.
    const key = `${cluster.name}\n${cluster.server}\n${config.getCurrentContext()}`;
    let agent = agents.get(key);
    if (!agent) agents.set(key, agent = new Agent({ ...options, keepAlive: o.keepAlive ?? false }));
    return agent;
  };
  return config;
}

export function kubeClients(config: k8s.KubeConfig): Kube {
  sharedAgent(config);
  return {
    config,
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
  };
}

export const statusCode = (err: unknown): number | undefined => (err as { code?: number }).code;
