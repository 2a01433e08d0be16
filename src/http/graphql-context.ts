import type { Ctx } from '../intents/context.js';

/** The GraphQL context: the intent context of the authenticated caller. */
export interface GqlContext {
  ctx: Ctx;
  /** Aborts when the client goes away; ends subscriptions. */
  signal: AbortSignal;
}
