import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { NODE_NAME } from './kubelet.js';

/**
 * Volumes for the real node's claims, as Rancher's local-path-provisioner gives them on k3s and
 * kind: a default StorageClass `local-path`, and for each claim of it a PersistentVolume on a
 * directory of the node's own (`<node>/volumes/<namespace>_<claim>_<uid>`), pinned to the node.
 * The controller-manager binds claim and volume; the kubelet mounts the directory; a pod that is
 * deleted and made again (a StatefulSet's) gets the same directory back, with its data. A volume
 * released by its deleted claim is deleted with its directory.
 */
export const STORAGE_CLASS = 'local-path';
const PROVISIONER = 'yunbang.dev/local-path';

/** The volume for a claim: a pure function of the claim and the volumes' directory. */
export function volumeFor(claim: k8s.V1PersistentVolumeClaim, root: string): k8s.V1PersistentVolume {
  const ns = claim.metadata!.namespace!;
  const name = claim.metadata!.name!;
  const uid = claim.metadata!.uid!;
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: `pvc-${uid}`, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER }, labels: { 'yunbang.dev/local-path': 'true' } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: STORAGE_CLASS,
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name, uid },
      hostPath: { path: join(root, `${ns}_${name}_${uid}`), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [NODE_NAME] }] }] } },
    },
  };
}

const wants = (c: k8s.V1PersistentVolumeClaim) =>
  !c.spec?.volumeName && (c.spec?.storageClassName ?? STORAGE_CLASS) === STORAGE_CLASS && c.status?.phase !== 'Bound' && !c.metadata?.deletionTimestamp;

export async function startLocalPath(kc: k8s.KubeConfig, root: string): Promise<{ stop(): void }> {
  mkdirSync(root, { recursive: true });
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await storage.createStorageClass({
    body: {
      metadata: { name: STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
    },
  }).catch((err: { code?: number }) => { if (err.code !== 409) throw err; });

  const provision = async (c: k8s.V1PersistentVolumeClaim) => {
    if (!wants(c)) return;
    const pv = volumeFor(c, root);
    // Writable by any user, as Rancher's local-path makes them (`mkdir -m 0777`): a hostPath volume
    // takes no fsGroup, so a pod running as nobody (Prometheus) could not write a root-owned
    // folder. mkdir's mode passes through the umask; chmod does not.
    mkdirSync(pv.spec!.hostPath!.path, { recursive: true });
    chmodSync(pv.spec!.hostPath!.path, 0o777);
    await core.createPersistentVolume({ body: pv }).catch((err: { code?: number }) => { if (err.code !== 409) throw err; });
  };
  const release = async (pv: k8s.V1PersistentVolume) => {
    if (pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] !== PROVISIONER || pv.status?.phase !== 'Released') return;
    const path = pv.spec?.hostPath?.path;
    if (path && path.startsWith(`${root}/`)) rmSync(path, { recursive: true, force: true });
    await core.deletePersistentVolume({ name: pv.metadata!.name! }).catch(() => {});
  };

  const claims = k8s.makeInformer(kc, '/api/v1/persistentvolumeclaims', () => core.listPersistentVolumeClaimForAllNamespaces());
  const volumes = k8s.makeInformer(kc, '/api/v1/persistentvolumes', () => core.listPersistentVolume());
  const quietly = <T>(f: (o: T) => Promise<void>) => (o: T) => { f(o).catch(() => {}); };
  claims.on('add', quietly(provision));
  claims.on('update', quietly(provision));
  volumes.on('update', quietly(release));
  volumes.on('add', quietly(release));
  let stopped = false;
  for (const inf of [claims, volumes]) inf.on('error', () => { if (!stopped) setTimeout(() => void inf.start(), 1000); });
  await claims.start();
  await volumes.start();
  return { stop: () => { stopped = true; void claims.stop(); void volumes.stop(); } };
}
