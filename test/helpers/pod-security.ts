/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * as a checker of pod specs: the rules Pod Security admission enforces in a namespace labelled
 * `pod-security.kubernetes.io/enforce`. The local API server (1.20) predates that admission, so the
 * tests hold Yunbang's rendered pods to the standard with this instead.
 */
export type Level = 'baseline' | 'restricted';

interface SecurityContext {
  privileged?: boolean; runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] }; seccompProfile?: { type: string }; procMount?: string;
  seLinuxOptions?: { type?: string; user?: string; role?: string }; windowsOptions?: { hostProcess?: boolean };
}
interface Container { name: string; securityContext?: SecurityContext; ports?: { hostPort?: number }[] }
export interface PodSpec {
  hostNetwork?: boolean; hostPID?: boolean; hostIPC?: boolean;
  securityContext?: SecurityContext & { sysctls?: { name: string }[] };
  volumes?: Record<string, unknown>[];
  containers: Container[]; initContainers?: Container[];
}

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Every violation of the level, as "container: rule" lines; empty when the pod is admitted. */
export function violations(spec: PodSpec, level: Level): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('pod: host namespaces');
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`pod: unsafe sysctl ${s.name}`);
  if (pod.seccompProfile?.type === 'Unconfined') out.push('pod: seccomp Unconfined');
  for (const v of spec.volumes ?? []) if ('hostPath' in v) out.push(`pod: hostPath volume ${String(v.name)}`);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.windowsOptions?.hostProcess) out.push(`${c.name}: hostProcess`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) out.push(`${c.name}: adds ${cap}`);
    if ((c.ports ?? []).some((p) => p.hostPort)) out.push(`${c.name}: hostPort`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`${c.name}: procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`${c.name}: seccomp Unconfined`);
  }
  if (level === 'baseline') return out;

  for (const v of spec.volumes ?? []) {
    const kind = Object.keys(v).find((k) => k !== 'name');
    if (!kind || !RESTRICTED_VOLUMES.has(kind)) out.push(`pod: volume type ${kind} of ${String(v.name)}`);
  }
  if (pod.runAsUser === 0) out.push('pod: runAsUser 0');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation not false`);
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot) || sc.runAsNonRoot === false) out.push(`${c.name}: runAsNonRoot not true`);
    if (sc.runAsUser === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c.name}: seccomp profile not set`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${c.name}: does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`${c.name}: adds ${cap}`);
  }
  return out;
}

/** The pod spec inside a rendered object: a pod's own, or a workload's template. */
export function podSpecOf(o: { kind: string; spec?: unknown }): PodSpec | undefined {
  const spec = o.spec as { template?: { spec: PodSpec } } & PodSpec | undefined;
  if (o.kind === 'Pod') return spec;
  return spec?.template?.spec;
}
