import { builder } from './builder.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../src/intents/tokens.js';
import type { TokenView } from '../src/model.js';

const ApiToken = builder.objectRef<TokenView>('ApiToken').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.exposeString('role', { description: 'owner, developer or viewer' }),
    team: t.exposeString('team'),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreateApiTokenPayload = builder.objectRef<{ secret: string; token: TokenView }>('CreateApiTokenPayload').implement({
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The bearer token. Shown only here: store it now' }),
    token: t.expose('token', { type: ApiToken }),
  }),
});

const ApiTokenPayload = builder.objectRef<{ token: TokenView }>('ApiTokenPayload').implement({
  fields: (t) => ({ token: t.expose('token', { type: ApiToken }) }),
});

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    team: t.string({ required: true }),
    role: t.string({ required: true, description: 'owner, developer or viewer' }),
    name: t.string({ required: true }),
  }),
});

builder.queryFields((t) => ({
  apiTokens: t.field({
    type: [ApiToken],
    args: { team: t.arg.string({ required: true }) },
    resolve: (_, { team }, { ctx }) => listApiTokens(ctx, team),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: (_, { input }, { ctx }) => createApiToken(ctx, input),
  }),
  revokeApiToken: t.field({
    type: ApiTokenPayload,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { ctx }) => ({ token: await revokeApiToken(ctx, String(id)) }),
  }),
}));
