import { builder } from './builder.js';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from '../src/intents/teams.js';
import type { LogRetentionView, TeamQuotaView, TeamView } from '../src/model.js';

const PodSecurityEnum = builder.enumType('PodSecurity', {
  description: 'The Pod Security Standard a team namespace enforces: baseline (the default), or restricted (non-root pods, no builds from git)',
  values: ['baseline', 'restricted'] as const,
});

const TeamQuota = builder.objectRef<TeamQuotaView>('TeamQuota').implement({
  description: "A team's plan: what its namespace's ResourceQuota allows, and builds at once",
  fields: (t) => ({
    pods: t.exposeInt('pods'),
    cpu: t.exposeString('cpu', { description: 'Total CPU limit, a Kubernetes quantity' }),
    memory: t.exposeString('memory', { description: 'Total memory limit, a Kubernetes quantity' }),
    storage: t.exposeString('storage', { nullable: true, description: 'Total storage claimed by volumes; null: no limit' }),
    builds: t.exposeInt('builds', { description: 'Builds run at once; more wait in the queue' }),
  }),
});

const LogRetention = builder.objectRef<LogRetentionView>('LogRetention').implement({
  description: "How long a team's log lines are kept: the oldest go first once either limit is passed (today's are always kept)",
  fields: (t) => ({ days: t.exposeInt('days'), megabytes: t.exposeInt('megabytes') }),
});

export const Team = builder.objectRef<TeamView>('Team').implement({
  description: 'A tenant: owns one Kubernetes namespace and its apps',
  fields: (t) => ({
    name: t.exposeString('name'),
    namespace: t.exposeString('namespace'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    podSecurity: t.expose('podSecurity', { type: PodSecurityEnum }),
    quota: t.expose('quota', { type: TeamQuota }),
    logRetention: t.expose('logRetention', { type: LogRetention }),
    clusters: t.exposeStringList('clusters', { description: 'The clusters it may run apps in (its namespace exists in each)' }),
    defaultCluster: t.exposeString('defaultCluster', { nullable: true, description: 'Where its new apps go unless createApp names a cluster' }),
  }),
});

const TeamPayload = builder.objectRef<{ team: TeamView }>('TeamPayload').implement({
  fields: (t) => ({ team: t.expose('team', { type: Team }) }),
});

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});

const TeamQuotaInput = builder.inputType('TeamQuotaInput', {
  fields: (t) => ({
    pods: t.int({ required: true }),
    cpu: t.string({ required: true }),
    memory: t.string({ required: true }),
    storage: t.string(),
    builds: t.int({ required: true }),
  }),
});

const LogRetentionInput = builder.inputType('LogRetentionInput', {
  fields: (t) => ({ days: t.int({ required: true, description: '1 to 30' }), megabytes: t.int({ required: true, description: '1 to 102400' }) }),
});

const UpdateTeamInput = builder.inputType('UpdateTeamInput', {
  fields: (t) => ({
    logRetention: t.field({ type: LogRetentionInput, description: "How long its log lines are kept; an explicit null returns to the platform's default" }),
    name: t.string({ required: true }),
    podSecurity: t.field({ type: PodSecurityEnum }),
    quota: t.field({ type: TeamQuotaInput, description: "The team's plan; an explicit null returns it to the platform's default" }),
  }),
});

builder.queryFields((t) => ({
  team: t.field({
    type: Team, nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_, { name }, { ctx }) => getTeam(ctx, name),
  }),
  teams: t.field({ type: [Team], resolve: (_, __, { ctx }) => listTeams(ctx) }),
}));

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: TeamPayload,
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ team: await createTeam(ctx, input) }),
  }),
  updateTeam: t.field({
    type: TeamPayload,
    description: "Sets a team's Pod Security level and plan (admin only); the namespace follows asynchronously",
    args: { input: t.arg({ type: UpdateTeamInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({
      team: await updateTeam(ctx, {
        name: input.name,
        ...(input.podSecurity ? { podSecurity: input.podSecurity } : {}),
        // Absent leaves the plan alone; an explicit null returns the team to the default.
        ...(input.quota !== undefined ? { quota: input.quota } : {}),
        ...(input.logRetention !== undefined ? { logRetention: input.logRetention } : {}),
      }),
    }),
  }),
  deleteTeam: t.field({
    type: TeamPayload,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { ctx }) => ({ team: await deleteTeam(ctx, name) }),
  }),
}));

