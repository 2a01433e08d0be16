import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoFile } from '../scripts/generated.js';

// The API's clients are typed from its contracts (console/src/gql, packages/sdk/src/gql and
// rest-types.ts): a change to the schema or openapi.yaml that breaks one fails here, not in a
// user's browser or an integrator's build. Vite's build does not typecheck.
describe('the clients typecheck against the contracts', () => {
  for (const project of ['console', 'packages/sdk', 'packages/cli']) {
    it(`tsc -p ${project} reports no error`, () => {
      const r = spawnSync(process.execPath, [repoFile('node_modules/typescript/bin/tsc'), '--noEmit', '-p', repoFile(project)], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 120_000);
  }
});
