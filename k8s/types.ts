/** An environment variable as a container gets it. */
export interface EnvVar { name: string; value: string }

/** Container requests and limits as Kubernetes quantities (src/validation.ts checks them). */
export interface ResourceList { cpu?: string; memory?: string }
export interface Resources { requests?: ResourceList; limits?: ResourceList }

/** Unknown: the app's cluster cannot be reached, so nobody knows. */
export type Health = 'Ready' | 'Progressing' | 'Degraded' | 'Failed' | 'Missing' | 'Unknown';

/** A Kubernetes object as rendered: plain data, ready for server-side apply. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What the team renderer needs. */
export type PodSecurityLevel = 'baseline' | 'restricted';

export interface TeamIntent {
  name: string;
  namespace: string;
  generation: number;
  /** The Pod Security Standard the namespace enforces and app pods are rendered to meet (baseline). */
  podSecurity?: PodSecurityLevel;
  /** The team's ResourceQuota; absent: RenderSettings.teamQuota. */
  quota?: Record<string, string> | null;
}

/** Replicas between min and max, aiming at each target given (percent of the containers' requests). */
/**
 * An autoscaling rule: replicas between min and max, aiming at each target given. CPU and memory in
 * percent of what the containers request; requests a second per replica and the p95 latency as the
 * gateways measure them (served to the HPA through external.metrics.k8s.io). Rules saved before
 * the request targets existed have no such keys: read them as null.
 */
export interface AutoscalingRule {
  min: number; max: number; cpuPercent: number | null; memoryPercent: number | null;
  requestsPerReplica?: number | null; p95Ms?: number | null;
  /** Scale to zero (beta): asleep after this many minutes without a request; woken by the next one. */
  scaleToZeroAfterMinutes?: number | null;
}
/** What an HPA last said: replicas now and wanted, and whether it can scale (with why, when not). */
export interface AutoscalingStatus {
  currentReplicas: number; desiredReplicas: number; working: boolean; reason: string; message: string; lastScaleTime: string | null;
}

/** What the app renderer needs: the app's latest intent and its current release. */
export interface AppIntent {
  team: TeamIntent;
  name: string;
  generation: number;
  release: number;
  image: string;
  port: number;
  replicas: number;
  /** While set, a HorizontalPodAutoscaler sets the replicas between min and max (and `replicas` is not applied). */
  autoscaling?: AutoscalingRule | null;
  /** Asleep (scale to zero): no replicas and no HPA until a request wakes it. Absent: awake. */
  sleeping?: boolean;
  running: boolean;
  env: EnvVar[];
  domains: string[];
  resources: Resources;
  /** HTTP path for readiness/liveness probes; null probes the TCP port. */
  healthCheckPath: string | null;
  /** Serve the domains over TLS, one Secret per host (named by RenderSettings.tlsSecretTemplate). */
  tls: boolean;
  /** True for images Yunbang built (their user is non-root); a ready image keeps its own user. */
  runAsNonRoot: boolean;
  /** Set by restart: changes the pod template, so the Deployment rolls every pod. */
  restartedAt: string | null;
  /** First label of the app's default domain (under RenderSettings.appsDomain); null for backing services. */
  defaultLabel: string | null;
  /** Container args; null runs the image's own command. */
  args: string[] | null;
  /** Linux capabilities the image needs; every other one is dropped. */
  capabilities?: string[];
  /** Persistent volumes: an app with any runs as a StatefulSet with one claim per volume and pod. */
  volumes: Volume[];
  /** Values generated at first start, kept in the Secret `<app>-secrets` and given as env by name. */
  secrets: GeneratedSecret[];
  /** The apps this one depends on, with the connection info each exports. */
  dependencies: Dependency[];
  /** The apps that depend on this one: admitted on its port. */
  dependents: AppRef[];
  /** A backing service (it declares connection info): only its dependents reach it, not the whole team. */
  isolated: boolean;
}

