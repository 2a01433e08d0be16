import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

/**
 * What each of Yunbang's identities may do on the cluster, as `kubectl auth can-i --as` answers
 * it (SubjectAccessReviews, made with the admin's credentials): the shipped RBAC of
 * k8s/install/base/rbac.yaml plus the RoleBindings the worker creates in a team namespace. A right
 * missing or one too many fails the table.
 */
const SA = (name: string) => `system:serviceaccount:yunbang-system:${name}`;

describe('RBAC: the rights of each identity (auth can-i)', () => {
  let p: FullPlatform;
  let team: string;
  let ns: string;
  let review: k8s.AuthorizationV1Api;
  beforeAll(async () => {
    p = await startFullPlatform();
    review = p.kc.makeApiClient(k8s.AuthorizationV1Api); // the admin's: only the test's own questions
    team = await makeTeam(p.url);
    ns = `yb-${team}`;
    // The worker creates the namespace and its bindings on the first app.
    await rest(p.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/w:1' });
    await eventually('team namespace bound', async () => (await p.rbac.listNamespacedRoleBinding({ namespace: ns })).items.length === 2, 20_000);
  });
  afterAll(async () => { await p?.close(); });

  const can = async (user: string, verb: string, resource: string, namespace?: string, group = '', subresource?: string, name?: string) => {
    const r = await review.createSubjectAccessReview({ body: { spec: { user, groups: ['system:serviceaccounts', 'system:serviceaccounts:yunbang-system', 'system:authenticated'], resourceAttributes: { verb, resource, group, namespace, subresource, name } } } });
    return r.status?.allowed ?? false;
  };

  // [identity, verb, resource, namespace ('team' for the team's), group, subresource, allowed]
  const table: [string, string, string, string | undefined, string, string | undefined, boolean][] = [
    // The worker: team namespaces and what is in them.
    ['yunbang-worker', 'create', 'namespaces', undefined, '', undefined, true],
    ['yunbang-worker', 'delete', 'namespaces', undefined, '', undefined, true],
    ['yunbang-worker', 'patch', 'pods', 'team', '', undefined, true], // build pods are server-side applied
    ['yunbang-worker', 'create', 'pods', 'team', '', undefined, true],
    ['yunbang-worker', 'get', 'pods', 'team', '', 'log', true],
    ['yunbang-worker', 'patch', 'deployments', 'team', 'apps', undefined, true],
    ['yunbang-worker', 'patch', 'statefulsets', 'team', 'apps', undefined, true],
    ['yunbang-worker', 'patch', 'networkpolicies', 'team', 'networking.k8s.io', undefined, true],
    ['yunbang-worker', 'patch', 'ingresses', 'team', 'networking.k8s.io', undefined, true],
    ['yunbang-worker', 'get', 'secrets', 'team', '', undefined, true],
    ['yunbang-worker', 'patch', 'resourcequotas', 'team', '', undefined, true],
    ['yunbang-worker', 'delete', 'persistentvolumeclaims', 'team', '', undefined, true],
    ['yunbang-worker', 'watch', 'pods', undefined, '', undefined, true],
    ['yunbang-worker', 'watch', 'deployments', undefined, 'apps', undefined, true],
    // The watch cache: every managed kind cluster-wide (selected by label in the code), Secrets only per team namespace.
    ['yunbang-worker', 'watch', 'services', undefined, '', undefined, true],
    ['yunbang-worker', 'watch', 'networkpolicies', undefined, 'networking.k8s.io', undefined, true],
    ['yunbang-worker', 'watch', 'rolebindings', undefined, 'rbac.authorization.k8s.io', undefined, true],
    ['yunbang-worker', 'watch', 'secrets', 'team', '', undefined, true],
    ['yunbang-worker', 'watch', 'secrets', undefined, '', undefined, false],
    ['yunbang-worker', 'create', 'rolebindings', 'team', 'rbac.authorization.k8s.io', undefined, true],
    // ...and nothing outside them.
    ['yunbang-worker', 'get', 'secrets', 'kube-system', '', undefined, false],
    ['yunbang-worker', 'list', 'secrets', undefined, '', undefined, false],
    ['yunbang-worker', 'create', 'pods', 'default', '', undefined, false],
    ['yunbang-worker', 'patch', 'pods', 'kube-system', '', undefined, false],
    ['yunbang-worker', 'create', 'deployments', 'default', 'apps', undefined, false],
    ['yunbang-worker', 'get', 'secrets', 'yunbang-system', '', undefined, false],
    ['yunbang-worker', 'get', 'configmaps', 'team', '', undefined, false],
    ['yunbang-worker', 'create', 'clusterrolebindings', undefined, 'rbac.authorization.k8s.io', undefined, false],
    ['yunbang-worker', 'escalate', 'clusterroles', undefined, 'rbac.authorization.k8s.io', undefined, false],
    ['yunbang-worker', 'list', 'nodes', undefined, '', undefined, true], // the clusters list shows node counts
    ['yunbang-worker', 'create', 'nodes', undefined, '', undefined, false],
    ['yunbang-worker', 'patch', 'nodes', undefined, '', undefined, false],
    ['yunbang-worker', 'patch', 'pods', 'team', '', 'status', false],
    // The API: pods and their logs in team namespaces, nothing else.
    ['yunbang-api', 'list', 'pods', 'team', '', undefined, true],
    ['yunbang-api', 'get', 'pods', 'team', '', 'log', true],
    ['yunbang-api', 'get', 'secrets', 'team', '', undefined, false],
    ['yunbang-api', 'create', 'pods', 'team', '', undefined, false],
    ['yunbang-api', 'patch', 'deployments', 'team', 'apps', undefined, false],
    ['yunbang-api', 'list', 'pods', 'kube-system', '', undefined, false],
    ['yunbang-api', 'create', 'namespaces', undefined, '', undefined, false],
    ['yunbang-api', 'watch', 'pods', undefined, '', undefined, false],
    // The gateway (and anything else in yunbang-system without a role): nothing.
    ['default', 'list', 'pods', 'team', '', undefined, false],
    ['default', 'get', 'secrets', 'yunbang-system', '', undefined, false],
  ];

  it.each(table)('%s %s %s in %s (%s/%s): %s', async (who, verb, resource, namespace, group, subresource, allowed) => {
    expect(await can(SA(who), verb, resource, namespace === 'team' ? ns : namespace, group, subresource)).toBe(allowed);
  });

  it('the worker may bind exactly the two tenant roles, and no other', async () => {
    expect(await can(SA('yunbang-worker'), 'bind', 'clusterroles', undefined, 'rbac.authorization.k8s.io', undefined, 'yunbang-tenant-worker')).toBe(true);
    expect(await can(SA('yunbang-worker'), 'bind', 'clusterroles', undefined, 'rbac.authorization.k8s.io', undefined, 'yunbang-tenant-api')).toBe(true);
    expect(await can(SA('yunbang-worker'), 'bind', 'clusterroles', undefined, 'rbac.authorization.k8s.io', undefined, 'cluster-admin')).toBe(false);
    expect(await can(SA('yunbang-worker'), 'bind', 'clusterroles', undefined, 'rbac.authorization.k8s.io', undefined, 'edit')).toBe(false);
  });

  it('the worker refuses a namespace of its prefix that is not Yunbang\'s', async () => {
    const squatter = `yb-${team}-x`;
    await p.core.createNamespace({ body: { metadata: { name: squatter } } });
    const { renderSettings } = await import('../src/settings.js');
    const { applyTeamObjects } = await import('../jobs/reconcile-team.js');
    const settings = renderSettings(p.running.platform.config);
    await expect(applyTeamObjects(p.running.platform.kube, { name: `${team}-x`, namespace: squatter, generation: 1 }, settings))
      .rejects.toThrow(/exists and is not managed by Yunbang/);
    await expect(applyTeamObjects(p.running.platform.kube, { name: 'kube', namespace: 'kube-system', generation: 1 }, settings))
      .rejects.toThrow(/outside the team prefix/);
    expect((await p.rbac.listNamespacedRoleBinding({ namespace: squatter })).items).toEqual([]);
    await p.core.deleteNamespace({ name: squatter });
  });
});
