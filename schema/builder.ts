import SchemaBuilder from '@pothos/core';
import { valueFromASTUntyped } from 'graphql';
import type { GqlContext } from '../src/http/graphql-context.js';

export type { GqlContext };

export const builder = new SchemaBuilder<{
  Context: GqlContext;
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC',
  serialize: (d) => d.toISOString(),
  parseValue: (v) => {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new TypeError('DateTime must be an ISO-8601 string');
    return d;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value (template parameters, a template definition)',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** GraphQL allows explicit nulls where REST omits a key; both mean "not given" to the intents. */
type NoNulls<T> = T extends (infer U)[] ? NoNulls<U>[] : T extends object ? { [K in keyof T]: NoNulls<Exclude<T[K], null>> } : T;
export function withoutNulls<T extends object>(o: T): NoNulls<T> {
  return JSON.parse(JSON.stringify(o, (_, v) => (v === null ? undefined : v)));
}
