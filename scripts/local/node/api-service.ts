import * as k8s from '@kubernetes/client-node';

/**
 * Registers an aggregated API served on this machine's loopback, as its server's own manifest
 * would: an ExternalName Service naming 127.0.0.1 (the API server runs here) and the APIService
 * that sends the group's requests to it. Written anew at every start (the port changes). Created
 * or replaced, not server-side applied: Kubernetes 1.20's aggregator panics on an apply to an
 * APIService ("FieldManager must be installed to run apply"). `caBundle`: the serving
 * certificate's CA; without it, verification is skipped (as metrics-server's and KEDA's manifests do).
 * Resolves with what removes both again: an APIService whose server is gone makes the cluster's
 * discovery fail, and the namespace controller finishes no namespace's deletion meanwhile.
 */
export async function registerLocalApiService(admin: k8s.KubeConfig, o: {
  service: { namespace: string; name: string }; group: string; version: string; port: number; caBundle?: string;
}): Promise<() => Promise<void>> {
  const objects = k8s.KubernetesObjectApi.makeApiClient(admin);
  const put = async (obj: k8s.KubernetesObject) => {
    try {
      await objects.create(obj);
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      const live = await objects.read(obj as k8s.KubernetesObject & { metadata: { name: string } });
      await objects.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata?.resourceVersion } });
    }
  };
  await put({ apiVersion: 'v1', kind: 'Service', metadata: { ...o.service }, spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ port: o.port, protocol: 'TCP' }] } } as k8s.V1Service);
  await put({
    apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `${o.version}.${o.group}` },
    spec: {
      group: o.group, version: o.version, groupPriorityMinimum: 100, versionPriority: 100, service: { ...o.service, port: o.port },
      ...(o.caBundle ? { caBundle: Buffer.from(o.caBundle).toString('base64') } : { insecureSkipTLSVerify: true }),
    },
  } as k8s.KubernetesObject);
  return async () => {
    const gone = (err: { code?: number }) => { if (err.code !== 404) throw err; };
    await objects.delete({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: `${o.version}.${o.group}` } }).catch(gone);
    await objects.delete({ apiVersion: 'v1', kind: 'Service', metadata: { ...o.service } }).catch(gone);
  };
}

/** Where the local stack registers the API's external metrics (a Service name of its own). */
export const EXTERNAL_METRICS_SERVICE = { namespace: 'kube-system', name: 'yunbang-local-external-metrics' };

/** Registers the API's external.metrics.k8s.io server (server/main.ts, on loopback) with a local cluster, as k8s/install/observe does in one. */
export function registerExternalMetrics(admin: k8s.KubeConfig, port: number): Promise<() => Promise<void>> {
  return registerLocalApiService(admin, { service: EXTERNAL_METRICS_SERVICE, group: 'external.metrics.k8s.io', version: 'v1beta1', port });
}
