import { RELEASE, REPLICAS_BY, RESTARTED_AT, appLabels, appPodsSelector, selectorLabels } from '../labels.js';
import { autoscaled, canSleep } from './autoscaler.js';
import type { AppIntent, K8sObject, RenderSettings } from '../types.js';
import { accessLabels, connectionEnv, generatedSecretName } from './connect.js';
import { appHosts, underAppsDomain } from './hosts.js';
import { appMeta as meta } from './meta.js';

/** Drops empty request/limit maps: an empty object is not the same as "not set" to the API server. */
function containerResources(app: AppIntent) {
  const out: Record<string, Record<string, string>> = {};
  for (const k of ['requests', 'limits'] as const) {
    const list = Object.fromEntries(Object.entries(app.resources[k] ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if (Object.keys(list).length > 0) out[k] = list;
  }
  return out;
}

/**
 * The container's env, in the order Kubernetes expands `$(NAME)` references: PORT, then the
 * connection info of dependencies, then generated secrets, then the app's own env, which may refer
 * to any of them and wins over all of them.
 */
export function containerEnv(app: AppIntent) {
  const own = new Set(app.env.map((e) => e.name));
  const generated = app.secrets.map((x) => x.name);
  const { env: fromDependencies } = connectionEnv({ app: app.name, namespace: app.team.namespace }, app.dependencies, [...own, ...generated, 'PORT']);
  const secrets = generated.filter((k) => !own.has(k))
    .map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: generatedSecretName(app.name), key } } }));
  return [{ name: 'PORT', value: String(app.port) }, ...fromDependencies, ...secrets, ...app.env];
}

/**
 * Least privilege where Yunbang knows what the image needs: every capability dropped but those the
 * app declares (templates declare theirs). A non-root pod needs none. A ready image in a baseline
 * team that declares nothing keeps the runtime's defaults but NET_RAW (baseline allows them, and
 * official images that start as root use chown and setuid to drop privileges).
 */
export function capabilities(app: AppIntent, nonRoot: boolean): { drop: string[]; add?: string[] } {
  const add = [...(app.capabilities ?? [])].sort();
  if (add.length > 0) return { drop: ['ALL'], add };
  return nonRoot ? { drop: ['ALL'] } : { drop: ['NET_RAW'] };
}

export function podTemplate(app: AppIntent, s: Pick<RenderSettings, 'drainSeconds'>) {
  // TCP on the app's port unless the app names an HTTP path to probe.
  const check = app.healthCheckPath ? { httpGet: { path: app.healthCheckPath, port: 'http' } } : { tcpSocket: { port: 'http' } };
  const probe = { ...check, timeoutSeconds: 2, failureThreshold: 3 };
  const annotations: Record<string, string> = { [RELEASE]: String(app.release) };
  if (app.restartedAt) annotations[RESTARTED_AT] = app.restartedAt;
  // Non-root where the image allows it (images Yunbang built run as UID 10001), and always in a
  // restricted team; a ready image in a baseline team keeps its user, since many official images
  // start as root and drop privileges themselves.
  const nonRoot = app.runAsNonRoot || app.team.podSecurity === 'restricted';
  return {
    metadata: { labels: { ...appLabels(app.team.name, app.name), ...accessLabels(app) }, annotations },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' }, ...(nonRoot ? { runAsNonRoot: true } : {}) },
      containers: [{
        name: 'app',
        image: app.image,
        ...(app.args ? { args: app.args } : {}),
        ports: [{ name: 'http', containerPort: app.port, protocol: 'TCP' }],
        env: containerEnv(app),
        resources: containerResources(app),
        ...(app.volumes.length ? { volumeMounts: app.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) } : {}),
        // Readiness decides when the gateway sends a pod traffic: probed from the container's start
        // and every 2 s, so a new pod joins (and a failing one leaves) within seconds. An app that
        // may sleep is probed every second (Kubernetes' least): its first request waits for it.
        readinessProbe: { ...probe, periodSeconds: canSleep(app) ? 1 : 2 },
        livenessProbe: { ...probe, initialDelaySeconds: 15, periodSeconds: 20 },
        securityContext: { allowPrivilegeEscalation: false, capabilities: capabilities(app, nonRoot) },
        // The drain: `sleep` from the image, as Kubernetes before 1.29 has no sleep action of its
        // own. An image without one (distroless) fails the hook, and the kubelet then stops the
        // container at once, as it would without it.
        ...(s.drainSeconds > 0 ? { lifecycle: { preStop: { exec: { command: ['sleep', String(s.drainSeconds)] } } } } : {}),
      }],
      // The drain comes out of the grace period: the app keeps Kubernetes' 30 s to stop after it.
      ...(s.drainSeconds > 0 ? { terminationGracePeriodSeconds: 30 + s.drainSeconds } : {}),
    },
  };
}

