import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The console's typed operations: every one is written in a .graphql file under src/graphql and
 * typed from the API's schema. `npm run gen` writes src/gql; `npm run check` fails on drift.
 * Documents are emitted as strings (no GraphQL runtime in the browser bundle).
 */
export function codegenConfig(schema: string): CodegenConfig {
  return {
    schema,
    documents: ['console/src/graphql/*.graphql'],
    ignoreNoDocuments: false,
    generates: {
      'console/src/gql/': {
        preset: 'client',
        presetConfig: { fragmentMasking: false },
        config: {
          documentMode: 'string', useTypeImports: true, enumsAsTypes: true, skipTypename: true,
          scalars: { DateTime: 'string', JSON: 'unknown' },
        },
      },
    },
  };
}
