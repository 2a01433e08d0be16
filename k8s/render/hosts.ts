import { createHash } from 'node:crypto';
import type { AppIntent, RenderSettings } from '../types.js';

/**
 * The hosts an app is served at: its default domain `<app>-<team>.<apps domain>` and its custom
 * domains. One DNS label holds at most 63 characters, so a longer `<app>-<team>` is cut and given
 * a short hash of the full name, which keeps it unique and stable. Pure.
 */
export function defaultLabel(app: string, team: string): string {
  const full = `${app}-${team}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(`${team}/${app}`).digest('hex').slice(0, 6);
  return `${full.slice(0, 56).replace(/-+$/, '')}-${hash}`;
}

export const defaultDomain = (label: string | null, appsDomain: string): string | null => (label ? `${label}.${appsDomain}` : null);

/** Whether a custom domain lies in the space reserved for default domains. */
export const underAppsDomain = (host: string, appsDomain: string) => host === appsDomain || host.endsWith(`.${appsDomain}`);

/** Every host of the app, sorted: the default domain (if any) and the custom domains. */
export function appHosts(app: Pick<AppIntent, 'defaultLabel' | 'domains'>, s: Pick<RenderSettings, 'appsDomain'>): string[] {
  const own = defaultDomain(app.defaultLabel, s.appsDomain);
  return [...new Set([...(own ? [own] : []), ...app.domains])].sort();
}
