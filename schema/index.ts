import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './team.js';
import './app.js';
import './token.js';
import './event.js';
import './build.js';
import './market.js';
import './cluster.js';
import './live.js';
import './metrics.js';
import './logs.js';
import './alerts.js';
import './resources.js';
import './autoscaling.js';
import './runs.js';

export const schema: GraphQLSchema = builder.toSchema();

/** The schema as committed in schema/schema.graphql (sorted, so diffs show only real changes). */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