/**
 * An app without volumes: a Deployment that rolls with no unavailability. An autoscaled one is
 * rendered without `replicas`, which its HPA sets (were Yunbang to apply them, the two would
 * fight). An annotation says who sets them, so each switch between the two is a change to apply,
 * and tells the reconcile when to hand the field over (k8s/apply.ts, handOverReplicas).
 */
export function deployment(app: AppIntent, s: Pick<RenderSettings, 'drainSeconds'>): K8sObject {
  const hpa = autoscaled(app);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(app), annotations: { [RELEASE]: String(app.release), [REPLICAS_BY]: hpa ? 'autoscaler' : 'yunbang' } },
    spec: {
      // Asleep (scale to zero): none until a request wakes it; the HPA is removed meanwhile (it
      // would not act on a workload at 0 anyway).
      ...(hpa ? {} : { replicas: app.running && !app.sleeping ? app.replicas : 0 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(app.team.name, app.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: podTemplate(app, s),
    },
  };
}

export const headlessServiceName = (app: string) => `${app}-pods`;

/**
 * An app with volumes: a StatefulSet, so each pod keeps its own claims (and its name) across
 * restarts, with a headless Service giving the pods stable DNS names. Claims outlive the app
 * unless its data is deleted with it.
 */
export function statefulSet(app: AppIntent, s: Pick<RenderSettings, 'drainSeconds'>): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...meta(app), annotations: { [RELEASE]: String(app.release) } },
    spec: {
      replicas: app.running ? app.replicas : 0,
      revisionHistoryLimit: 5,
      serviceName: headlessServiceName(app.name),
      selector: { matchLabels: selectorLabels(app.team.name, app.name) },
      updateStrategy: { type: 'RollingUpdate' },
      template: podTemplate(app, s),
      volumeClaimTemplates: app.volumes.map((v) => ({
        metadata: { name: v.name, labels: appLabels(app.team.name, app.name) },
        spec: {
          accessModes: [v.accessMode],
          resources: { requests: { storage: v.size } },
          ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
        },
      })),
    },
  };
}

export function headlessService(app: AppIntent): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(app, headlessServiceName(app.name)),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(app.team.name, app.name),
      ports: [{ name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function service(app: AppIntent): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(app),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(app.team.name, app.name),
      // Kubernetes 1.20's server-side apply needs the protocol on every port.
      ports: [{ name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export const tlsSecretName = (template: string, host: string) => template.replace('{host}', host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-'));

/**
 * The Secret holding a TLS host's certificate: one wildcard certificate for every default domain
 * when the platform has one (RenderSettings.appsTlsSecret), else one Secret per host.
 */
export const hostTlsSecret = (host: string, s: Pick<RenderSettings, 'tlsSecretTemplate' | 'appsDomain' | 'appsTlsSecret'>) =>
  (s.appsTlsSecret && underAppsDomain(host, s.appsDomain) ? s.appsTlsSecret : tlsSecretName(s.tlsSecretTemplate, host));

/** For clusters that bring their own ingress controller: every host of the app, as Yunbang's gateway serves them. */
export function ingress(app: AppIntent, s: RenderSettings): K8sObject | undefined {
  const hosts = appHosts(app, s);
  if (hosts.length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(app),
    spec: {
      ingressClassName: s.ingressClass,
      rules: hosts.map((host) => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app.name, port: { name: 'http' } } } }] },
      })),
      ...(app.tls ? { tls: hosts.map((host) => ({ hosts: [host], secretName: hostTlsSecret(host, s) })) } : {}),
    },
  };
}

/** An app with hosts admits Yunbang's gateway pods and the ingress controller, on its port only. */
export function ingressPolicy(app: AppIntent, s: RenderSettings): K8sObject | undefined {
  if (appHosts(app, s).length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(app, `${app.name}-from-ingress`),
    spec: {
      podSelector: appPodsSelector(app.team.name, app.name),
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { ...s.gateway.namespaceSelector } }, podSelector: { matchLabels: { ...s.gateway.podSelector } } },
          { namespaceSelector: { matchLabels: { ...s.ingressNamespaceSelector } } },
        ],
        ports: [{ protocol: 'TCP', port: app.port }],
      }],
    },
  };
}
