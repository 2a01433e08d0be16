import { builder } from './builder.js';
import { listEvents } from '../src/intents/events.js';
import type { EventView } from '../src/model.js';

const Event = builder.objectRef<EventView>('Event').implement({
  description: 'One entry of a team\'s audit trail',
  fields: (t) => ({
    id: t.exposeID('id'),
    actor: t.exposeString('actor'),
    action: t.exposeString('action'),
    subject: t.exposeString('subject'),
    outcome: t.exposeString('outcome', { description: 'success or failure' }),
    message: t.exposeString('message'),
    requestId: t.exposeString('requestId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  events: t.field({
    type: [Event],
    description: 'Newest first; pass the last id seen as `before` for the next page',
    args: { team: t.arg.string({ required: true }), limit: t.arg.int(), before: t.arg.id() },
    resolve: (_, { team, limit, before }, { ctx }) =>
      listEvents(ctx, team, { limit: limit ?? undefined, before: before == null ? undefined : String(before) }),
  }),
}));
