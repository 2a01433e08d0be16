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
 * Makes a KubeConfig reuse its connections. client-node 1.4 builds a new https.Agent for every
 * request, so every call opens a new TLS connection: on this machine's benchmark a server-side
 * apply took ~160 ms that way, most of it the handshake on both sides. Here one keep-alive agent
 * per cluster and context serves every call; anything else (a proxy, plain http) is left to
 * client-node.
 */
export function keepAlive(config: k8s.KubeConfig): k8s.KubeConfig {
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
    if (!agent) agents.set(key, agent = new Agent({ ...options, keepAlive: true }));
    return agent;
  };
  return config;
}

export function kubeClients(config: k8s.KubeConfig): Kube {
  keepAlive(config);
  return {
    config,
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
  };
}

export const statusCode = (err: unknown): number | undefined => (err as { code?: number }).code;
