import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import { runDetector } from '../../src/build/detect-main.js';

/**
 * What the simulated node "runs" for Yunbang's build pods, since no container can run here:
 * the init container's own clone script (with real git, against the real repository), then
 *  - the detect container: Yunbang's real detector on the checkout;
 *  - the kaniko container: a stand-in that checks the Dockerfile as Kaniko would first, and
 *    reports a digest derived from the Dockerfile and the commit (no image is built or pushed).
 * Anything else is reported Running, like an app's pod.
 */
const run = promisify(execFile);

export interface Terminated { exitCode: number; message: string; logs: Record<string, string> }

/** Reads a Secret's data (decoded), as the kubelet does for env valueFrom.secretKeyRef and secret volumes. */
export type SecretReader = (namespace: string, name: string) => Promise<Record<string, string> | undefined>;

/** Where a path inside the container is on this machine: the workspace, and the secret volumes written out. */
type PathMap = [string, string][];
const mapPaths = (text: string, paths: PathMap) => paths.reduce((t, [from, to]) => t.replaceAll(from, to), text);

async function envOf(c: k8s.V1Container, paths: PathMap, namespace: string, secrets: SecretReader): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    out[e.name] = ref ? (await secrets(namespace, ref.name!))?.[ref.key] ?? '' : mapPaths(e.value ?? '', paths);
  }
  return out;
}

/** Writes the container's secret volumes out (mode as the pod says), as the kubelet mounts them. */
async function secretMounts(pod: k8s.V1Pod, c: k8s.V1Container, root: string, secrets: SecretReader): Promise<PathMap> {
  const out: PathMap = [];
  for (const m of c.volumeMounts ?? []) {
    const vol = pod.spec?.volumes?.find((v) => v.name === m.name)?.secret;
    if (!vol) continue;
    const data = (await secrets(pod.metadata!.namespace!, vol.secretName!)) ?? {};
    const dir = join(root, `mount-${m.name}`);
    await mkdir(dir, { recursive: true });
    // The key file is this process's own here (the pod's fsGroup cannot apply), so ssh wants it private.
    for (const [k, v] of Object.entries(data)) await writeFile(join(dir, k), v, { mode: 0o600 });
    out.push([m.mountPath, dir]);
  }
  return out;
}

export function isBuildPod(pod: k8s.V1Pod): boolean {
  return ['detect', 'build'].includes(pod.metadata?.labels?.['yunbang.dev/role'] ?? '');
}

export async function runBuildPod(pod: k8s.V1Pod, secrets: SecretReader): Promise<Terminated> {
  const ns = pod.metadata!.namespace!;
  const workspace = await mkdtemp(join(tmpdir(), 'sim-workspace-'));
  const logs: Record<string, string> = {};
  try {
    for (const init of pod.spec?.initContainers ?? []) {
      const paths: PathMap = [['/workspace', workspace], ...await secretMounts(pod, init, join(workspace, '.mounts'), secrets)];
      const script = mapPaths((init.command ?? []).at(-1)!, paths);
      try {
        const out = await run('sh', ['-c', script], { env: { ...process.env, ...(await envOf(init, paths, ns, secrets)) }, timeout: 120_000 });
        logs[init.name] = out.stdout + out.stderr;
      } catch (err) {
        const e = err as { stderr?: string; code?: number };
        logs[init.name] = e.stderr ?? '';
        return { exitCode: 128, message: `init container ${init.name} failed: ${(e.stderr ?? '').trim().split('\n').pop() ?? ''}`, logs };
      }
    }
    const main = pod.spec!.containers[0]!;
    if (main.name === 'detect') {
      const dir = main.command!.at(-1)!.replaceAll('/workspace', workspace);
      const report = await runDetector(dir, await envOf(main, [['/workspace', workspace]], ns, secrets));
      logs.detect = report.error ? `detection failed: ${report.error}\n` : `detected ${report.plan!.language} from ${report.plan!.evidence.join(', ')}\n`;
      return { exitCode: report.error ? 1 : 0, message: JSON.stringify(report), logs };
    }
    if (main.name === 'kaniko') return await kaniko(main, workspace, logs);
    return { exitCode: 0, message: '', logs };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function kaniko(c: k8s.V1Container, workspace: string, logs: Record<string, string>): Promise<Terminated> {
  const arg = (name: string) => c.args?.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).replaceAll('/workspace', workspace);
  const dockerfile = arg('dockerfile')!;
  const destination = arg('destination')!;
  const revision = arg('label')?.replace('org.opencontainers.image.revision=', '') ?? '';
  const text = await readFile(dockerfile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    logs.kaniko = `error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile\n`;
    return { exitCode: 1, message: 'error resolving dockerfile path: no Dockerfile at the given path', logs };
  }
  const first = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !/^ARG\s/i.test(l));
  if (!first || !/^FROM\s/i.test(first)) {
    logs.kaniko = `error building image: parsing dockerfile: the first instruction must be FROM\n`;
    return { exitCode: 1, message: 'error building image: parsing dockerfile: the first instruction must be FROM', logs };
  }
  const digest = `sha256:${createHash('sha256').update(text).update(revision).digest('hex')}`;
  logs.kaniko = [
    `INFO[0000] (simulated Kaniko) building ${dockerfile.replace(workspace, '/workspace')}`,
    `INFO[0001] ${first}`,
    `INFO[0002] Pushing image to ${destination}`,
    `INFO[0003] Pushed ${destination.split(':').slice(0, -1).join(':') || destination}@${digest}`,
  ].join('\n') + '\n';
  return { exitCode: 0, message: digest, logs };
}
