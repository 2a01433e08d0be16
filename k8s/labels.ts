/**
 * The labels Yunbang puts on everything it owns. Kubernetes' recommended labels for people and
 * tools, plus Yunbang's own owner labels, which prune and the watch select on.
 */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const TEAM = 'yunbang.dev/team';
export const APP = 'yunbang.dev/app';
export const GENERATION = 'yunbang.dev/generation';
export const RELEASE = 'yunbang.dev/release';
export const RESTARTED_AT = 'yunbang.dev/restarted-at';
/** On an app's Deployment: who sets its replicas, `yunbang` (the app's own count) or `autoscaler` (its HPA). */
export const REPLICAS_BY = 'yunbang.dev/replicas-by';
export const FIELD_MANAGER = 'yunbang';
/**
 * On a team's Namespace: which rendering of the team's objects it has. Bumped when that rendering
 * changes (RoleBindings were added in 2), so existing namespaces are brought up to date.
 */
export const TEAM_RENDER = 'yunbang.dev/team-render';
export const TEAM_RENDER_VERSION = '4';
/** What an object is for, beside an app's workload: a build pod (detect/build) or a kind of Secret. */
export const ROLE = 'yunbang.dev/role';
/** On the pods of a backing service: only its dependents may reach it, not the whole team. */
export const ACCESS = 'yunbang.dev/access';

export function teamLabels(team: string): Record<string, string> {
  return { [MANAGED_BY]: 'yunbang', [TEAM]: team };
}

/** Selects an app's pods; immutable once a Deployment exists, so it never carries the generation. */
export function selectorLabels(team: string, app: string): Record<string, string> {
  return { [TEAM]: team, [APP]: app };
}

export function appLabels(team: string, app: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': app,
    [MANAGED_BY]: 'yunbang',
    ...selectorLabels(team, app),
  };
}

/** The label selector of everything owned by one app (for prune and status). */
export function appSelector(team: string, app: string): string {
  return `${MANAGED_BY}=yunbang,${TEAM}=${team},${APP}=${app}`;
}

/**
 * The app's own pods, as a label selector: its build and detect pods carry its labels too (so
 * deleting the app removes them) and a role, and are no replicas of it: never endpoints, never
 * counted, never covered by its network policies. Its one-off commands' pods (RUN) neither.
 */
export const appPodSelector = (team: string, app: string) => `${appSelector(team, app)},!${ROLE},!yunbang.dev/run`;

/** The same, as a NetworkPolicy's podSelector. */
export const appPodsSelector = (team: string, app: string) => ({
  matchLabels: selectorLabels(team, app), matchExpressions: [{ key: ROLE, operator: 'DoesNotExist' }],
});

/**
 * On a one-off command's pod (`yb run`): the run's id. Such a pod carries the app's own labels, so
 * the app's network policies cover it (it reaches what the app reaches), but it is no replica:
 * never an endpoint, never counted, and never ready (render/run.ts), so its Service skips it too.
 */
export const RUN = 'yunbang.dev/run';
