import { builder } from './builder.js';
import { createTeam, deleteTeam, getTeam, listTeams } from '../src/intents/teams.js';
import type { TeamView } from '../src/model.js';

export const Team = builder.objectRef<TeamView>('Team').implement({
  description: 'A tenant: owns one Kubernetes namespace and its apps',
  fields: (t) => ({
    name: t.exposeString('name'),
    namespace: t.exposeString('namespace'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const TeamPayload = builder.objectRef<{ team: TeamView }>('TeamPayload').implement({
  fields: (t) => ({ team: t.expose('team', { type: Team }) }),
});

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
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
  deleteTeam: t.field({
    type: TeamPayload,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { ctx }) => ({ team: await deleteTeam(ctx, name) }),
  }),
}));
