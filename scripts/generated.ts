import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { generate } from '@graphql-codegen/cli';
import { printedSchema } from '../schema/index.js';
import { typedOperations } from './codegen.js';
import { renderAlertRules } from '../src/observe/alerts.js';
import { ALERT_GROUPING, renderAlertmanagerConfig } from './local/alertmanager.js';

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
  const operations: { filename: string; content: string }[] = [];
  try {
    operations.push(...await generate({ ...typedOperations(sdl, 'console/src/graphql/*.graphql', 'console/src/gql/'), silent: true }, false));
    operations.push(...await generate({ ...typedOperations(sdl, 'packages/sdk/src/graphql/*.graphql', 'packages/sdk/src/gql/', { esm: true }), silent: true }, false));
  } finally { process.chdir(cwd); }
  const restTypes = header + astToString(ast);
  return [
    { path: 'schema/schema.graphql', content: sdl },
    { path: 'openapi/types.ts', content: restTypes },
    // The SDK carries its own copy: it is installed without this repository.
    { path: 'packages/sdk/src/rest-types.ts', content: restTypes },
    ...operations.map((f) => ({ path: f.filename, content: f.content })),
    // For an installation's own Prometheus (rule_files): the rules `npm start` and the tests evaluate.
    { path: 'k8s/install/observe/yunbang-rules.yml', content: `# Generated from src/observe/alerts.ts by \`npm run gen\`. Do not edit.\n${renderAlertRules()}` },
    // The bundled Alertmanager's (k8s/install/observe/alertmanager.yaml): as npm start's, posting to
    // the API's Service with the token mounted from yunbang-secrets.
    {
      path: 'k8s/install/observe/alertmanager.yml',
      content: `# Generated from scripts/local/alertmanager.ts by \`npm run gen\`. Do not edit.\n${renderAlertmanagerConfig({ receiver: 'http://yunbang-api/hooks/alertmanager', ...ALERT_GROUPING }, '/etc/alertmanager-token/token')}`,
    },
  ];
}

export const repoFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
