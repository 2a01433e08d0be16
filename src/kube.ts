import * as k8s from '@kubernetes/client-node';

/** The Kubernetes API clients the worker uses. */
export interface Kube {
  config: k8s.KubeConfig;
  objects: k8s.KubernetesObjectApi;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
}

export function kubeClients(config: k8s.KubeConfig): Kube {
  return {
    config,
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
  };
}

export const statusCode = (err: unknown): number | undefined => (err as { code?: number }).code;
