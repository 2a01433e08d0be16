import { DEFAULT_KNOWN_HOSTS, effectiveKnownHosts } from './build/known-hosts.js';
import { parseAllowList, type AllowList } from './net/git-guard.js';
import type { Config } from './config.js';
import type { RenderSettings } from '../k8s/types.js';
import { defaultBuildPodSettings, type BuildPodSettings } from '../k8s/render/build-pods.js';

/** Rendering settings from configuration. */
export function renderSettings(c: Config): RenderSettings {
  return {
    ingressClass: c.YUNBANG_INGRESS_CLASS,
    ingressNamespaceSelector: c.YUNBANG_INGRESS_NAMESPACE_SELECTOR,
    egressInternet: c.YUNBANG_EGRESS_INTERNET,
    dns: { namespaceSelector: c.YUNBANG_DNS_NAMESPACE_SELECTOR, podSelector: c.YUNBANG_DNS_POD_SELECTOR },
    egressDeny: c.YUNBANG_EGRESS_DENY,
    // Build pods also reach the allowed internal git hosts given by address (names cannot be in a NetworkPolicy).
    buildEgress: [...c.YUNBANG_REGISTRY_CIDRS, ...allowedCidrs(c.YUNBANG_GIT_ALLOWED_HOSTS)],
    teamQuota: c.YUNBANG_TEAM_QUOTA,
    containerDefaults: { requests: c.YUNBANG_CONTAINER_DEFAULT_REQUESTS, limits: c.YUNBANG_CONTAINER_DEFAULT_LIMITS },
    tlsSecretTemplate: c.YUNBANG_TLS_SECRET_TEMPLATE,
    appsDomain: c.YUNBANG_APPS_DOMAIN,
    appsTlsSecret: c.YUNBANG_APPS_TLS_SECRET ?? null,
    namespacePrefix: c.YUNBANG_NAMESPACE_PREFIX,
    identities: { namespace: c.YUNBANG_SYSTEM_NAMESPACE, worker: c.YUNBANG_WORKER_SERVICE_ACCOUNT, api: c.YUNBANG_API_SERVICE_ACCOUNT },
    gateway: { namespaceSelector: c.YUNBANG_GATEWAY_NAMESPACE_SELECTOR, podSelector: c.YUNBANG_GATEWAY_POD_SELECTOR },
    autoscaleDownSeconds: c.YUNBANG_AUTOSCALE_DOWN_SECONDS,
    drainSeconds: c.YUNBANG_POD_DRAIN_SECONDS,
  };
}

/** The allow list's addresses and ranges, as CIDRs. */
function allowedCidrs(hosts: string[]): string[] {
  return parseAllowList(hosts).ranges.map(([a, bits]) => `${a.toString()}/${bits}`);
}

/** Build pod settings from configuration. */
/** What the worker's build job needs besides the pod settings: builds at once per team, and git hosts allowed on internal networks. */
export type BuildSettings = BuildPodSettings & { perTeam: number; gitAllow: AllowList; knownHosts: string };

export function buildSettings(c: Config): BuildSettings {
  return {
    ...defaultBuildPodSettings,
    detectorImage: c.YUNBANG_DETECTOR_IMAGE, gitImage: c.YUNBANG_GIT_IMAGE, kanikoImage: c.YUNBANG_KANIKO_IMAGE,
    registry: c.YUNBANG_REGISTRY, registrySecret: c.YUNBANG_REGISTRY_SECRET ?? null,
    deadlineSeconds: c.YUNBANG_BUILD_DEADLINE_SECONDS, memory: c.YUNBANG_BUILD_MEMORY,
    cpu: c.YUNBANG_BUILD_CPU, cpuRequest: c.YUNBANG_BUILD_CPU_REQUEST ?? c.YUNBANG_BUILD_CPU, perTeam: c.YUNBANG_BUILDS_PER_TEAM,
    gitAllow: parseAllowList(c.YUNBANG_GIT_ALLOWED_HOSTS),
    knownHosts: effectiveKnownHosts(DEFAULT_KNOWN_HOSTS, c.YUNBANG_GIT_KNOWN_HOSTS),
  };
}
