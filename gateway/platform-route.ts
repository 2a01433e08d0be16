import { lookup } from 'node:dns/promises';
import { log as rootLog } from '../src/log.js';
import type { Route, Skipped } from './routes.js';

/**
 * The platform's own address. Installed in a cluster, Yunbang's API and console are reached at its
 * public URL through the same gateway as every app (one load balancer, one wildcard DNS record, one
 * place for TLS), as Rainbond serves its console through its own gateway. The route is the
 * operator's configuration, not an etcd record: no team can claim the platform's host, and the
 * gateway needs no Kubernetes rights to find the API, only the cluster's DNS name of its Service
 * (a ClusterIP, so kube-proxy follows the API's pods through a rolling upgrade).
 */
export interface PlatformRouteConfig {
  /** The public URL's host, e.g. yunbang.example.org. */
  host: string;
  /** The API Service's DNS name and port, e.g. yunbang-api.yunbang-system.svc:80. */
  upstream: { host: string; port: number };
  /** The public URL is https: served with the certificate in this Secret (or issued by ACME). */
  tlsSecret: string | null;
}

/** The labels the platform's requests carry in the access log and metrics. */
export const PLATFORM_TEAM = 'yunbang-system';
export const PLATFORM_APP = 'yunbang-api';

/** The platform's route for the upstream's current addresses (none yet: the "not ready" page). Pure. */
export function platformRoute(c: PlatformRouteConfig, addresses: string[]): Route {
  return {
    host: c.host, team: PLATFORM_TEAM, app: PLATFORM_APP, stopped: false, sleeping: false, canSleep: false,
    endpoints: addresses.map((a) => `${a}:${c.upstream.port}`),
    tls: c.tlsSecret ? { secretName: c.tlsSecret } : null,
  };
}

/** The routes served: etcd's, less any that names the platform's host, plus the platform's own. Pure. */
export function withPlatformRoute(routes: Route[], platform: Route | null): { routes: Route[]; skipped: Skipped[] } {
  if (!platform) return { routes, skipped: [] };
  const claimed = routes.filter((r) => r.host === platform.host);
  return {
    routes: [...routes.filter((r) => r.host !== platform.host), platform],
    skipped: claimed.map((r) => ({ key: r.host, reason: `the host is the platform's own (YUNBANG_PUBLIC_URL); ${r.team}/${r.app} cannot be served there` })),
  };
}

const log = rootLog.child({ component: 'gateway' });

/**
 * Resolves the upstream's name now and every `everyMs` (a Service's ClusterIP rarely changes, but
 * a reinstalled Service gets a new one), calling `changed` when the addresses differ. A failed
 * lookup keeps the last addresses.
 */
export class PlatformUpstream {
  private addresses: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly c: PlatformRouteConfig, private readonly changed: () => void, private readonly everyMs = 10_000) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref();
  }

  route(): Route { return platformRoute(this.c, this.addresses); }

  stop(): void { if (this.timer) clearInterval(this.timer); }

  private async refresh(): Promise<void> {
    try {
      const found = (await lookup(this.c.upstream.host, { all: true, family: 4 })).map((a) => a.address).sort();
      if (found.join() === this.addresses.join()) return;
      log.info({ upstream: this.c.upstream.host, addresses: found }, 'the platform\'s API resolved');
      this.addresses = found;
      this.changed();
    } catch (err) {
      log.warn({ upstream: this.c.upstream.host, error: (err as Error).message }, 'the platform\'s API does not resolve; keeping its last addresses');
    }
  }
}
