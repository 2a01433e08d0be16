import type { Config } from './config.js';
import type { RenderSettings } from '../k8s/types.js';

/** Rendering settings from configuration. */
export function renderSettings(c: Config): RenderSettings {
  return {
    ingressClass: c.YUNBANG_INGRESS_CLASS,
    ingressNamespaceSelector: c.YUNBANG_INGRESS_NAMESPACE_SELECTOR,
    egressInternet: c.YUNBANG_EGRESS_INTERNET,
    teamQuota: c.YUNBANG_TEAM_QUOTA,
    containerDefaults: { requests: c.YUNBANG_CONTAINER_DEFAULT_REQUESTS, limits: c.YUNBANG_CONTAINER_DEFAULT_LIMITS },
    tlsSecretTemplate: c.YUNBANG_TLS_SECRET_TEMPLATE,
  };
}
