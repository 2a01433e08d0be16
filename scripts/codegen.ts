import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations for a client of the GraphQL API (the console, the SDK): every operation is
 * written in a .graphql file and typed from the API's schema by GraphQL Code Generator's client
 * preset. `npm run gen` writes them; the tests fail on drift. Documents are emitted as strings, so
 * no GraphQL runtime goes into a browser bundle or the SDK.
 */
export function typedOperations(schema: string, documents: string, output: string, o: { esm?: boolean } = {}): CodegenConfig {
  return {
    schema,
    // Node's ESM (the SDK) needs .js on relative imports; a bundler (the console) does not.
    emitLegacyCommonJSImports: !o.esm,
    documents: [documents],
    ignoreNoDocuments: false,
    generates: {
      [output]: {
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
