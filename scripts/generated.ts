import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { printedSchema } from '../schema/index.js';

/** Every generated file and what it should contain, computed from its source. */
export async function generatedFiles(): Promise<{ path: string; content: string }[]> {
  const spec = new URL('../openapi/openapi.yaml', import.meta.url);
  // Fields with a default stay optional: a client may leave them out.
  const ast = await openapiTS(spec, { defaultNonNullable: false });
  const header = '// Generated from openapi/openapi.yaml by `npm run gen`. Do not edit.\n';
  return [
    { path: 'schema/schema.graphql', content: printedSchema() },
    { path: 'openapi/types.ts', content: header + astToString(ast) },
  ];
}

export const repoFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