export interface Volume { name: string; mountPath: string; size: string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany'; storageClass: string | null }

/** A value generated for an app at first start: its env name and length (the value lives only in a Secret). */
export interface GeneratedSecret { name: string; length: number }

export interface AppRef { team: string; app: string; namespace: string }

/**
 * Connection info as a dependency exports it: plain values (where `${host}` and `${port}` stand for
 * the dependency's Service) or the name of one of its generated secrets.
 */
export type ConnectionEntry = { name: string; value: string } | { name: string; secret: string };

export interface Dependency extends AppRef {
  port: number;
  exports: ConnectionEntry[];
}

/** Platform settings that shape rendering (from configuration). */
export interface RenderSettings {
  ingressClass: string;
  /** Labels that select the ingress controller's namespace (e.g. kubernetes.io/metadata.name=ingress-nginx). */
  ingressNamespaceSelector: Record<string, string>;
  /** Allow egress to public addresses (private ranges stay closed, so teams cannot reach each other). */
  egressInternet: boolean;
  /** The cluster's DNS pods: the only place pods may send DNS queries. */
  dns: { namespaceSelector: Record<string, string>; podSelector: Record<string, string> };
  /** Public addresses closed to egress besides the private ranges: the API server's or nodes' public addresses, if any (CIDRs). */
  egressDeny: string[];
  /** Where build pods may go besides DNS and public git hosts (https, ssh): the registry and allowed internal git hosts (CIDRs). */
  buildEgress: string[];
  /** ResourceQuota hard limits per team, e.g. { pods: '100', 'requests.cpu': '8' }. */
  teamQuota: Record<string, string>;
  /** LimitRange defaults for containers that declare no resources. */
  containerDefaults: { requests: Record<string, string>; limits: Record<string, string> };
  /** Secret name of a TLS host; `{host}` is replaced by the host with dots as dashes. */
  tlsSecretTemplate: string;
  /** Default domains are `<defaultLabel>.<appsDomain>`. */
  appsDomain: string;
  /** A Secret with a wildcard certificate for `*.<appsDomain>`, used for every default domain; null: one Secret per host. */
  appsTlsSecret: string | null;
  /** Team namespaces start with this: the worker creates and deletes no other namespace. */
  namespacePrefix: string;
  /** Yunbang's service accounts, bound to the tenant roles in every team namespace. */
  identities: { namespace: string; worker: string; api: string };
  /** Labels of the gateway's namespace and pods: app network policies admit them. */
  gateway: { namespaceSelector: Record<string, string>; podSelector: Record<string, string> };
  /** How long an autoscaled app's load must stay low before it is given fewer replicas (the HPA's scale-down window). */
  autoscaleDownSeconds: number;
  /**
   * How long a pod told to stop keeps serving first (its preStop hook sleeps): the gateways learn
   * it is going through the worker and etcd, some hundreds of milliseconds later, and must stop
   * sending it requests before it stops answering. 0: no hook.
   */
  drainSeconds: number;
}

export const defaultRenderSettings: RenderSettings = {
  ingressClass: 'nginx',
  ingressNamespaceSelector: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
  egressInternet: true,
  dns: { namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } },
  egressDeny: [],
  buildEgress: [],
  teamQuota: { pods: '100', 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.cpu': '16', 'limits.memory': '32Gi' },
  containerDefaults: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  tlsSecretTemplate: '{host}-tls',
  appsDomain: 'localhost',
  appsTlsSecret: null,
  namespacePrefix: 'yb-',
  identities: { namespace: 'yunbang-system', worker: 'yunbang-worker', api: 'yunbang-api' },
  autoscaleDownSeconds: 300, drainSeconds: 5,
  gateway: {
    namespaceSelector: { 'kubernetes.io/metadata.name': 'yunbang-system' },
    podSelector: { 'app.kubernetes.io/name': 'yunbang', 'app.kubernetes.io/component': 'gateway' },
  },
};
