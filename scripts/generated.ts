import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { generate } from '@graphql-codegen/cli';
import { printedSchema } from '../schema/index.js';
import { codegenConfig } from '../console/codegen.js';

/** Every generated file and what it should contain, computed from its source. */
export async function generatedFiles(): Promise<{ path: string; content: string }[]> {
  const spec = new URL('../openapi/openapi.yaml', import.meta.url);
  // Fields with a default stay optional: a client may leave them out.
  const ast = await openapiTS(spec, { defaultNonNullable: false });
  const header = '// Generated from openapi/openapi.yaml by `npm run gen`. Do not edit.\n';
  const sdl = printedSchema();
  // The console's operation types, from the schema as printed now (not as last written).
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cwd = process.cwd();
  process.chdir(root);
  let consoleTypes: { filename: string; content: string }[];
  try { consoleTypes = await generate({ ...codegenConfig(sdl), silent: true }, false); } finally { process.chdir(cwd); }
  return [
    { path: 'schema/schema.graphql', content: sdl },
    { path: 'openapi/types.ts', content: header + astToString(ast) },
    ...consoleTypes.map((f) => ({ path: f.filename, content: f.content })),
  ];
}

export const repoFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
