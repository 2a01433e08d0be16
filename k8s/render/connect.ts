import { ACCESS, appPodsSelector, TEAM } from '../labels.js';
import { appMeta } from './meta.js';
import type { AppIntent, AppRef, ConnectionEntry, Dependency, K8sObject } from '../types.js';

/**
 * Dependencies, 12-factor style: an app gets each dependency's connection info as env vars (secret
 * values by secretKeyRef, never copied), and the network path to exactly the dependency's port.
 */

/** The Secret holding an app's generated values (created once by the worker, never rendered). */
export const generatedSecretName = (app: string) => `${app}-secrets`;
/**
 * Where a dependent reads a dependency's secrets: the dependency's own Secret in the same
 * namespace; a copy kept by the worker in the dependent's namespace across teams (Secrets cannot
 * be referenced across namespaces).
 */
export const sharedSecretName = (consumer: string, dep: AppRef) => `${consumer}-from-${dep.team}-${dep.app}`;

/** By team/app: the order dependencies are applied in, so renders are deterministic. */
const sortRefs = <T extends AppRef>(refs: T[]): T[] => [...refs].sort((a, b) => `${a.team}/${a.app}`.localeCompare(`${b.team}/${b.app}`));

export const serviceHost = (d: { app: string; namespace: string }) => `${d.app}.${d.namespace}.svc.cluster.local`;

/** A connection value with `${host}` and `${port}` filled in for the app that exports it. */
export const fillEndpoint = (value: string, d: { app: string; namespace: string; port: number }) =>
  value.replaceAll('${host}', serviceHost(d)).replaceAll('${port}', String(d.port));

/** An app that declares no connection info still exports where it is: <APP>_HOST and <APP>_PORT. */
export function effectiveExports(app: string, exports: ConnectionEntry[]): ConnectionEntry[] {
  if (exports.length > 0) return exports;
  const prefix = app.toUpperCase().replace(/-/g, '_');
  return [{ name: `${prefix}_HOST`, value: '${host}' }, { name: `${prefix}_PORT`, value: '${port}' }];
}

export type EnvEntry = { name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };
export interface EnvConflict { name: string; /** team/app of every dependency exporting it; the first one's value is used. */ from: string[]; /** a team/app, or "own env" */ usedFrom: string }

/**
 * The env an app gets from its dependencies, in a stable order (dependencies sorted by team/app,
 * each in its export order), and the names that collide: between dependencies the first one wins;
 * the app's own env always wins. Pure.
 */
export function connectionEnv(consumer: { app: string; namespace: string }, deps: Dependency[], ownEnv: string[]): { env: EnvEntry[]; conflicts: EnvConflict[] } {
  const own = new Set(ownEnv);
  const sources = new Map<string, string[]>();
  const env: EnvEntry[] = [];
  for (const d of sortRefs(deps)) {
    const id = `${d.team}/${d.app}`;
    for (const e of effectiveExports(d.app, d.exports)) {
      const seen = sources.get(e.name);
      if (seen) { seen.push(id); continue; }
      sources.set(e.name, [id]);
      if (own.has(e.name)) continue;
      if ('secret' in e) {
        const secret = d.namespace === consumer.namespace ? generatedSecretName(d.app) : sharedSecretName(consumer.app, d);
        env.push({ name: e.name, valueFrom: { secretKeyRef: { name: secret, key: e.secret } } });
      } else {
        env.push({ name: e.name, value: fillEndpoint(e.value, d) });
      }
    }
  }
  const conflicts = [...sources].filter(([name, from]) => from.length > 1 || own.has(name))
    .map(([name, from]) => ({ name, from, usedFrom: own.has(name) ? 'own env' : from[0]! }));
  return { env, conflicts };
}

const peer = (app: AppIntent, other: AppRef) => (other.namespace === app.team.namespace
  ? { podSelector: appPodsSelector(other.team, other.app) }
  : { namespaceSelector: { matchLabels: { [TEAM]: other.team } }, podSelector: appPodsSelector(other.team, other.app) });


/** Admits the app's dependents on its port (a backing service admits nobody else of its team). */
export function dependentsPolicy(app: AppIntent): K8sObject | undefined {
  if (app.dependents.length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: appMeta(app, `${app.name}-from-dependents`),
    spec: {
      podSelector: appPodsSelector(app.team.name, app.name),
      policyTypes: ['Ingress'],
      ingress: [{ from: sortRefs(app.dependents).map((d) => peer(app, d)), ports: [{ protocol: 'TCP', port: app.port }] }],
    },
  };
}

/**
 * Lets the app reach dependencies in other teams' namespaces, on their ports only (the team's
 * default policy closes egress to private ranges, where other teams' pods live).
 */
export function dependenciesEgressPolicy(app: AppIntent): K8sObject | undefined {
  const remote = app.dependencies.filter((d) => d.namespace !== app.team.namespace);
  if (remote.length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: appMeta(app, `${app.name}-to-dependencies`),
    spec: {
      podSelector: appPodsSelector(app.team.name, app.name),
      policyTypes: ['Egress'],
      egress: sortRefs(remote).map((d) => ({ to: [peer(app, d)], ports: [{ protocol: 'TCP', port: d.port }] })),
    },
  };
}

/** Pod labels beyond the selector: a backing service is marked so the team-wide ingress rule skips it. */
export const accessLabels = (app: AppIntent): Record<string, string> => (app.isolated ? { [ACCESS]: 'dependents' } : {});
