import { execFile, execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { kubeBinDir } from '../../scripts/local/control-plane.js';
import { EVALUATION_REGISTRY_PORT } from '../../scripts/local/node/real-node.js';
import type { RealNodeInfo } from '../../scripts/local/stack.js';

const execFileAsync = promisify(execFile);

/** The names the installed platform answers at in the install test (a user's own DNS names in the README). */
export const INSTALL_HOST = 'yunbang.install.test';
export const INSTALL_APPS_DOMAIN = 'apps.install.test';

export interface InstallSecrets { postgresPassword: string; adminToken: string; secretKey: string; gatewayKey: string; monitoringToken: string }

/**
 * The README's install overlay: overlays/evaluation with the operator's settings and secrets, less
 * the local image name and with this node's address for the registry and the git server.
 */
export function evaluationOverlay(o: { dir: string; node: RealNodeInfo; image: string; secrets: InstallSecrets }): string {
  const [repository, tag] = o.image.split(/:(?=[^:]+$)/);
  return `namespace: yunbang-system
bases:
  - ${relative(o.dir, new URL('../../k8s/install/overlays/evaluation', import.meta.url).pathname)}
configMapGenerator:
  - name: yunbang-config
    behavior: merge
    literals:
      - YUNBANG_REGISTRY=${o.node.nodeIp}:${EVALUATION_REGISTRY_PORT}
      - YUNBANG_REGISTRY_CIDRS=${o.node.nodeIp}/32
      - YUNBANG_PUBLIC_URL=http://${INSTALL_HOST}
      - YUNBANG_APPS_DOMAIN=${INSTALL_APPS_DOMAIN}
      - YUNBANG_GIT_ALLOWED_HOSTS=${o.node.nodeIp}
secretGenerator:
  - name: yunbang-secrets
    behavior: replace
    type: Opaque
    literals:
      - POSTGRES_PASSWORD=${o.secrets.postgresPassword}
      - YUNBANG_ADMIN_TOKEN=${o.secrets.adminToken}
      - YUNBANG_SECRET_KEY=${o.secrets.secretKey}
      - YUNBANG_GATEWAY_KEY=${o.secrets.gatewayKey}
      - YUNBANG_MONITORING_TOKEN=${o.secrets.monitoringToken}
images:
  - name: ghcr.io/yunbang/yunbang
    newName: ${repository}
    newTag: ${tag}
`;
}

/** kubectl v1.20 (the prepared binaries') against a kubeconfig. */
export function kubectlOf(kubeconfig: string) {
  const args = (a: string[]) => ['--kubeconfig', kubeconfig, ...a];
  return {
    sync: (a: string[], input?: string) => execFileSync(`${kubeBinDir}/kubectl`, args(a), { encoding: 'utf8', input, maxBuffer: 64 << 20 }),
    async: async (a: string[]) => (await execFileAsync(`${kubeBinDir}/kubectl`, args(a), { encoding: 'utf8', maxBuffer: 64 << 20 })).stdout,
  };
}

/** `kubectl kustomize` of the overlay, for the local API server: Kubernetes 1.20 serves PodDisruptionBudgets as policy/v1beta1 only. */
export function renderForLocalServer(kubectl: ReturnType<typeof kubectlOf>, overlayDir: string): string {
  return kubectl.sync(['kustomize', overlayDir]).replace(/^apiVersion: policy\/v1\n(kind: PodDisruptionBudget)/gm, 'apiVersion: policy/v1beta1\n$1');
}
